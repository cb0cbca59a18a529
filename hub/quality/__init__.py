"""Data quality across sources: where the agencies' records and the data center disagree."""
