"""Passenger lines 客运班线 and their stops."""
