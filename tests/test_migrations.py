"""Migrations build every database, and they agree with the models on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from hub.config import Settings
from hub.db import create_engine
from hub.migrate import alembic_config, compared, current_revision, head_revision, upgrade
from hub.tables import metadata


async def test_models_and_migrations_agree(settings: Settings) -> None:
    engine = create_engine(settings)

    def differences(connection: Connection) -> list[Any]:
        options = {"compare_type": True, "include_object": compared}
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, metadata))

    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(differences)
    finally:
        await engine.dispose()

    assert diff == [], f"models and migrations differ; write a migration: {diff}"


async def test_the_test_database_is_at_head_and_upgrading_again_changes_nothing(
    settings: Settings,
) -> None:
    engine = create_engine(settings)
    try:
        before = await current_revision(engine)
        await upgrade(engine)
        after = await current_revision(engine)
    finally:
        await engine.dispose()

    assert before == after == head_revision()


FIRST = "72a75f299d02"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _provenance(record_id: str) -> dict[str, Any]:
    return {"source": "t", "source_record_id": record_id, "received_at": NOW, "verified_at": None}


def _old_rows() -> dict[str, list[dict[str, Any]]]:
    """Rows as the first revision stored them: permits and certificates had no region."""
    day = dt.date(2026, 1, 1)
    return {
        "operators": [
            {
                "id": 1,
                "uscc": "91320505MA1XXXXXX0",
                "name": "苏州运输",
                "region_code": "320505",
                "legal_representative": "张三",
                "business_categories": ["RP"],
                "status": "10",
                **_provenance("o1"),
            }
        ],
        "permits": [
            {
                "id": 1,
                "number": "320505000001",
                "kind": "11",
                "scope": "班车客运",
                "issuing_authority": "苏州市交通运输局",
                "valid_from": day,
                "valid_to": day,
                "status": "10",
                "operator_id": 1,
                **_provenance("p1"),
            }
        ],
        "stations": [
            {
                "id": n,
                "code": f"320505P00{n}",
                "name": f"站{n}",
                "kind": "P",
                "level": "1",
                "latitude": 31.3,
                "longitude": 120.6,
                "address": "苏州",
                "region_code": "320505",
                "operator_id": None,
                **_provenance(f"s{n}"),
            }
            for n in (1, 2)
        ],
        "passenger_lines": [
            {
                "id": 1,
                "code": "L1",
                "name": "苏州—苏州",
                "region_code": "320505",
                "operator_id": 1,
                "permit_id": 1,
                "origin_station_id": 1,
                "destination_station_id": 2,
                "route": [[120.6, 31.3]],
                "distance_km": 1.0,
                "daily_trips": 1,
                **_provenance("l1"),
            }
        ],
        "vessels": [
            {
                "id": 1,
                "name": "苏运1",
                "mmsi": "413000001",
                "imo": None,
                "port_of_registry": "苏州",
                "gross_tonnage": 500,
                "region_code": "320505",
                "operator_id": 1,
                **_provenance("v1"),
            }
        ],
        "vessel_certificates": [
            {
                "id": 1,
                "vessel_id": 1,
                "kind": "NAT",
                "number": "N1",
                "issuing_authority": "苏州海事局",
                "valid_from": day,
                "valid_to": day,
                "status": "10",
                **_provenance("c1"),
            }
        ],
    }


async def test_upgrading_a_database_with_data_keeps_it_and_fills_the_new_columns(
    settings: Settings,
) -> None:
    engine = create_engine(settings)

    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, FIRST)

    def insert(connection: Connection) -> None:
        tables = MetaData()
        tables.reflect(connection)
        for name, rows in _old_rows().items():
            connection.execute(tables.tables[name].insert(), rows)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
            await connection.run_sync(insert)
        await upgrade(engine)
        async with engine.connect() as connection:
            permits = (await connection.execute(text("SELECT region_code FROM permits"))).all()
            certificates = (
                await connection.execute(text("SELECT region_code FROM vessel_certificates"))
            ).all()
            lines = (await connection.execute(text("SELECT permit_id FROM passenger_lines"))).all()
        revision = await current_revision(engine)
    finally:
        await engine.dispose()

    assert revision == head_revision()
    assert permits == [("320505",)]
    assert certificates == [("320505",)]
    assert lines == [(1,)]
