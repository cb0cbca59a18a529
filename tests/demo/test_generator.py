"""Tests for hub.demo.generator: deterministic, valid and consistent data, no database."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable

import pytest
from sqlalchemy import UniqueConstraint

from hub.canonical import identifiers
from hub.canonical.codes import PLATE_PREFIXES, REGIONS, PermitKind, PlateColor, StationKind
from hub.db import Base
from hub.demo import names
from hub.demo.generator import TABLES, DemoData, DemoScale, generate
from hub.demo.loader import MODELS

TODAY = dt.date(2026, 11, 25)
CITIES = [code for code in REGIONS if code.endswith("00") and code != "320000"]


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(DemoScale.times(0.05), today=TODAY)


def test_scale_one_has_the_documented_sizes() -> None:
    assert DemoScale.times(1) == DemoScale(
        operators=2000, vehicles=20000, vessels=300, practitioners=30000, stations=400
    )
    assert DemoScale.times(10).vehicles == 200_000


def test_tiny_scales_keep_one_operator_and_station_per_city() -> None:
    scale = DemoScale.times(0.0001)
    assert (scale.operators, scale.stations) == (13, 13)
    assert min(scale.vehicles, scale.vessels, scale.practitioners) == 1
    tables = generate(scale, today=TODAY).tables
    for table in ("operators", "stations"):
        cities = {row["region_code"][:4] + "00" for row in tables[table]}
        assert sorted(cities) == CITIES, table
    assert tables["passenger_lines"], "even the smallest demo has a passenger line"


def test_scale_refuses_a_factor_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        DemoScale.times(0)


def test_same_seed_and_day_give_the_same_data_another_seed_does_not(data: DemoData) -> None:
    assert generate(DemoScale.times(0.05), today=TODAY) == data
    other = generate(DemoScale.times(0.05), seed=7, today=TODAY)
    assert other.tables["vehicles"] != data.tables["vehicles"]


def test_rows_hold_exactly_the_model_columns_in_foreign_key_order(data: DemoData) -> None:
    assert list(data.tables) == list(TABLES)
    for position, table in enumerate(TABLES):
        model = MODELS[table]
        columns = set(model.__mapper__.column_attrs.keys())
        assert all(set(row) == columns for row in data.tables[table]), table
        for key in model.__table__.foreign_keys:
            referred = key.column.table.name
            # a table may refer to itself (a follow-up to the inspection it follows up)
            assert referred == table or TABLES.index(referred) < position, (
                f"{table} refers to {referred} after it"
            )


def test_foreign_keys_point_at_existing_rows(data: DemoData) -> None:
    for table in TABLES:
        for key in MODELS[table].__table__.foreign_keys:
            targets = {row[key.column.name] for row in data.tables[key.column.table.name]}
            values = {row[key.parent.name] for row in data.tables[table]} - {None}
            assert values <= targets, f"{table}.{key.parent.name} → {key.target_fullname}"


def test_unique_columns_are_unique(data: DemoData) -> None:
    for table in TABLES:
        sqla_table = Base.metadata.tables[table]
        keys = [tuple(c.name for c in sqla_table.primary_key)]
        keys += [(c.name,) for c in sqla_table.columns if c.unique]
        keys += [
            tuple(c.name for c in constraint.columns)
            for constraint in sqla_table.constraints
            if isinstance(constraint, UniqueConstraint)
        ]
        for columns in keys:
            values = [tuple(row[c] for c in columns) for row in data.tables[table]]
            values = [v for v in values if None not in v]  # NULLs never collide (imo)
            assert len(values) == len(set(values)), f"{table}{columns}"


VALIDATORS: list[tuple[str, str, Callable[[str], str]]] = [
    ("operators", "uscc", identifiers.uscc),
    ("permits", "number", identifiers.permit_number),
    ("vehicles", "plate", identifiers.plate),
    ("vehicles", "vin", identifiers.vin),
    ("vehicles", "certificate_number", identifiers.permit_number),
    ("vessels", "mmsi", identifiers.mmsi),
    ("vessels", "imo", identifiers.imo),
    ("practitioners", "id_number", identifiers.resident_id),
    ("qualification_certificates", "number", identifiers.resident_id),
    ("dangerous_goods", "un_number", identifiers.un_number),
]


@pytest.mark.parametrize(("table", "column", "validator"), VALIDATORS)
def test_identifiers_pass_their_validators(
    data: DemoData, table: str, column: str, validator: Callable[[str], str]
) -> None:
    values = [row[column] for row in data.tables[table] if row[column] is not None]
    assert values, f"no {table}.{column} to check"
    assert [validator(value) for value in values] == values


CITY_LEVEL = {"enforcement_officers", "inspection_draws"}
"""Held by a city: its enforcement detachment's officers, and the draws it makes over the city."""


def test_codes_name_jiangsu_counties_and_every_city_has_operators_and_stations(
    data: DemoData,
) -> None:
    for table, rows in data.tables.items():
        for row in rows:
            if "region_code" in row:
                assert row["region_code"] in REGIONS, table
                if table in CITY_LEVEL:
                    continue
                assert not row["region_code"].endswith("00"), f"{table}: not a county"
    assert data.tables["operators"][0]["uscc"][2:8] == data.tables["operators"][0]["region_code"]
    for table in ("operators", "stations"):
        assert {row["region_code"][:4] + "00" for row in data.tables[table]} == set(CITIES)


def test_vehicles_match_their_operator(data: DemoData) -> None:
    operators = {row["id"]: row for row in data.tables["operators"]}
    lines = {row["id"]: row for row in data.tables["passenger_lines"]}
    city_of_letter = {prefix: city for prefix, (city, _) in PLATE_PREFIXES.items()}
    for vehicle in data.tables["vehicles"]:
        operator = operators[vehicle["operator_id"]]
        assert vehicle["region_code"] == operator["region_code"]
        city = REGIONS[operator["region_code"][:4] + "00"][0]
        assert city_of_letter[vehicle["plate"][:2]] == city, vehicle["plate"]
        bus = vehicle["vehicle_type"].value.startswith("K")
        assert (vehicle["seats"] is not None) == bus
        assert ("RP" in operator["business_categories"]) == bus
        assert vehicle["dangerous_goods"] == ("RD" in operator["business_categories"])
        if vehicle["plate"].endswith("挂"):
            assert vehicle["plate_color"] is PlateColor.YELLOW
        if vehicle["line_id"] is not None:
            assert lines[vehicle["line_id"]]["operator_id"] == operator["id"]


def test_line_stops_run_from_origin_to_destination_through_passenger_stations(
    data: DemoData,
) -> None:
    stations = {row["id"]: row for row in data.tables["stations"]}
    permits = {row["id"]: row for row in data.tables["permits"]}
    stops: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for stop in data.tables["line_stops"]:
        stops[stop["line_id"]].append((stop["sequence"], stop["station_id"]))
    for line in data.tables["passenger_lines"]:
        sequences, station_ids = zip(*sorted(stops[line["id"]]), strict=True)
        assert list(sequences) == list(range(1, len(sequences) + 1)), line["code"]
        assert station_ids[0] == line["origin_station_id"]
        assert station_ids[-1] == line["destination_station_id"]
        kinds = {stations[s]["kind"] for s in station_ids}
        assert kinds == {StationKind.PASSENGER_STATION}, line["code"]
        ends = [stations[s]["region_code"][:4] for s in (station_ids[0], station_ids[-1])]
        assert ends[0] != ends[1], f"{line['code']} stays in one city"
        permit = permits[line["permit_id"]]
        assert (permit["kind"], permit["operator_id"]) == (
            PermitKind.PASSENGER_LINE,
            line["operator_id"],
        )
        assert re.fullmatch("[A-Z0-9]{1,20}", line["code"]), line["code"]
        assert len(line["route"]) >= len(station_ids)
        assert line["distance_km"] > 0


def test_dates_are_relative_to_today(data: DemoData) -> None:
    def share(table: str, test: Callable[[dt.date], bool], column: str = "valid_to") -> float:
        rows = data.tables[table]
        return sum(test(row[column]) for row in rows) / len(rows)

    soon = TODAY + dt.timedelta(days=30)
    for table in ("permits", "vessel_certificates", "qualification_certificates"):
        assert 0.02 < share(table, lambda d: d < TODAY) < 0.1, f"{table}: expired"
        assert 0.02 < share(table, lambda d: TODAY <= d <= soon) < 0.1, f"{table}: expiring"
    assert 0.02 < share("vehicles", lambda d: d < TODAY, "certificate_valid_to") < 0.1
    assert 0.04 < share("vehicles", lambda d: d < TODAY, "next_annual_review") < 0.12
    midnight = dt.datetime.combine(TODAY, dt.time(), dt.UTC)
    for table, rows in data.tables.items():
        for row in rows:
            if "received_at" in row:
                assert row["received_at"].tzinfo is dt.UTC, table
                assert midnight - dt.timedelta(days=366) < row["received_at"] < midnight, table
                assert row["verified_at"] is None or row["verified_at"] > row["received_at"]


def test_the_whole_dangerous_goods_list_is_there(data: DemoData) -> None:
    rows = data.tables["dangerous_goods"]
    assert [row["un_number"] for row in rows] == [e.un_number for e in names.DANGEROUS_GOODS]
    assert {row["source"] for row in rows} == {"JT/T 617 品名表"}
