"""GraphQL types and queries of the operators domain."""
