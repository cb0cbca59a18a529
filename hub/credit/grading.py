"""The grading engine: a subject's score and grade for a period, from its events alone.

Pure and deterministic: the same events and rule set always give the same grade and the same
deductions in the same order, each naming the rule and the event it comes from, so a grade can
be explained line by line and recomputed by anyone holding the evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from hub.canonical.codes import CreditEventKind
from hub.credit.rules import Band, RuleSet
from hub.errors import BadUserInput


@dataclass(frozen=True, slots=True)
class Period:
    """An assessment period: a calendar year."""

    label: str
    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, text: str, field: str = "period") -> Period:
        """``2026`` → the year 2026; anything else is refused naming the argument."""
        if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2099:
            raise BadUserInput(
                f"{field}: {text[:20]!r} is not an assessment period: give a year, e.g. 2026",
                field=field,
            )
        year = int(text)
        return cls(text, dt.date(year, 1, 1), dt.date(year, 12, 31))


@dataclass(frozen=True, slots=True)
class Fact:
    """What the engine needs of a credit event."""

    id: int
    kind: CreditEventKind
    valid_from: dt.date
    valid_until: dt.date


@dataclass(frozen=True, slots=True)
class Deduction:
    """What one event did to the score: ``points`` after the cap (0 once the cap is reached)."""

    event_id: int
    kind: CreditEventKind
    points: int
    capped: bool


@dataclass(frozen=True, slots=True)
class Grade:
    """A subject's grade for a period under one rule set."""

    period: Period
    rules: RuleSet
    score: int
    band: Band
    deductions: tuple[Deduction, ...]


def counts_in(fact: Fact, period: Period) -> bool:
    """An event counts in every period its validity overlaps."""
    return fact.valid_from <= period.end and fact.valid_until >= period.start


def grade(rules: RuleSet, facts: Iterable[Fact], period: Period) -> Grade:
    """The grade of the subject whose (unretracted) events are ``facts``.

    Events are taken in the order they count from (then by id); each adds its kind's points
    until the kind's cap is reached. Kinds the rule set does not score are left out. The score
    is kept within 0..base_score.
    """
    totals: dict[CreditEventKind, int] = {}
    deductions: list[Deduction] = []
    for fact in sorted(facts, key=lambda f: (f.valid_from, f.id)):
        rule = rules.events.get(fact.kind)
        if rule is None or not counts_in(fact, period):
            continue
        so_far = totals.get(fact.kind, 0)
        room = rule.cap - so_far
        points = max(rule.points, room) if rule.points < 0 else min(rule.points, room)
        totals[fact.kind] = so_far + points
        deductions.append(Deduction(fact.id, fact.kind, points, points != rule.points))
    score = min(max(rules.base_score + sum(totals.values()), 0), rules.base_score)
    return Grade(period, rules, score, rules.band_of(score), tuple(deductions))
