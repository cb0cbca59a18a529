"""Rule files: the shipped ones validate; a broken one is refused naming its file and line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hub.app import create_app
from hub.canonical.codes import CreditEventKind, CreditSubjectKind
from hub.config import Settings
from hub.credit.grading import Fact, Period, grade
from hub.credit.rules import DEFAULT_DIRECTORY, RuleFileError, load
from hub.errors import BadUserInput

OPERATOR_FILE = DEFAULT_DIRECTORY / "operator-road.toml"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copy(DEFAULT_DIRECTORY / "practitioner-driver.toml", tmp_path)
    text = OPERATOR_FILE.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "operator-road.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_the_shipped_rule_files_validate_one_per_subject_kind() -> None:
    book = load()

    assert set(book.sets) == set(CreditSubjectKind)
    assert book.of(CreditSubjectKind.OPERATOR).band_of(95).grade == "AAA"
    assert book.of(CreditSubjectKind.OPERATOR).band_of(59).grade == "B"


def test_an_unknown_event_kind_is_refused_with_file_and_line(tmp_path: Path) -> None:
    directory = _broken(tmp_path, "[events.COMMENDATION]", "[events.GOOD_DEED]")
    path = directory / "operator-road.toml"

    with pytest.raises(RuleFileError) as refused:
        load(directory)

    line = _line_of(path, "[events.GOOD_DEED]")
    assert str(refused.value).startswith(f"{path}:{line}: events.GOOD_DEED: unknown event kind")


def test_overlapping_bands_are_refused_with_file_and_line(tmp_path: Path) -> None:
    directory = _broken(tmp_path, 'grade = "AA"\nmin = 75', 'grade = "AA"\nmin = 70')
    path = directory / "operator-road.toml"

    with pytest.raises(RuleFileError) as refused:
        load(directory)

    message = str(refused.value)
    assert "band A (60-74) overlaps band AA (70-89)" in message
    lines = path.read_text(encoding="utf-8").splitlines()
    third_band = [n for n, line in enumerate(lines, start=1) if line == "[[bands]]"][2]
    assert message.startswith(f"{path}:{third_band}:")


def test_a_gap_between_bands_and_a_toml_error_are_refused(tmp_path: Path) -> None:
    (tmp_path / "gap").mkdir()
    gap = _broken(tmp_path / "gap", "min = 60\n", "min = 62\n")
    with pytest.raises(RuleFileError, match="no band covers scores 60-61"):
        load(gap)
    (tmp_path / "syntax").mkdir()
    syntax = _broken(tmp_path / "syntax", "cap = -20\n", "cap = = -20\n")
    with pytest.raises(RuleFileError, match=r"operator-road.toml:\d+: "):
        load(syntax)


async def test_the_app_does_not_start_with_a_broken_rule_file(tmp_path: Path) -> None:
    directory = _broken(tmp_path, "[events.COMMENDATION]", "[events.GOOD_DEED]")
    app = create_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", credit_rules_dir=directory
        )
    )

    with pytest.raises(RuleFileError, match=r"operator-road.toml:\d+: events.GOOD_DEED"):
        async with app.router.lifespan_context(app):
            pass


def test_grading_caps_each_kind_and_explains_every_event() -> None:
    rules = load().of(CreditSubjectKind.OPERATOR)
    day = dt.date(2026, 3, 1)
    facts = [Fact(i, CreditEventKind.PENALTY, day, day + dt.timedelta(days=900)) for i in range(5)]
    facts.append(Fact(9, CreditEventKind.COMMENDATION, day, day + dt.timedelta(days=365)))
    facts.append(Fact(10, CreditEventKind.PENALTY, dt.date(2020, 1, 1), dt.date(2022, 1, 1)))

    result = grade(rules, reversed(facts), Period.parse("2026"))

    assert [d.points for d in result.deductions] == [-10, -10, -10, -10, 0, 3]
    assert [d.event_id for d in result.deductions] == [0, 1, 2, 3, 4, 9]
    assert result.deductions[4].capped
    assert (result.score, result.band.grade) == (63, "A")
    assert grade(rules, facts, Period.parse("2026")) == result


def test_a_period_that_is_not_a_year_is_bad_input() -> None:
    with pytest.raises(BadUserInput, match="period: '2026-13' is not an assessment period"):
        Period.parse("2026-13")


def test_hub_credit_grade_grades_and_refuses_a_bad_period(settings: Settings) -> None:
    from tests.conftest import hub_command

    refused = hub_command(settings, "credit", "grade", "--period", "20x")
    graded = hub_command(settings, "credit", "grade", "--period", "2026")

    assert refused.returncode != 0
    assert "--period: '20x' is not an assessment period: give a year" in refused.stderr
    assert graded.returncode == 0, graded.stderr
    assert "hub: graded 0 operators and drivers from 0 credit events" in graded.stdout
