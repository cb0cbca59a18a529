"""Bulk publication: time and peak memory of ``hub opendata publish`` over many vehicles.

    python bench/opendata_publish.py [--vehicles 1000000]

Creates a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/hub_bench_opendata), migrates it, inserts one operator
and ``--vehicles`` vehicles (not timed), then runs ``hub opendata publish --force`` in a child
process and reports its wall time and peak resident memory (the child's maxrss).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exchange_throughput import fresh_database
from sqlalchemy import insert

from hub.canonical import identifiers
from hub.canonical.codes import LicenceStatus, OperatorStatus, PlateColor, VehicleType
from hub.config import Settings
from hub.db import create_engine
from hub.migrate import upgrade
from hub.operators.models import Operator
from hub.vehicles.models import Vehicle

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_opendata"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _vehicle(serial: int) -> dict[str, object]:
    raw = f"LZYTA000XN{serial:07d}"
    return {
        "id": serial,
        # 13 cities' letters × 100,000 numbers × 2 colours: unique up to 2.6 M vehicles.
        "plate": f"苏{'ABCDEFGHJKLMN'[serial // 100_000 % 13]}{serial % 100_000:05d}",
        "plate_color": PlateColor.YELLOW if serial % 2 else PlateColor.BLUE,
        "vin": raw[:8] + identifiers.vin_check_digit(raw) + raw[9:],
        "vehicle_type": VehicleType.HEAVY_TRUCK,
        "seats": None,
        "tonnage": 30.0,
        "dangerous_goods": False,
        "region_code": "320102",
        "operator_id": 1,
        "line_id": None,
        "certificate_number": f"{serial:012d}",
        "certificate_valid_from": dt.date(2024, 1, 1),
        "certificate_valid_to": dt.date(2030, 1, 1),
        "certificate_status": LicenceStatus.VALID,
        "next_annual_review": dt.date(2030, 1, 1),
        "next_secondary_maintenance": dt.date(2030, 1, 1),
        "source": "bench",
        "source_record_id": f"VH{serial}",
        "received_at": NOW,
        "verified_at": None,
    }


async def load(url: str, vehicles: int) -> None:
    await fresh_database(url)
    engine = create_engine(Settings(database_url=url))
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.execute(
                insert(Operator),
                [{"id": 1, "uscc": "91320102000000001M", "name": "基准运输有限公司",
                  "legal_representative": "张三", "region_code": "320102",
                  "business_categories": ["RF"], "status": OperatorStatus.ACTIVE, "source": "bench",
                  "source_record_id": "OP1", "received_at": NOW}],
            )  # fmt: skip
        for start in range(1, vehicles + 1, 10_000):
            async with engine.begin() as connection:
                rows = [_vehicle(s) for s in range(start, min(start + 10_000, vehicles + 1))]
                await connection.execute(insert(Vehicle), rows)
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    args = parser.parse_args()
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    started = time.perf_counter()
    asyncio.run(load(url, args.vehicles))
    print(f"loaded {args.vehicles:,} vehicles in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_DATA_DIR": data_dir}
        hub = Path(sys.executable).with_name("hub")
        started = time.perf_counter()
        subprocess.run([hub, "opendata", "publish", "--force", "--quiet"], env=env, check=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        sizes = {p.name: p.stat().st_size for p in (Path(data_dir) / "opendata").iterdir()}
    rows_per_second = args.vehicles / seconds
    print(f"published in {seconds:.0f} s ({rows_per_second:,.0f} vehicle rows/s), "
          f"peak RSS {peak:.0f} MB")  # fmt: skip
    for name in ("vehicles.csv", "vehicles.jsonl", "vehicles.parquet"):
        print(f"  {name}: {sizes[name] / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
