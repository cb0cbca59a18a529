"""GraphQL types and queries of the cargo domain."""
