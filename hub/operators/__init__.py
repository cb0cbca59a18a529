"""Operators 业户 and their operating permits 经营许可证."""
