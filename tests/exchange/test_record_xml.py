"""The shared writers of agency documents refuse what their XSDs could not hold unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.rail.mapping import export_container_event, parse_container_event
from hub.canonical.codes import ContainerEventKind
from hub.canonical.records import ContainerEvent
from hub.exchange.protocol import Header
from hub.exchange.validation import parse

HEADER = Header("rail-test-1", "rail", "2026-11-25T08:00:00+08:00")
CST = dt.timezone(dt.timedelta(hours=8))


def _event(**changes: object) -> ContainerEvent:
    values: dict[str, object] = {
        "source_record_id": "CE-1", "container_number": "CSQU3054383", "waybill_number": None,
        "kind": ContainerEventKind.LOADED, "station": "连云港东站",
        "occurred_at": dt.datetime(2026, 11, 25, 8, 0, tzinfo=CST),
    }  # fmt: skip
    return ContainerEvent(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"occurred_at": dt.datetime(2026, 11, 25, 8, 0)}, "OccurredAt: .* has no time zone"),
        (
            {
                "occurred_at": dt.datetime(
                    1900, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=29143))
                )
            },
            "offset xs:dateTime cannot hold",
        ),
        ({"station": "连云港\x0b东站"}, "Station: .* XML cannot carry unchanged"),
        ({"station": "连云港\r东站"}, "Station: .* XML cannot carry unchanged"),
    ],
)
def test_a_value_the_document_cannot_hold_is_refused_naming_it(
    changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        export_container_event([_event(**changes)], HEADER)


def test_what_is_written_reads_back_the_same() -> None:
    event = _event(
        occurred_at=dt.datetime(
            2026, 11, 25, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))
        )
    )
    document = export_container_event([event], HEADER)
    assert parse_container_event(parse(document).element) == (event,)
