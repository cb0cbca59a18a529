"""The 12328 hotline adapter's own rules: its sample's records, the tickets it simulates, what
its export refuses (the rest: test_every_adapter.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from adapters.hotline import adapter, simulator
from hub.canonical import identifiers
from hub.canonical.codes import PlateColor
from hub.canonical.records import HotlineComplaint
from hub.exchange.protocol import Header
from tests.adapters.cases import valid_sample

CHINA = dt.timezone(dt.timedelta(hours=8))
HEADER = Header(message_id="hotline-test-1", sender="hotline", sent_at="2026-11-25T08:00:00+08:00")


def test_the_sample_gives_closed_and_open_tickets() -> None:
    records = valid_sample(adapter, "complaint-closed-and-open.xml")

    assert records[0] == HotlineComplaint(
        source_record_id="123282026081900001",
        filed_at=dt.datetime(2026, 8, 19, 8, 20, tzinfo=CHINA),
        operator_uscc=None,
        plate="苏NA4483",
        plate_color=PlateColor.YELLOW,
        category="违规经营",
        content="来电人反映：货车超限超载运输。",
        handled_by="无锡市交通运输综合行政执法支队",
        substantiated=True,
        closed_on=dt.date(2026, 8, 29),
    )
    assert (records[1].operator_uscc, records[1].plate, records[1].substantiated) == (
        "913207233338440411",
        None,
        False,
    )
    assert (records[2].substantiated, records[2].closed_on) == (None, None)


def test_simulated_tickets_name_someone_and_close_only_in_the_past() -> None:
    today = dt.date(2026, 11, 25)
    plates = [("苏A12345", "2"), ("苏B23456", "2")]
    owners = {plates[0]: "91320102MA1XYZ0001"}

    tickets = simulator.complaints(
        plates, ["91320500MA1ABC0002"], operator_of=owners, count=60, seed=5, today=today
    )

    assert tickets == simulator.complaints(
        plates, ["91320500MA1ABC0002"], operator_of=owners, count=60, seed=5, today=today
    )
    assert all(t.operator_uscc or t.plate for t in tickets)
    for ticket in tickets:
        if ticket.plate is not None:
            assert ticket.plate_color is PlateColor.YELLOW
            assert ticket.operator_uscc == owners.get((ticket.plate, "2"))
            identifiers.plate(ticket.plate)
        assert ticket.filed_at.date() < today
        assert (ticket.closed_on is None) == (ticket.substantiated is None)
        assert ticket.closed_on is None or ticket.filed_at.date() < ticket.closed_on < today
    assert {t.substantiated for t in tickets} == {True, False, None}


def test_export_refuses_a_ticket_about_no_one_or_a_plate_without_colour() -> None:
    ticket = simulator.complaints(count=1, seed=1)[0]
    document = adapter.documents["complaint"]

    nobody = dataclasses.replace(ticket, operator_uscc=None, plate=None, plate_color=None)
    colourless = dataclasses.replace(ticket, plate="苏A12345", plate_color=None)

    with pytest.raises(ValueError, match="about no one"):
        document.export([nobody], HEADER)
    with pytest.raises(ValueError, match="a plate without its colour"):
        document.export([colourless], HEADER)
