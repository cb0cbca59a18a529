"""Cargo 货: the dangerous goods list 危险货物品名表."""
