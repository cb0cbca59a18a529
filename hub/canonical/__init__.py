"""Canonical records: the contract adapters map to. Standard library only."""
