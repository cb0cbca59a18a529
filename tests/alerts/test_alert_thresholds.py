"""The alert thresholds are data: read at start-up, refused with the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.alerts.thresholds import PARAMETERS, PATH, ThresholdError, load
from hub.canonical.codes import AlertKind

HEADER = "kind,parameter,value,unit,zh,en,version\n"


def test_the_committed_thresholds_give_every_parameter_of_every_kind() -> None:
    limits = load()

    assert set(limits.values) == set(AlertKind)
    for kind, parameters in PARAMETERS.items():
        assert set(limits.values[kind]) == set(parameters), kind
    assert limits(AlertKind.FATIGUE, "driving_seconds") == 4 * 3600
    assert limits(AlertKind.FATIGUE, "rest_seconds") == 20 * 60
    assert limits.enabled(AlertKind.CHARTER_OUT_OF_AREA)


def _broken(tmp_path: Path, replace: str, by: str) -> Path:
    text = PATH.read_text(encoding="utf-8")
    assert replace in text
    path = tmp_path / "alert_threshold.csv"
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    return path


def _line_of(text: str) -> int:
    lines = PATH.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


@pytest.mark.parametrize(
    ("replace", "by", "problem"),
    [
        ("OFF_ROUTE,km,5,", "OFF_ROAD,km,5,", "kind 'OFF_ROAD' is not in alert_kind.csv"),
        ("OFF_ROUTE,km,5,", "OFF_ROUTE,miles,5,", "OFF_ROUTE has no parameter 'miles' (it has km)"),
        ("OFF_ROUTE,km,5,", "OFF_ROUTE,km,five,", "value 'five' is not a number"),
        ("OFF_ROUTE,km,5,", "OFF_ROUTE,km,900,", "OFF_ROUTE km 900 is not from 0.1 to 500"),
        ("OFF_ROUTE,km,5,km,", "OFF_ROUTE,km,5,,", "every column needs a value"),
    ],
)
def test_a_bad_row_is_refused_naming_the_file_and_its_line(
    tmp_path: Path, replace: str, by: str, problem: str
) -> None:
    path = _broken(tmp_path, replace, by)

    with pytest.raises(ThresholdError) as refused:
        load(path)

    assert str(refused.value) == f"alert_threshold.csv:{_line_of('OFF_ROUTE')}: {problem}"


def test_a_parameter_given_twice_or_missing_is_refused(tmp_path: Path) -> None:
    twice = _broken(tmp_path, "OFF_ROUTE,km,5,", "OFF_ROUTE,km,4,km,x,y,1\nOFF_ROUTE,km,5,")
    with pytest.raises(ThresholdError, match=r"alert_threshold.csv:\d+: OFF_ROUTE km given twice"):
        load(twice)

    missing = tmp_path / "missing.csv"
    missing.write_text(HEADER + "OFF_ROUTE,km,5,km,偏离,Off,1\n", encoding="utf-8")
    with pytest.raises(ThresholdError, match=r"missing\.csv: OVER_SPEED lacks bus_kmh"):
        load(missing)


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("kind,value\nOFF_ROUTE,5\n", encoding="utf-8")

    with pytest.raises(ThresholdError, match=r"header\.csv:1: header must be kind,parameter"):
        load(path)


async def test_the_app_refuses_to_start_on_a_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.alerts import thresholds
    from hub.app import create_app
    from hub.config import Settings
    from hub.errors import ConfigError

    monkeypatch.setattr(
        thresholds, "PATH", _broken(tmp_path, "OFF_ROUTE,km,5,", "OFF_ROUTE,km,-1,")
    )
    thresholds.standard.cache_clear()
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"))
    try:
        with pytest.raises(ConfigError, match=r"alert_threshold.csv:\d+: OFF_ROUTE km -1 is not"):
            async with app.router.lifespan_context(app):
                pass
    finally:
        thresholds.standard.cache_clear()
