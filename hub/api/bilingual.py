"""Descriptions of the published schema: Chinese first, then English."""

from __future__ import annotations


def doc(zh: str, en: str) -> str:
    """One description in the schema's house style: the Chinese text, a blank line, the English."""
    return f"{zh}\n\n{en}"
