"""GraphQL types and queries of the practitioners domain."""
