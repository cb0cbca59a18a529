"""GraphQL types and queries of the stations domain."""
