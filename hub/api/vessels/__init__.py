"""GraphQL types and queries of the vessels domain."""
