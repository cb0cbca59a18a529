"""The README's example query answers what the README says, on the default demo data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.filters import today

README = Path(__file__).resolve().parents[1] / "README.md"


def example() -> tuple[str, Any]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## An example query", 1)[1]
    query = re.search(r"```graphql\n(.*?)```", section, re.S)
    answer = re.search(r"```json\n(.*?)```", section, re.S)
    assert query is not None, "README: the example query block is missing"
    assert answer is not None, "README: the example answer block is missing"
    return query[1], json.loads(answer[1])


async def test_the_readme_example_answers_as_documented(sessions: Any, anonymous: Any) -> None:
    query, expected = example()
    await load(sessions, generate(DemoScale.times(1), today=today()))

    # A newcomer asks without a token: the example is open data.
    assert await anonymous(query) == expected
