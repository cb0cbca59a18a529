"""Generates ``hub/canonical/codes.py`` from the code lists, so that code lists stay data.

The generated module gives mypy real enum classes while the CSV files stay the only place a
code is written; a test fails when the generated module is stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from hub.canonical.codelists import CodeList, read_code_lists

TARGET = Path(__file__).with_name("codes.py")

HEADER = '''"""Code lists of the hub, generated from ``standards/codes`` by ``hub codes generate``.

Do not edit: change the CSV files and generate again.
"""

from enum import Enum
from typing import Final

Label = tuple[str, str]
"""A code's labels: (Chinese, English)."""
'''


def _q(text: str) -> str:
    """A double-quoted Python string literal, keeping Chinese readable."""
    return json.dumps(text, ensure_ascii=False)


def _enum(code_list: CodeList) -> list[str]:
    lines = [
        "",
        "",
        f"class {code_list.python_name}(Enum):",
        f'    """{code_list.zh} / {code_list.en}."""',
        "",
    ]
    lines += [f"    {entry.member_name} = {_q(entry.code)}" for entry in code_list.entries]
    aliases = [(alias, entry) for entry in code_list.entries for alias in entry.aliases]
    if aliases:
        lines += [
            "",
            "    @classmethod",
            "    def _missing_(cls, value: object) -> Enum | None:",
            "        # A standard's other codes for an entry: read as it, stored as its own.",
            "        aliases = {",
            *(f"            {_q(alias)}: cls.{entry.member_name}," for alias, entry in aliases),
            "        }",
            "        return aliases.get(value) if isinstance(value, str) else None",
        ]
    return lines


def _labels(code_list: CodeList) -> list[str]:
    name = code_list.python_name
    lines = ["", "", f"{name}: Final[dict[str, Label]] = {{"]
    lines += [
        f"    {_q(entry.code)}: ({_q(entry.zh)}, {_q(entry.en)})," for entry in code_list.entries
    ]
    lines.append("}")
    lines.append(f'"""{code_list.zh} / {code_list.en}: code → labels."""')
    return lines


def render(lists: tuple[CodeList, ...]) -> str:
    """The source text of the generated module."""
    lines = [HEADER.rstrip("\n")]
    enums = [code_list for code_list in lists if code_list.is_enum]
    for code_list in enums:
        lines += _enum(code_list)
    for code_list in lists:
        if not code_list.is_enum:
            lines += _labels(code_list)
    lines += ["", "", "LABELS: Final[dict[Enum, Label]] = {"]
    for code_list in enums:
        for entry in code_list.entries:
            member = f"{code_list.python_name}.{entry.member_name}"
            lines.append(f"    {member}: ({_q(entry.zh)}, {_q(entry.en)}),")
    lines.append("}")
    lines.append('"""Every enum member → (Chinese, English) label."""')
    lines += ["", "", "TITLES: Final[dict[type[Enum], Label]] = {"]
    lines += [f"    {c.python_name}: ({_q(c.zh)}, {_q(c.en)})," for c in enums]
    lines.append("}")
    lines.append('"""Every enum → (Chinese, English) title of its code list."""')
    return "\n".join(lines) + "\n"


def generate(target: Path = TARGET) -> bool:
    """Write the module; returns whether it changed."""
    text = render(read_code_lists())
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    generate()
