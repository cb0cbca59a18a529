"""Stations 场站: passenger stations, freight stations and port terminals."""
