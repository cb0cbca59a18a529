"""GraphQL types and queries of the lines domain."""
