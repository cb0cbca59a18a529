"""Reading the code lists in ``standards/codes``: the one place codes are defined.

Each list is a CSV file with the columns ``code, zh, en, source, version`` and, where a
standard writes the same entry another way, ``aliases`` (space-separated: UN/CEFACT
Recommendation 19's numeric transport modes beside the letters the hub stores); ``index.csv``
names every list, the Python name it is generated under, its title and whether it becomes
an enum. ``hub.canonical.codes`` is generated from them (see ``hub.canonical.codegen``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

STANDARDS_DIR = Path(__file__).resolve().parents[2] / "standards"
CODES_DIR = STANDARDS_DIR / "codes"
COLUMNS = ("code", "zh", "en", "source", "version")
ALIASES = "aliases"
"""The optional last column: other codes that name the same entry, read as it."""


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One code of a code list, with its Chinese and English labels."""

    code: str
    zh: str
    en: str
    source: str
    version: str
    aliases: tuple[str, ...] = ()
    """Other codes a standard gives the entry: accepted, and stored as ``code``."""

    @property
    def member_name(self) -> str:
        """The enum member name from the English label: ``Yellow green`` → ``YELLOW_GREEN``."""
        return re.sub(r"[^A-Za-z0-9]+", "_", self.en).strip("_").upper()


@dataclass(frozen=True, slots=True)
class CodeList:
    """A whole code list as listed in ``index.csv``."""

    name: str
    python_name: str
    zh: str
    en: str
    is_enum: bool
    entries: tuple[CodeEntry, ...]


class CodeListError(ValueError):
    """A code list file that breaks the format; names the file and the line."""


def read_entries(path: Path) -> tuple[CodeEntry, ...]:
    """Read one code list file, refusing missing columns, empty cells and repeated codes."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) not in (COLUMNS, (*COLUMNS, ALIASES)):
            raise CodeListError(
                f"{path.name}: header must be {','.join(COLUMNS)}, optionally then {ALIASES}"
            )
        entries: list[CodeEntry] = []
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            if any(not (row.get(column) or "").strip() for column in COLUMNS):
                raise CodeListError(f"{path.name}:{line}: every column needs a value")
            entry = CodeEntry(
                **{column: row[column].strip() for column in COLUMNS},
                aliases=tuple((row.get(ALIASES) or "").split()),
            )
            for code in (entry.code, *entry.aliases):
                if code in seen:
                    raise CodeListError(f"{path.name}:{line}: code {code!r} repeated")
                seen.add(code)
            entries.append(entry)
    return tuple(entries)


def read_code_lists(directory: Path = CODES_DIR) -> tuple[CodeList, ...]:
    """Every code list named in ``index.csv``, in its order."""
    lists: list[CodeList] = []
    with (directory / "index.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entries = read_entries(directory / f"{row['list']}.csv")
            code_list = CodeList(
                name=row["list"],
                python_name=row["type"],
                zh=row["zh"],
                en=row["en"],
                is_enum=row["enum"] == "yes",
                entries=entries,
            )
            if code_list.is_enum:
                names = [entry.member_name for entry in entries]
                if len(set(names)) != len(names):
                    raise CodeListError(f"{row['list']}.csv: English labels give repeated names")
            lists.append(code_list)
    return tuple(lists)
