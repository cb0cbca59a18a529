"""Automatic alerts of the supervision (运政通): rules as data, run as fixes and records arrive."""
