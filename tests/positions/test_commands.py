"""``hub positions import`` and ``hub positions prune`` on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hub.config import Settings
from hub.positions.models import PositionDeadLetter, PositionFix
from tests.test_cli import run_hub


def _env(settings: Settings) -> dict[str, str]:
    return {"HUB_DATABASE_URL": settings.database_url}


async def test_a_file_is_imported_with_bad_lines_dead_lettered_and_named(
    sessions: Any, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "fixes.csv"
    path.write_text(
        "plate,color,time,lon,lat,speed,direction,altitude,alarm\n"
        "苏A00001,2,2026-11-25T08:00:00+08:00,118.78,32.04,60,90,12,0\n"
        "苏A00001,2,2026-11-25T08:00:30+08:00,118.79,32.04,61,90,12,1\n"
        "苏A00001,8,2026-11-25T08:01:00+08:00,118.80,32.04,62,90,12,0\n"
        "苏A00001,2,2026-11-25T08:01:30+08:00,118.81,32.04,-1,90,12,0\n",
        encoding="utf-8",
    )

    first = run_hub("positions", "import", str(path), env=_env(settings))
    again = run_hub("positions", "import", str(path), env=_env(settings))

    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("hub: 2 accepted, 0 duplicates, 2 rejected")
    assert again.stdout.startswith("hub: 0 accepted, 2 duplicates, 2 rejected")
    assert first.stderr.splitlines()[-2:] == [
        f"{path}:4: color: '8' is not a plate colour code (1, 2, 3, 4, 5, 6, 9)",
        f"{path}:5: speed: '-1' is outside 0 to 300",
    ]
    async with sessions() as session:
        count = len((await session.scalars(select(PositionFix.observed_at))).all())
        letters = (await session.scalars(select(PositionDeadLetter))).all()
    assert count == 2
    assert sorted((d.source, d.line) for d in letters) == [
        ("fixes.csv", 4),
        ("fixes.csv", 4),
        ("fixes.csv", 5),
        ("fixes.csv", 5),
    ]


def test_a_file_of_unknown_form_or_header_is_refused_with_the_reason(
    settings: Settings, tmp_path: Path
) -> None:
    unknown = tmp_path / "fixes.txt"
    unknown.write_text("{}\n")
    headless = tmp_path / "fixes.csv"
    headless.write_text("苏A00001,2,2026-11-25T08:00:00+08:00,118.78,32.04,60,90\n")

    by_suffix = run_hub("positions", "import", str(unknown), env=_env(settings))
    by_header = run_hub("positions", "import", str(headless), env=_env(settings))

    assert by_suffix.returncode == 2
    assert by_suffix.stderr.strip().endswith(
        f"hub: error: {unknown}: say --format ndjson or csv (the suffix '.txt' does not)"
    )
    assert by_header.returncode == 2
    assert f"hub: error: {headless}: line 1: header: needs the columns" in by_header.stderr


async def test_prune_keeps_the_days_asked_for(
    sessions: Any, settings: Settings, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    path = tmp_path / "fixes.ndjson"
    path.write_text(
        "".join(
            f'{{"plate": "苏A00001", "color": "2", "time": "{now - dt.timedelta(days=d)}", '
            f'"lon": 118.78, "lat": 32.04, "speed": 0, "direction": 0}}\n'
            for d in (0, 1, 2, 3, 10)
        ),
        encoding="utf-8",
    )
    assert run_hub("positions", "import", str(path), env=_env(settings)).returncode == 0

    pruned = run_hub("positions", "prune", "--keep-days", "2", env=_env(settings))

    assert pruned.returncode == 0, pruned.stderr
    before = now.date() - dt.timedelta(days=2)
    assert pruned.stdout.strip() == f"hub: removed the positions of 2 days before {before}"
    async with sessions() as session:
        days = {at.date() for at in (await session.scalars(select(PositionFix.observed_at)))}
    assert days == {now.date() - dt.timedelta(days=d) for d in (0, 1, 2)}
