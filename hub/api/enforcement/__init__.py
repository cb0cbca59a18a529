"""GraphQL of enforcement records: inspections, cases, on-site records, random draws."""
