"""Credit rule files (``standards/credit/*.toml``): read, checked, and refused with file and line.

A rule file holds one scoring table: the subject it grades, its version, the points of each
credit event kind with a cap per period, the grade bands and the list thresholds. It is
checked whole at start-up; the first problem found is reported as ``path:line: what``. Its
digest identifies the version actually graded with (see :mod:`hub.credit.grading`).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.canonical.codes import CreditEventKind, CreditSubjectKind
from hub.errors import ConfigError

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "standards" / "credit"
PERIODS = ("YEAR",)
"""Assessment periods a rule file may name; a period argument is then a year (``2026``)."""


@dataclass(frozen=True, slots=True)
class EventRule:
    """How one event kind counts: ``points`` per event, at most ``cap`` in a period."""

    kind: CreditEventKind
    points: int
    cap: int
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Band:
    """A grade and the scores it covers, both inclusive."""

    grade: str
    min: int
    max: int
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One rule file, checked."""

    path: Path
    text: str
    digest: str
    rule_set: str
    version: str
    subject: CreditSubjectKind
    zh: str
    en: str
    period: str
    base_score: int
    events: dict[CreditEventKind, EventRule]
    bands: tuple[Band, ...]
    watch_below: int
    black_below: int
    list_months: int

    def band_of(self, score: int) -> Band:
        """The band a score falls in (bands cover 0..base_score without gaps)."""
        return next(band for band in self.bands if band.min <= score <= band.max)


class RuleFileError(ConfigError):
    """A rule file that does not validate; the message names the file and line."""


def _lines(text: str) -> dict[tuple[Any, ...], int]:
    """The line on which each table and key is defined: ``("events", "PENALTY", "cap")``,
    ``("bands", 2, "min")``. TOML keys are unique per table, so the first match is the one."""
    found: dict[tuple[Any, ...], int] = {}
    table: tuple[Any, ...] = ()
    arrays: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if match := re.fullmatch(r"\[\[\s*([\w.]+)\s*\]\](\s*#.*)?", stripped):
            name = match.group(1)
            index = arrays[name] = arrays.get(name, -1) + 1
            table = (name, index)
            found.setdefault(table, number)
        elif match := re.fullmatch(r"\[\s*([\w.]+)\s*\](\s*#.*)?", stripped):
            table = tuple(match.group(1).split("."))
            found.setdefault(table, number)
        elif match := re.match(r"([\w-]+)\s*=", stripped):
            found.setdefault((*table, match.group(1)), number)
    return found


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _lines(text)

    def fail(self, where: tuple[Any, ...], message: str) -> RuleFileError:
        line = 1
        for length in range(len(where), 0, -1):
            if where[:length] in self.lines:
                line = self.lines[where[:length]]
                break
        return RuleFileError(f"{self.path}:{line}: {message}")

    def value(self, table: dict[str, Any], where: tuple[Any, ...], kind: type) -> Any:
        name = where[-1]
        if name not in table:
            raise self.fail(where[:-1], f"{'.'.join(map(str, where))}: missing")
        value = table[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(
                where, f"{'.'.join(map(str, where))}: must be {kind.__name__}, not {value!r}"
            )
        if isinstance(value, str) and not value.strip():
            raise self.fail(where, f"{'.'.join(map(str, where))}: must not be empty")
        return value


def parse(path: Path, text: str) -> RuleSet:
    """One rule file checked: unknown keys and event kinds, bands that overlap or leave gaps,
    caps of the wrong sign — each refused with the line it is on."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise RuleFileError(f"{path}:{line.group(1) if line else 1}: {exc}") from None
    check = _Checker(path, text)
    known = {"rule_set", "version", "subject", "zh", "en", "period", "base_score", "events"}
    known |= {"bands", "lists"}
    for key in data:
        if key not in known:
            raise check.fail((key,), f"{key}: unknown key (known: {', '.join(sorted(known))})")
    subject_code = check.value(data, ("subject",), str)
    try:
        subject = CreditSubjectKind(subject_code)
    except ValueError:
        choices = ", ".join(k.value for k in CreditSubjectKind)
        raise check.fail(
            ("subject",), f"subject: {subject_code!r} is not one of {choices}"
        ) from None
    period = check.value(data, ("period",), str)
    if period not in PERIODS:
        raise check.fail(("period",), f"period: {period!r} is not one of {', '.join(PERIODS)}")
    base = check.value(data, ("base_score",), int)
    if base <= 0:
        raise check.fail(("base_score",), f"base_score: must be positive, not {base}")
    events = _events(check, data.get("events"))
    bands = _bands(check, data.get("bands"), base)
    lists = data.get("lists")
    if not isinstance(lists, dict):
        raise check.fail(("lists",), "lists: missing table [lists]")
    watch = check.value(lists, ("lists", "watch_below"), int)
    black = check.value(lists, ("lists", "black_below"), int)
    months = check.value(lists, ("lists", "months"), int)
    if not 0 <= black <= watch <= base:
        raise check.fail(
            ("lists", "black_below"),
            f"lists: need 0 <= black_below ({black}) <= watch_below ({watch}) <= base_score",
        )
    if months <= 0:
        raise check.fail(("lists", "months"), f"lists.months: must be positive, not {months}")
    return RuleSet(
        path=path,
        text=text,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        rule_set=check.value(data, ("rule_set",), str),
        version=check.value(data, ("version",), str),
        subject=subject,
        zh=check.value(data, ("zh",), str),
        en=check.value(data, ("en",), str),
        period=period,
        base_score=base,
        events=events,
        bands=bands,
        watch_below=watch,
        black_below=black,
        list_months=months,
    )


def _events(check: _Checker, table: Any) -> dict[CreditEventKind, EventRule]:
    if not isinstance(table, dict) or not table:
        raise check.fail(("events",), "events: at least one [events.KIND] table is needed")
    rules: dict[CreditEventKind, EventRule] = {}
    for name, entry in table.items():
        where = ("events", name)
        try:
            kind = CreditEventKind(name)
        except ValueError:
            known = ", ".join(k.value for k in CreditEventKind)
            raise check.fail(where, f"events.{name}: unknown event kind (known: {known})") from None
        if not isinstance(entry, dict):
            raise check.fail(where, f"events.{name}: must be a table")
        extra = set(entry) - {"points", "cap", "zh", "en"}
        if extra:
            raise check.fail((*where, sorted(extra)[0]), f"events.{name}: unknown key {extra}")
        points = check.value(entry, (*where, "points"), int)
        cap = check.value(entry, (*where, "cap"), int)
        if points == 0 or (points > 0) != (cap > 0) or abs(cap) < abs(points):
            raise check.fail(
                (*where, "cap"),
                f"events.{name}: cap {cap} must have the sign of points {points} and be at "
                "least as large",
            )
        rules[kind] = EventRule(
            kind,
            points,
            cap,
            check.value(entry, (*where, "zh"), str),
            check.value(entry, (*where, "en"), str),
        )
    return rules


def _bands(check: _Checker, table: Any, base: int) -> tuple[Band, ...]:
    if not isinstance(table, list) or not table:
        raise check.fail(("bands",), "bands: at least one [[bands]] table is needed")
    bands: list[tuple[int, Band]] = []
    for index, entry in enumerate(table):
        where = ("bands", index)
        band = Band(
            check.value(entry, (*where, "grade"), str),
            check.value(entry, (*where, "min"), int),
            check.value(entry, (*where, "max"), int),
            check.value(entry, (*where, "zh"), str),
            check.value(entry, (*where, "en"), str),
        )
        if band.min > band.max:
            raise check.fail((*where, "min"), f"band {band.grade}: min {band.min} > max {band.max}")
        for other_index, other in bands:
            if band.grade == other.grade:
                raise check.fail((*where, "grade"), f"band {band.grade}: defined twice")
            if band.min <= other.max and other.min <= band.max:
                raise check.fail(
                    where,
                    f"band {band.grade} ({band.min}-{band.max}) overlaps band {other.grade} "
                    f"({other.min}-{other.max}) of line {check.lines[('bands', other_index)]}",
                )
        bands.append((index, band))
    ordered = sorted((band for _i, band in bands), key=lambda b: b.min)
    expected = 0
    for band in ordered:
        if band.min != expected:
            raise check.fail(("bands",), f"bands: no band covers scores {expected}-{band.min - 1}")
        expected = band.max + 1
    if expected != base + 1:
        raise check.fail(("bands",), f"bands: no band covers scores {expected}-{base}")
    return tuple(sorted(ordered, key=lambda b: -b.min))


@dataclass(frozen=True, slots=True)
class RuleBook:
    """The rule set in force for each subject kind."""

    sets: dict[CreditSubjectKind, RuleSet]

    def of(self, subject: CreditSubjectKind) -> RuleSet:
        return self.sets[subject]


def load(directory: Path | None = None) -> RuleBook:
    """Every ``*.toml`` of ``directory`` checked; exactly one rule set per subject kind."""
    directory = directory or DEFAULT_DIRECTORY
    paths = sorted(directory.glob("*.toml"))
    sets: dict[CreditSubjectKind, RuleSet] = {}
    for path in paths:
        rules = parse(path, path.read_text(encoding="utf-8"))
        if rules.subject in sets:
            raise RuleFileError(
                f"{path}:1: a second rule file for {rules.subject.value} "
                f"(the first is {sets[rules.subject].path.name})"
            )
        sets[rules.subject] = rules
    missing = [kind.value for kind in CreditSubjectKind if kind not in sets]
    if missing:
        raise RuleFileError(f"{directory}: no rule file for {', '.join(missing)}")
    return RuleBook(sets)
