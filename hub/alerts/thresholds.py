"""The alert rules' thresholds: data in ``standards/codes/alert_threshold.csv``, not code.

Each row gives one parameter of one alert kind (``kind, parameter, value, unit, zh, en,
version``). The parameters every kind needs are declared here, with the range a value must
lie in; the file gives the values. The file is read once at start-up and refused whole, with
its name and the line, when a row breaks the format: a rule never runs on a half-read list.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from hub.canonical.codelists import CODES_DIR
from hub.canonical.codes import AlertKind

PATH = CODES_DIR / "alert_threshold.csv"
HEADER = ("kind", "parameter", "value", "unit", "zh", "en", "version")

_ENABLED = {"enabled": (0.0, 1.0)}
PARAMETERS: dict[AlertKind, dict[str, tuple[float, float]]] = {
    AlertKind.OVER_SPEED: {
        "bus_kmh": (20, 200), "dangerous_goods_kmh": (20, 200), "truck_kmh": (20, 200),
        "seconds": (0, 3600),
    },
    AlertKind.FATIGUE: {
        "driving_seconds": (600, 86_400), "rest_seconds": (60, 14_400), "moving_kmh": (0, 30),
    },
    AlertKind.NIGHT_BAN: {"from_hour": (0, 23), "to_hour": (1, 24), "moving_kmh": (0, 30)},
    AlertKind.OFF_ROUTE: {"km": (0.1, 500)},
    AlertKind.CHARTER_OUT_OF_AREA: _ENABLED,
    AlertKind.TRAINING_CAR_OUT_OF_AREA: _ENABLED,
    AlertKind.OUT_OF_PROVINCE_ENTRY: _ENABLED,
    AlertKind.TERMINAL_OFFLINE: {"minutes": (1, 10_080), "in_service_hours": (1, 720)},
    AlertKind.POSITION_DRIFT: {"max_kmh": (100, 2000), "min_metres": (10, 100_000)},
    AlertKind.BLACKLISTED: {"km": (0.1, 500)},
    AlertKind.ANNUAL_REVIEW_OVERDUE: {"grace_days": (0, 365)},
    AlertKind.MAINTENANCE_OVERDUE: {"grace_days": (0, 365)},
    AlertKind.VIOLATION_UNHANDLED: {"deadline_days": (1, 365)},
}  # fmt: skip
"""Per kind, the parameters its rule reads and the (inclusive) range each value must be in."""


class ThresholdError(ValueError):
    """The threshold file breaks its format; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every parameter of every alert kind, as read from the file."""

    values: dict[AlertKind, dict[str, float]]
    version: str

    def __call__(self, kind: AlertKind, parameter: str) -> float:
        return self.values[kind][parameter]

    def enabled(self, kind: AlertKind) -> bool:
        """Whether a kind's rule is in force (kinds without an ``enabled`` row always are)."""
        return self.values[kind].get("enabled", 1.0) == 1.0


def load(path: Path | None = None) -> Thresholds:
    """Read and check the thresholds file (by default ``PATH``); :class:`ThresholdError` names
    what is wrong where."""
    path = path or PATH
    values: dict[AlertKind, dict[str, float]] = {kind: {} for kind in AlertKind}
    versions: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != HEADER:
            raise ThresholdError(f"{path.name}:1: header must be {','.join(HEADER)}")
        for row in reader:
            where = f"{path.name}:{reader.line_num}"
            if any(not (row.get(column) or "").strip() for column in HEADER):
                raise ThresholdError(f"{where}: every column needs a value")
            try:
                kind = AlertKind(row["kind"].strip())
            except ValueError:
                raise ThresholdError(
                    f"{where}: kind {row['kind']!r} is not in alert_kind.csv"
                ) from None
            parameter = row["parameter"].strip()
            known = PARAMETERS[kind]
            if parameter not in known:
                raise ThresholdError(
                    f"{where}: {kind.value} has no parameter {parameter!r} "
                    f"(it has {', '.join(sorted(known))})"
                )
            if parameter in values[kind]:
                raise ThresholdError(f"{where}: {kind.value} {parameter} given twice")
            try:
                value = float(row["value"])
            except ValueError:
                raise ThresholdError(f"{where}: value {row['value']!r} is not a number") from None
            low, high = known[parameter]
            if not low <= value <= high:
                raise ThresholdError(
                    f"{where}: {kind.value} {parameter} {row['value']} is not from {low:g} "
                    f"to {high:g}"
                )
            values[kind][parameter] = value
            versions.add(row["version"].strip())
    for kind, parameters in PARAMETERS.items():
        missing = sorted(set(parameters) - set(values[kind]))
        if missing:
            raise ThresholdError(f"{path.name}: {kind.value} lacks {', '.join(missing)}")
    night = values[AlertKind.NIGHT_BAN]
    if night["from_hour"] >= night["to_hour"]:
        raise ThresholdError(f"{path.name}: NIGHT_BAN from_hour must be before to_hour")
    return Thresholds(values, version=max(versions, default="1"))


@functools.cache
def standard() -> Thresholds:
    """The thresholds of ``standards/codes``, read once per process (the app reads them at
    start-up, so a broken file stops it there, naming the line)."""
    return load()
