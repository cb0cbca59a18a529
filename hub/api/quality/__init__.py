"""GraphQL of the cross-source data-quality findings."""
