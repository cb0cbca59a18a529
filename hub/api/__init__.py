"""The GraphQL API: the published standard, built from rows of the data center."""
