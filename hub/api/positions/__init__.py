"""Positions and tracks of vehicles in GraphQL."""
