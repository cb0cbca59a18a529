"""The ``hub`` command: serve, migrate, demo, schema export and diff, codes generate, …"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hub.alerts import commands as alerts_commands
from hub.config import LOG_FORMATS, Settings
from hub.errors import HubError
from hub.exchange import commands as exchange_commands
from hub.i18n import argparse_language, error_message, tr, translate_help
from hub.logs import configure as configure_logging
from hub.migrate import ensure_ready
from hub.opendata import commands as opendata_commands
from hub.positions import commands as positions_commands
from hub.quality import commands as quality_commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``hub`` subcommand; errors print one line and exit with status 2."""
    with argparse_language():
        parser = _parser()
        translate_help(parser)
        args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.log_format:
            settings = dataclasses.replace(settings, log_format=args.log_format)
        configure_logging(settings.log_format, settings.log_level, server=args.server)
        result: int = args.run(settings, args)
        return result
    except HubError as exc:
        print(tr("hub: error: {message}", message=error_message(exc.message)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hub", description="Jiangsu road & waterway transport interop hub"
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        help="json lines, text, or auto: JSON for servers unless stderr is a terminal "
        "(default HUB_LOG_FORMAT or auto)",
    )
    parser.set_defaults(server=False)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--host", help="address to bind (default HUB_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default HUB_PORT or 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.set_defaults(run=_serve, server=True)

    migrate = commands.add_parser("migrate", help="upgrade the database to the newest schema")
    migrate.set_defaults(run=_migrate)

    demo = commands.add_parser("demo", help="load the demo data of Jiangsu")
    demo.add_argument("--scale", type=float, default=1.0, help="size factor (1 = 20,000 vehicles)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if data is present")
    demo.set_defaults(run=_demo)
    demo_token = commands.add_parser(
        "demo-token", help="an access token of the demo portal client, for GraphiQL"
    )
    demo_token.set_defaults(run=_demo_token)

    credit = commands.add_parser("credit", help="industry credit: collect events and grade")
    credit_commands = credit.add_subparsers(required=True, metavar="ACTION")
    grade = credit_commands.add_parser(
        "grade", help="collect new credit events, grade every subject for a period, list the low"
    )
    grade.add_argument("--period", help="assessment period, a year (default this year)")
    grade.set_defaults(run=_credit_grade)

    schema = commands.add_parser("schema", help="the GraphQL schema as SDL")
    schema_commands = schema.add_subparsers(required=True, metavar="ACTION")
    export = schema_commands.add_parser("export", help="write the SDL")
    export.add_argument(
        "--output", type=Path, help="file (default graphql/schema.graphql; - = stdout)"
    )
    export.add_argument("--check", action="store_true", help="fail if the file is out of date")
    export.set_defaults(run=_schema_export)
    diff = schema_commands.add_parser(
        "diff", help="breaking and dangerous changes from an older SDL file to this schema"
    )
    diff.add_argument("old", type=Path, metavar="OLD.graphql", help="the older schema")
    diff.add_argument(
        "new", type=Path, nargs="?", metavar="NEW.graphql", help="default: this hub's schema"
    )
    diff.set_defaults(run=_schema_diff)

    _client_commands(commands)
    exchange_commands.register(commands)
    quality_commands.register(commands)
    positions_commands.register(commands, observe=alerts_commands.on_fixes)
    alerts_commands.register(commands)
    opendata_commands.register(commands)

    keys = commands.add_parser("keys", help="token signing keys")
    keys_commands = keys.add_subparsers(required=True, metavar="ACTION")
    rotate = keys_commands.add_parser("rotate", help="sign new tokens with a new key")
    rotate.set_defaults(run=_keys_rotate)
    new_kek = keys_commands.add_parser(
        "new-kek", help="print a new key-encryption key for HUB_KEY_ENCRYPTION_KEY(_FILE)"
    )
    new_kek.set_defaults(run=_keys_new_kek)
    rewrap = keys_commands.add_parser(
        "rewrap", help="re-encrypt the stored keys under the configured key-encryption key"
    )
    rewrap.add_argument(
        "--old-key-file", type=Path, required=True, help="file holding the previous KEK (base64)"
    )
    rewrap.set_defaults(run=_keys_rewrap)

    audit = commands.add_parser("audit", help="the audit log of personal-data access")
    audit_commands = audit.add_subparsers(required=True, metavar="ACTION")
    verify = audit_commands.add_parser("verify", help="check the hash chain, naming bad entries")
    verify.set_defaults(run=_audit_verify)
    checkpoint = audit_commands.add_parser(
        "checkpoint", help="write a signed checkpoint of the chain's head now"
    )
    checkpoint.set_defaults(run=_audit_checkpoint)

    standards = commands.add_parser("standards", help="the published standards")
    standards_commands = standards.add_subparsers(required=True, metavar="ACTION")
    dictionary = standards_commands.add_parser("dictionary", help="write the data dictionary")
    dictionary.add_argument("--check", action="store_true", help="fail if it is out of date")
    dictionary.set_defaults(run=_dictionary)
    site = standards_commands.add_parser(
        "site", help="write the standards as static HTML (also served at /docs)"
    )
    site.add_argument("--output", type=Path, help="folder (default HUB_DATA_DIR/site)")
    site.set_defaults(run=_site)

    codes = commands.add_parser("codes", help="code lists in standards/codes")
    codes_commands = codes.add_subparsers(required=True, metavar="ACTION")
    generate = codes_commands.add_parser("generate", help="regenerate hub/canonical/codes.py")
    generate.set_defaults(run=_codes_generate)
    return parser


def _client_commands(commands: Any) -> None:
    registry = commands.add_parser("clients", help="OAuth clients of partner agencies and portals")
    actions = registry.add_subparsers(required=True, metavar="ACTION")

    add = actions.add_parser("add", help="register a client; prints its secret once")
    add.add_argument("--name", required=True, help="what the client is, e.g. 苏州市公安局交警支队")
    add.add_argument("--agency", required=True, help="agency code, e.g. public_security")
    add.add_argument("--scopes", required=True, help='e.g. "registry:read pii:read"')
    add.add_argument("--region", help="bind to a division code, e.g. 320500 (Suzhou)")
    add.add_argument("--tier", default="partner", help="open, partner or internal")
    add.add_argument("--uscc", help="credit code of the carrier or terminal the client acts for")
    add.add_argument("--jwks-file", type=Path, help="public keys: private_key_jwt, no secret")
    add.add_argument(
        "--purposes",
        default="",
        help="purposes of use it may state, CODE,CODE (standards/codes/purpose_of_use.csv)",
    )
    add.add_argument(
        "--trusted-documents-only", action="store_true", help="only operations sent by hash"
    )
    add.set_defaults(run=_clients_add)

    listing = actions.add_parser("list", help="every client")
    listing.add_argument(
        "--self-registered",
        action="store_true",
        help="only open-data clients that registered themselves (POST /oauth/register)",
    )
    listing.set_defaults(run=_clients_list)
    disable = actions.add_parser("disable", help="stop a client getting or using tokens")
    disable.add_argument("client_id")
    disable.set_defaults(run=_clients_disable)
    rotate = actions.add_parser("rotate-secret", help="a new secret; the old one stops working")
    rotate.add_argument("client_id")
    rotate.set_defaults(run=_clients_rotate_secret)


async def _in_transaction(settings: Settings, work: Any) -> Any:
    from hub.db import check_connection, create_engine, session_factory, unit_of_work

    engine = create_engine(settings)
    try:
        await check_connection(engine)
        async with unit_of_work(session_factory(engine)) as session:
            return await work(session)
    finally:
        await engine.dispose()


def _clients_add(settings: Settings, args: argparse.Namespace) -> int:
    from hub.auth import clients

    jwks = None
    if args.jwks_file is not None:
        try:
            jwks = json.loads(args.jwks_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            message = tr(
                "--jwks-file: cannot read a JSON key set from {path}: {reason}",
                path=args.jwks_file,
                reason=exc,
            )
            raise HubError(message) from None

    async def work(session: Any) -> Any:
        return await clients.add(
            session,
            name=args.name,
            agency=args.agency,
            scopes=args.scopes,
            region=args.region,
            tier=args.tier,
            jwks=jwks,
            trusted_documents_only=args.trusted_documents_only,
            uscc=args.uscc,
            purposes=args.purposes,
        )

    made = asyncio.run(_in_transaction(settings, work))
    print(f"client_id:     {made.row.client_id}")
    if made.secret is not None:
        print(f"client_secret: {made.secret}")
        print(tr("hub: the secret is shown this once and stored only hashed: keep it now"))
    else:
        print(tr("hub: authenticates with private_key_jwt using the registered keys"))
    return 0


def _clients_list(settings: Settings, args: argparse.Namespace) -> int:
    from hub.auth import clients

    rows = asyncio.run(
        _in_transaction(
            settings,
            lambda session: clients.listed(session, self_registered=args.self_registered),
        )
    )
    for row in rows:
        method = "private_key_jwt" if row.jwks else "secret"
        state = "disabled" if row.disabled else "enabled"
        region = row.region_code or "all regions"
        purposes = ",".join(row.purposes or ()) or "no purposes"
        line = (
            f"{row.client_id}\t{state}\t{row.agency}\t{row.tier}\t{region}\t{method}\t"
            f"{' '.join(row.scopes)}\t{purposes}\t{row.name}"
        )
        if row.terms_accepted is not None:
            line += (
                f"\tregistered from {row.registered_from} on {row.created_at:%Y-%m-%d}, "
                f"contacts {', '.join(row.contacts or [])}, accepted {row.terms_accepted}"
            )
        print(line)
    return 0


def _clients_disable(settings: Settings, args: argparse.Namespace) -> int:
    from hub.auth import clients

    asyncio.run(_in_transaction(settings, lambda session: clients.disable(session, args.client_id)))
    print(tr("hub: {client_id} disabled", client_id=args.client_id))
    return 0


def _clients_rotate_secret(settings: Settings, args: argparse.Namespace) -> int:
    from hub.auth import clients

    secret = asyncio.run(
        _in_transaction(settings, lambda session: clients.rotate_secret(session, args.client_id))
    )
    print(f"client_secret: {secret}")
    print(tr("hub: the old secret no longer works; the new one is shown this once"))
    return 0


def _keys_rotate(settings: Settings, _args: argparse.Namespace) -> int:
    from hub.auth.keys import CHECK_SECONDS, rotate
    from hub.sealing import key_encryption_key

    kek = key_encryption_key(settings)
    kid = asyncio.run(_in_transaction(settings, lambda session: rotate(session, kek)))
    print(
        tr(
            "hub: new tokens are signed with key {kid} (every worker within {seconds} s); older "
            "keys stay published until their tokens expire ({ttl} s)",
            kid=kid,
            seconds=f"{CHECK_SECONDS:g}",
            ttl=settings.token_ttl,
        )
    )
    return 0


def _keys_new_kek(_settings: Settings, _args: argparse.Namespace) -> int:
    from hub.sealing import new_secret

    print(new_secret())
    return 0


def _keys_rewrap(settings: Settings, args: argparse.Namespace) -> int:
    from hub.audit.checkpoints import Checkpoints
    from hub.auth.keys import rewrap
    from hub.sealing import key_encryption_key, read_key_file

    new = key_encryption_key(settings)
    old = read_key_file(args.old_key_file, "--old-key-file")
    if old.fingerprint == new.fingerprint:
        raise HubError(tr("--old-key-file holds the configured key-encryption key: nothing to do"))
    moved = asyncio.run(_in_transaction(settings, lambda session: rewrap(session, old, new)))
    resigned = Checkpoints(settings.audit_checkpoints, new).resign(old)
    print(
        tr(
            "hub: {moved} signing key(s) re-encrypted under key-encryption key {fingerprint};",
            moved=moved,
            fingerprint=new.fingerprint,
        )
    )
    print(
        tr(
            "     {resigned} audit checkpoint(s) re-signed; restart the workers with this KEK",
            resigned=resigned,
        )
    )
    return 0


def _audit_verify(settings: Settings, _args: argparse.Namespace) -> int:
    from hub.audit.verify import verify_database

    problems = asyncio.run(verify_database(settings))
    for problem in problems:
        message = error_message(problem.message)
        print(tr("hub: audit log: {problem}", problem=message), file=sys.stderr)
    if problems:
        return 1
    print(tr("hub: audit log intact"))
    return 0


def _audit_checkpoint(settings: Settings, _args: argparse.Namespace) -> int:
    from hub.audit.checkpoints import Checkpointer, Checkpoints
    from hub.db import check_connection, create_engine, session_factory
    from hub.sealing import key_encryption_key

    checkpoints = Checkpoints(settings.audit_checkpoints, key_encryption_key(settings))

    async def run() -> Any:
        engine = create_engine(settings)
        try:
            await check_connection(engine)
            return await Checkpointer(session_factory(engine), checkpoints).write_if_moved()
        finally:
            await engine.dispose()

    written = asyncio.run(run())
    if written is None:
        print(tr("hub: the audit log is empty: nothing to checkpoint"))
    else:
        print(
            tr(
                "hub: checkpoint of entry {seq} written to {path}",
                seq=written.seq,
                path=checkpoints.path,
            )
        )
    return 0


async def _open_signing_keys(settings: Settings) -> None:
    from hub.auth.keys import KeyStore
    from hub.db import create_engine, session_factory
    from hub.sealing import key_encryption_key

    kek = key_encryption_key(settings)
    engine = create_engine(settings)
    try:
        await KeyStore(session_factory(engine), settings.token_ttl, kek).ensure_active()
    finally:
        await engine.dispose()


WORKER_HEALTHCHECK_SECONDS = 30
"""How long a worker of ``hub serve`` may take to answer uvicorn's health check."""


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from hub import serving
    from hub.metrics import shared_by_workers

    settings = dataclasses.replace(
        settings, host=args.host or settings.host, port=args.port or settings.port
    )
    if args.workers < 1:
        raise HubError(tr("--workers must be at least 1"))
    asyncio.run(ensure_ready(settings))
    # A missing or wrong key-encryption key is one line here, not a traceback in each worker.
    asyncio.run(_open_signing_keys(settings))
    where = f"http://{settings.host}:{settings.port}/graphql"
    print(
        tr("hub: serving GraphQL at {url} (open it in a browser for GraphiQL)", url=where),
        flush=True,
    )
    # Each worker builds its app, and sets up its logging, from the environment.
    os.environ["HUB_LOG_FORMAT"] = settings.log_format
    config = uvicorn.Config(
        "hub.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        log_config=None,  # hub.logs has set logging up; uvicorn's loggers write through it
        access_log=False,  # each request is logged once, by hub.request_log
        # uvicorn kills a worker that has not answered its supervisor's ping within this
        # time (default 5 s). A worker busy on a machine shared with PostgreSQL and Redis
        # can be that late without being hung; killed, it drops every websocket it holds.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        # A subscription event is a few hundred bytes of JSON, compressed again for each of
        # its subscribers (each connection has its own deflate stream): sent as it is, a
        # delivery costs the worker less CPU and each connection no compressor's memory.
        ws_per_message_deflate=False,
    )
    with shared_by_workers(args.workers):
        if args.workers > 1 and serving.SPREADS:
            serving.serve(config)
        else:
            server = uvicorn.Server(config)
            server.run()
            if not server.started:
                return STARTUP_FAILURE
    return 0


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from hub.db import check_connection, create_engine
    from hub.migrate import current_revision, upgrade

    async def run() -> str | None:
        engine = create_engine(settings)
        try:
            await check_connection(engine)
            await upgrade(engine)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    print(tr("hub: database at revision {revision}", revision=asyncio.run(run())))
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from hub.credit import rules as credit_rules
    from hub.dataversion import writer
    from hub.demo import alerts as demo_alerts
    from hub.demo import credit, journeys, portal
    from hub.demo.enforcement import DEMO_PHOTO
    from hub.demo.generator import DemoScale, generate, subjects
    from hub.demo.loader import analyze, is_empty, load
    from hub.enforcement.storage import local_store, put
    from hub.exchange.inbound import feed_demo
    from hub.exchange.pipeline import Exchange
    from hub.exchange.protocol import DemoSubjects
    from hub.exchange.registry import AdapterRegistry
    from hub.filters import today

    if not 0 < args.scale <= 100:
        raise HubError(tr("--scale must be above 0 and at most 100"))

    async def run() -> int:
        await ensure_ready(settings)
        # Each commit of the load moves the data version: a running hub (sharing it through
        # Redis) serves nothing it cached before.
        async with writer(settings) as sessions:
            if not await is_empty(sessions):
                if args.if_empty:
                    print(tr("hub: demo data already loaded"))
                    return 0
                raise HubError(
                    tr("the database already holds data: demo data loads only into an empty one")
                )
            data = generate(DemoScale.times(args.scale), seed=args.seed, today=today())
            summary = await load(sessions, data, progress=sys.stderr.isatty())
            put(local_store(settings), DEMO_PHOTO)  # the on-site records' photo evidence
            planned = journeys.journeys(data, today())
            await journeys.book(sessions, planned)
            fed = await feed_demo(
                Exchange(
                    AdapterRegistry.discover(), sessions,
                    max_attempts=settings.exchange_max_attempts,
                ),
                DemoSubjects(
                    **subjects(data), today=today().isoformat(), seed=args.seed,
                    journeys=planned.consignments, places=planned.places,
                ),
            )  # fmt: skip
            await journeys.report(sessions, planned)
            planted = await demo_alerts.plant(
                sessions, dt.datetime.now(dt.UTC).replace(microsecond=0)
            )
            async with sessions() as session, session.begin():
                await portal.register(session)
            collected, graded = await credit.grade(
                sessions, credit_rules.load(settings.credit_rules_dir), today(), args.seed
            )
            await analyze(sessions)
        loaded = ", ".join(f"{count:,} {table}" for table, count in summary.counts.items())
        print(tr("hub: loaded demo data: {counts}", counts=loaded))
        print(tr("hub: fed the agencies' demo documents: {summary}", summary=fed.lines()[0]))
        booked = ", ".join(c.reference for c in planned.consignments)
        booked = booked or tr("none at this scale")
        print(tr("hub: booked the demo journeys (一单到底): {references}", references=booked))
        alerts = ", ".join(f"{count} {kind}" for kind, count in planted.items())
        print(tr("hub: planted one alert of each kind: {counts}", counts=alerts))
        grades = ", ".join(f"{n} {g}" for g, n in sorted(graded.by_grade.items()))
        print(
            tr(
                "hub: graded {graded} operators and drivers from {events} credit events "
                "({grades}); {listed} listed",
                graded=graded.graded,
                events=collected,
                grades=grades,
                listed=graded.listed,
            )
        )
        print(tr("hub: `hub demo-token` gives GraphiQL a token of the demo portal"))
        return 0

    return asyncio.run(run())


def _credit_grade(settings: Settings, args: argparse.Namespace) -> int:
    import datetime as dt

    from hub.credit import rules
    from hub.credit.derivation import collect
    from hub.credit.grading import Period
    from hub.credit.service import grade_all, publish_changes
    from hub.filters import today
    from hub.pubsub import create_pubsub

    book = rules.load(settings.credit_rules_dir)
    period = Period.parse(args.period or str(today().year), "--period")
    at = dt.datetime.now(dt.UTC)

    async def work(session: Any) -> Any:
        collected = await collect(session, at)
        return collected, *await grade_all(session, book, period, at)

    asyncio.run(ensure_ready(settings))
    collected, summary, changes = asyncio.run(_in_transaction(settings, work))

    async def publish() -> None:
        # Live subscribers (creditListChanges) hear of the run through the shared pub/sub.
        pubsub = create_pubsub(settings)
        try:
            await publish_changes(pubsub, changes)
        finally:
            await pubsub.close()

    asyncio.run(publish())
    grades = ", ".join(f"{n} {g}" for g, n in sorted(summary.by_grade.items()))
    print(
        tr(
            "hub: graded {graded} operators and drivers from {events} credit events "
            "({grades}); {listed} listed",
            graded=summary.graded,
            events=collected,
            grades=grades,
            listed=summary.listed,
        )
    )
    return 0


def _demo_token(settings: Settings, _args: argparse.Namespace) -> int:
    from hub.db import check_connection, create_engine, session_factory
    from hub.demo import portal

    async def run() -> str:
        engine = create_engine(settings)
        try:
            await check_connection(engine)
            return await portal.token(settings, session_factory(engine))
        finally:
            await engine.dispose()

    print(asyncio.run(run()))
    return 0


def _schema_export(_settings: Settings, args: argparse.Namespace) -> int:
    from hub.api.schema import SDL_PATH, sdl

    text = sdl()
    if args.output == Path("-"):
        sys.stdout.write(text)
        return 0
    path = args.output or SDL_PATH
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(
                tr("hub: {path} is out of date: run `hub schema export`", path=path),
                file=sys.stderr,
            )
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(tr("hub: wrote {path}", path=path))
    return 0


def _schema_diff(_settings: Settings, args: argparse.Namespace) -> int:
    from graphql import build_schema as build_sdl

    from hub.api.schema import sdl
    from hub.api.versioning import SchemaFileError, changes, load

    try:
        old = load(args.old)
        new = load(args.new) if args.new else build_sdl(sdl())
    except SchemaFileError as exc:
        print(tr("hub: error: {message}", message=exc), file=sys.stderr)
        return 2
    found = changes(old, new)
    for change in found:
        print(change.line())
    breaking = sum(change.breaking for change in found)
    dangerous = len(found) - breaking
    message = tr(
        "hub: {breaking} breaking, {dangerous} dangerous", breaking=breaking, dangerous=dangerous
    )
    print(message, file=sys.stderr)
    return 1 if breaking else 0


def _dictionary(_settings: Settings, args: argparse.Namespace) -> int:
    from hub.dictionary import DICTIONARY_PATH, render, write

    if args.check:
        current = DICTIONARY_PATH.exists() and DICTIONARY_PATH.read_text(encoding="utf-8")
        if current != render():
            print(
                tr(
                    "hub: {path} is out of date: run `hub standards dictionary`",
                    path=DICTIONARY_PATH,
                )
            )
            return 1
        return 0
    written = write()
    print(tr("hub: wrote {path}" if written else "hub: unchanged {path}", path=DICTIONARY_PATH))
    return 0


def _site(settings: Settings, args: argparse.Namespace) -> int:
    from hub.docsite import write

    folder = args.output or settings.data_dir / "site"
    count = write(folder)
    print(tr("hub: wrote {count} files to {folder} (open index.html)", count=count, folder=folder))
    return 0


def _codes_generate(_settings: Settings, _args: argparse.Namespace) -> int:
    from hub.canonical.codegen import TARGET, generate

    written = generate()
    print(tr("hub: wrote {path}" if written else "hub: unchanged {path}", path=TARGET))
    return 0
