"""The README's tables of tiers and scopes are the ones the code has."""

from __future__ import annotations

from pathlib import Path

from hub.auth.scopes import scopes_table
from hub.auth.tiers import tiers_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_limits_and_scopes_tables_match_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    documented = text.split("<!-- limits:begin -->\n", 1)[1].split("<!-- limits:end -->", 1)[0]

    expected = tiers_table() + "\n" + scopes_table()
    assert documented == expected, f"README: replace the tables with\n{expected}"


def test_the_readme_states_the_open_page_cap_the_code_enforces() -> None:
    text = README.read_text(encoding="utf-8")

    assert "capped at 100." not in text
    assert "50 for open data (anonymous callers too)" in text
