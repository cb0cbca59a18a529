"""GraphQL of the exchange inbox: documents received, and the dead letters."""
