"""Records received from the other agencies, kept as their sources state them, with provenance."""
