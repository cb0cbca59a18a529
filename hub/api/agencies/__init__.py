"""GraphQL types of the records shared by the other agencies."""
