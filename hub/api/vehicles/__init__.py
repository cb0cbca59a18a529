"""GraphQL types and queries of the vehicles domain."""
