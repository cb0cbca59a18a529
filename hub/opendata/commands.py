"""``hub opendata publish`` and ``hub opendata datasets``: the bulk files, and what is declared."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

from hub.config import Settings
from hub.errors import HubError


def register(commands: Any) -> None:
    """Add ``hub opendata`` to the parser."""
    opendata = commands.add_parser("opendata", help="the open-data catalogue and bulk files")
    actions = opendata.add_subparsers(required=True, metavar="ACTION")
    publish = actions.add_parser(
        "publish", help="write CSV, JSON Lines and Parquet snapshots of the changed datasets"
    )
    publish.add_argument("--force", action="store_true", help="rewrite every dataset")
    publish.add_argument("--quiet", action="store_true", help="no progress bar")
    publish.set_defaults(run=_publish)
    listing = actions.add_parser("datasets", help="the declared datasets, checked")
    listing.set_defaults(run=_datasets)


def _datasets(settings: Settings, _args: argparse.Namespace) -> int:
    from hub.api.schema import build_schema
    from hub.opendata.datasets import InvalidDataset, load
    from hub.opendata.published import columns

    try:
        datasets = load()
        schema = build_schema(settings)
        for dataset in datasets.values():
            published = columns(dataset, schema)
            print(f"{dataset.id}\t{len(published)} columns\t{dataset.title.zh}")
    except InvalidDataset as exc:
        raise HubError(str(exc)) from None
    return 0


def _publish(settings: Settings, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from hub.api.schema import build_schema
    from hub.cache import create_cache
    from hub.dataversion import data_version
    from hub.db import create_engine, session_factory
    from hub.filters import today
    from hub.migrate import ensure_ready
    from hub.opendata.datasets import InvalidDataset, load
    from hub.opendata.snapshots import publish

    try:
        datasets = load()
    except InvalidDataset as exc:
        raise HubError(str(exc)) from None
    bar = tqdm(unit=" rows", disable=args.quiet)

    def progress(dataset_id: str, rows: int) -> None:
        bar.set_description(dataset_id)
        bar.update(rows)

    async def run() -> list[Any]:
        await ensure_ready(settings)
        engine = create_engine(settings)
        cache = create_cache(settings)
        versions = data_version(settings, cache)
        try:
            # Read before any row: a write after it moves it, and the next run reads again.
            version = await versions.current()
            return await publish(
                session_factory(engine),
                build_schema(settings),
                datasets,
                settings.data_dir,
                today=today(),
                now=dt.datetime.now(dt.UTC),
                force=args.force,
                progress=progress,
                data_version=version,
            )
        finally:
            versions.close()
            await cache.close()
            await engine.dispose()

    try:
        done = asyncio.run(run())
    finally:
        bar.close()
    for item in done:
        state = "written" if item.changed else "unchanged"
        print(f"{item.dataset_id}\t{state}\t{item.rows} rows")
    written = sum(1 for item in done if item.changed)
    print(f"hub: {written} of {len(done)} datasets written to {settings.data_dir / 'opendata'}")
    return 0
