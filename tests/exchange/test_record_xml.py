"""The shared writers of agency documents refuse what their XSDs could not hold unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from adapters.public_security.mapping import export_traffic_violation, parse_traffic_violation
from adapters.rail.mapping import export_container_event, parse_container_event
from hub.canonical.codes import ContainerEventKind, PlateColor
from hub.canonical.records import ContainerEvent, TrafficViolation
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


# The declared layouts (public security's, here) read and write with the same functions.
VIOLATION = TrafficViolation(
    source_record_id="TV-1", plate="苏A12345", plate_color=PlateColor.YELLOW,
    occurred_at=dt.datetime(2026, 11, 25, 8, 0, tzinfo=CST), place="南京市玄武区", code="1345",
    description="超速", fine_yuan=200, points=3, processed=False,
)  # fmt: skip
PS_HEADER = Header("ps-test-1", "public_security", "2026-11-25T08:00:00+08:00")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"occurred_at": dt.datetime(2026, 11, 25, 8, 0)}, "OccurredAt: .* has no time zone"),
        (
            {"occurred_at": dt.datetime(1900, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=29)))},
            "TrafficViolation/OccurredAt: .*offset xs:dateTime cannot hold",
        ),
        ({"place": "南京\x0b玄武"}, "TrafficViolation/Place: .* XML cannot carry unchanged"),
    ],
)
def test_a_layout_refuses_what_its_document_cannot_hold_naming_it(
    changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        export_traffic_violation([dataclasses.replace(VIOLATION, **changes)], PS_HEADER)  # type: ignore[arg-type]


def test_a_layout_names_a_date_time_python_cannot_hold() -> None:
    document = export_traffic_violation([VIOLATION], PS_HEADER).replace(
        b"2026-11-25T08:00:00+08:00</", b"9999-12-31T24:00:00+08:00</"
    )

    with pytest.raises(ValueError, match=r"TrafficViolation/OccurredAt: .*9999-12-31T24:00:00"):
        parse_traffic_violation(parse(document).element)
    assert parse_traffic_violation(
        parse(export_traffic_violation([VIOLATION], PS_HEADER)).element
    ) == (VIOLATION,)
