"""The data dictionary is generated from the standards and the schema, and kept current."""

from __future__ import annotations

from hub.dictionary import DICTIONARY_PATH, render


def test_the_committed_dictionary_is_current() -> None:
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == render(), (
        "standards/dictionary/data-dictionary.md is stale: run `hub standards dictionary`"
    )


def test_the_dictionary_covers_exchange_documents_and_graphql() -> None:
    text = render()

    assert "`Header/MessageId`" in text
    assert "### `Vehicle`" in text
    assert "| `plateColor` | 车牌颜色。 | Plate colour. |" in text
    assert "`plate_color.csv`" in text
