"""Vessels 船舶 and their certificates."""
