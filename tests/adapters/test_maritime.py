"""The maritime adapter's own rules: its samples' records, decimals, refusals and the fleet, voyages
and listings it simulates (what every adapter does: test_every_adapter.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

import pytest

from adapters.maritime import adapter, simulator
from adapters.maritime.listings import shipping_listings
from hub.canonical import identifiers
from hub.canonical.codes import ListingKind, PortCallKind, VesselCertificateKind
from hub.canonical.records import (
    AisPosition,
    PortCall,
    Record,
    ShippingListing,
    VesselCertificateRecord,
    VesselRegistration,
)
from hub.exchange.protocol import Header
from hub.exchange.validation import parse, validate
from tests.adapters.cases import valid_sample

CHINA = dt.timezone(dt.timedelta(hours=8))
HEADER = Header(message_id="maritime-test-1", sender="maritime", sent_at="2026-11-25T10:00:00Z")


def feed_records(name: str, data: list[bytes]) -> list[Record]:
    document = adapter.documents[name]
    return [record for item in data for record in document.parse(parse(item).element)]


def test_the_adapter_has_its_chinese_title() -> None:
    assert adapter.title[0] == "海事与航运交易"


# -- samples ----------------------------------------------------------------------------------


def test_vessel_registration_sample_maps_to_records() -> None:
    seagoing, inland = valid_sample(adapter, "vessel-registration-fleet.xml")

    assert isinstance(seagoing, VesselRegistration)
    assert (seagoing.mmsi, seagoing.imo, seagoing.name) == ("413801234", "9412309", "江海货1688")
    assert (seagoing.port_of_registry, seagoing.gross_tonnage) == ("南通", 12870)
    assert seagoing.owner_uscc == "91320600MA1W8KQ3XW"
    assert [c.kind for c in seagoing.certificates] == list(VesselCertificateKind)
    assert seagoing.certificates[2] == VesselCertificateRecord(
        kind=VesselCertificateKind.OPERATING_CERTIFICATE,
        number="OPR320600202301203",
        valid_from=dt.date(2023, 3, 20),
        valid_to=dt.date(2028, 3, 19),
        issuing_authority="南通市交通运输局",
    )
    assert isinstance(inland, VesselRegistration)
    assert (inland.imo, inland.owner_uscc, len(inland.certificates)) == (None, None, 2)


def test_identifiers_with_wrong_check_digits_are_kept_as_received() -> None:
    (vessel,) = valid_sample(adapter, "vessel-registration-bad-check-digits.xml")

    assert isinstance(vessel, VesselRegistration)
    assert (vessel.imo, vessel.owner_uscc) == ("9412305", "91320582MA1N4T7D2X")
    assert vessel.certificates == ()
    with pytest.raises(identifiers.InvalidIdentifier, match="expected '9'"):
        identifiers.imo(vessel.imo or "")
    with pytest.raises(identifiers.InvalidIdentifier, match="expected 'T'"):
        identifiers.uscc(vessel.owner_uscc or "")


def test_port_call_sample_maps_to_records() -> None:
    calls = valid_sample(adapter, "port-call-taicang.xml")

    assert calls[-1] == PortCall(
        source_record_id="PC0000208846",
        mmsi="413801234",
        port="太仓港",
        kind=PortCallKind.ARRIVAL,
        occurred_at=dt.datetime(2026, 11, 26, 4, 5, tzinfo=CHINA),
    )
    assert [c.kind.value for c in calls if isinstance(c, PortCall)] == ["DEP", "DEP", "ARR"]


def test_ais_position_sample_maps_to_records() -> None:
    first, _, anchored = valid_sample(adapter, "ais-position-yangtze.xml")

    assert first == AisPosition(
        source_record_id="413801234-20261125T150000Z",
        mmsi="413801234",
        observed_at=dt.datetime(2026, 11, 25, 23, 0, tzinfo=CHINA),
        latitude=31.92315,
        longitude=120.900412,
        speed_knots=11.2,
        course_degrees=152.3,
    )
    assert isinstance(anchored, AisPosition)
    assert anchored.observed_at.utcoffset() == dt.timedelta(0), "the offset sent is kept"
    assert (anchored.speed_knots, anchored.course_degrees) == (0.0, 0.0)


def test_shipping_listing_sample_maps_to_records() -> None:
    cargo, vessel = valid_sample(adapter, "shipping-listing-exchange.xml")

    assert cargo == ShippingListing(
        source_record_id="SL2026112500412",
        kind=ListingKind.CARGO_OFFER,
        port_from="连云港港",
        port_to="南京港",
        cargo="铁矿石",
        tonnage=32000,
        valid_until=dt.date(2026, 12, 5),
    )
    assert isinstance(vessel, ShippingListing)
    assert (vessel.kind, vessel.cargo) == (ListingKind.VESSEL_OFFER, "钢材、件杂货")


# -- mapping back out -----------------------------------------------------------------------


def test_ais_numbers_are_written_as_decimals_and_read_back_exactly() -> None:
    document = adapter.documents["ais-position"]
    position = AisPosition(
        source_record_id="413801234-1",
        mmsi="413801234",
        observed_at=dt.datetime(2026, 11, 25, 23, 0, 0, 500000, tzinfo=dt.UTC),
        latitude=1e-05,  # repr() would write 1e-05, which is no xs:decimal
        longitude=121.10000000000001,
        speed_knots=0.1 + 0.2,
        course_degrees=359.9,
    )

    exported = document.export([position], HEADER)

    assert b"<Latitude>0.00001</Latitude>" in exported
    assert document.parse(validate(document, parse(exported))) == (position,)


def test_export_refuses_what_the_document_cannot_carry() -> None:
    listings = valid_sample(adapter, "shipping-listing-exchange.xml")
    naive = PortCall("PC1", "413801234", "南京港", PortCallKind.ARRIVAL, dt.datetime(2026, 11, 1))

    with pytest.raises(TypeError, match="cannot carry ShippingListing"):
        adapter.documents["port-call"].export(listings, HEADER)
    with pytest.raises(ValueError, match="has no time zone"):
        adapter.documents["port-call"].export([naive], HEADER)


# -- the simulator --------------------------------------------------------------------------


def test_made_up_fleet_has_valid_unique_identifiers() -> None:
    fleet = simulator.fleet(size=40, seed=5)

    assert len({v.mmsi for v in fleet}) == len({v.name for v in fleet}) == 40
    assert {v.mmsi[:3] for v in fleet} <= {"412", "413", "414"}
    for vessel in fleet:
        assert identifiers.mmsi(vessel.mmsi) == vessel.mmsi
        if vessel.imo is not None:
            assert identifiers.imo(vessel.imo) == vessel.imo
    assert any(v.imo is None for v in fleet), "inland vessels have no IMO number"
    assert any(v.imo is not None for v in fleet), "sea-going vessels have one"


def test_feeds_speak_of_the_vessels_the_caller_names() -> None:
    vessels = [
        simulator.Vessel(mmsi="413801234", imo="9412309", name="江海货1688"),
        simulator.Vessel(mmsi="412376540", imo=None, name="苏镇货2216"),
    ]

    feeds = simulator.documents(count=10, vessels=vessels)

    registrations = feed_records("vessel-registration", feeds["vessel-registration"])
    registered = {
        (r.mmsi, r.imo, r.name) for r in registrations if isinstance(r, VesselRegistration)
    }
    assert registered == {(v.mmsi, v.imo, v.name) for v in vessels}
    inland = next(r for r in registrations if isinstance(r, VesselRegistration) and not r.imo)
    assert inland.port_of_registry == "镇江", "a 苏镇 name is registered at 镇江"
    for name in ("port-call", "ais-position"):
        records = feed_records(name, feeds[name])
        mmsis = {r.mmsi for r in records if isinstance(r, PortCall | AisPosition)}
        assert len(mmsis) == len(vessels), f"every vessel shows in the {name} feed"
        assert mmsis <= {v.mmsi for v in vessels}, name
    for registration in registrations:
        assert isinstance(registration, VesselRegistration)
        if registration.owner_uscc is not None:
            assert identifiers.uscc(registration.owner_uscc) == registration.owner_uscc


def test_vessels_sail_from_port_to_port_and_report_where_they_are_on_the_way() -> None:
    feeds = simulator.documents(count=40)
    calls: dict[str, list[PortCall]] = defaultdict(list)
    for call in feed_records("port-call", feeds["port-call"]):
        assert isinstance(call, PortCall)
        calls[call.mmsi].append(call)
    positions = feed_records("ais-position", feeds["ais-position"])

    for mmsi, own in calls.items():
        assert [c.occurred_at for c in own] == sorted(c.occurred_at for c in own)
        for before, after in pairwise(own):
            assert before.kind != after.kind, f"{mmsi} arrived or left twice in a row"
            if before.kind is PortCallKind.ARRIVAL:
                assert after.port == before.port, f"{mmsi} left from where it did not arrive"
    for position in positions:
        assert isinstance(position, AisPosition)
        # On the Yangtze below 南京 or off the Jiangsu coast, in WGS-84.
        assert 31.3 < position.latitude < 35.0, position
        assert 118.7 < position.longitude < 122.3, position
        assert 0 < position.speed_knots < 16, position
        assert 0 <= position.course_degrees < 360, position
    times = [p.observed_at for p in positions if isinstance(p, AisPosition)]
    assert times == sorted(times), "the AIS feed is in time order"


def test_listings_are_put_up_in_business_hours() -> None:
    listings = shipping_listings(30, simulator.START, seed=2)

    assert {listing.kind for listing, _ in listings} == set(ListingKind)
    for listing, listed_at in listings:
        assert 9 <= listed_at.hour < 17
        assert listing.valid_until > listed_at.date()
        assert listing.port_from != listing.port_to
