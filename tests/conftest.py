"""Backends for the tests: every database test runs on SQLite and PostgreSQL, every cache test
in-process and on Redis.

PostgreSQL and Redis are the real servers on 127.0.0.1 (``HUB_TEST_POSTGRES_URL`` and
``HUB_TEST_REDIS_URL`` override where). Without them those variants skip and say why;
under ``CI=true`` a missing server fails the run instead, so CI can never go green on SQLite
alone.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.testclient import TestClient, WebSocketTestSession

from hub.api.console import CONSOLE_DIR
from hub.app import create_app
from hub.config import KEK_FILE_VARIABLE, KEK_VARIABLE, Settings, decode_kek
from hub.db import create_engine
from hub.migrate import upgrade
from hub.tables import metadata

IN_CI = os.environ.get("CI", "").lower() == "true"
# The machines of this project have database `test` with user postgres or root (trust auth).
POSTGRES_URLS = (
    [os.environ["HUB_TEST_POSTGRES_URL"]]
    if os.environ.get("HUB_TEST_POSTGRES_URL")
    else [
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        "postgresql+asyncpg://root@127.0.0.1:5432/test",
    ]
)
REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_KEK = "dGVzdCBrZXktZW5jcnlwdGlvbiBrZXkgMzIgYnl0ZXM="
"""The key-encryption key of the test hubs (base64 of 32 bytes), as HUB_KEY_ENCRYPTION_KEY."""


WEBSOCKET_RECEIVE_SECONDS = 60.0
"""How long a test waits for a websocket message before failing. Starlette's test session
waits for ever, so a message that never comes hung the whole CI run instead of failing the
one test that expected it."""


async def _receive_within(stream: Any, seconds: float) -> Any:
    try:
        with anyio.fail_after(seconds):
            return await stream.receive()
    except TimeoutError:
        raise TimeoutError(
            f"no websocket message came within {seconds:.0f} s (the test expected one)"
        ) from None


def _bounded_receive(self: WebSocketTestSession) -> Any:
    return self.portal.call(_receive_within, self._send_rx, WEBSOCKET_RECEIVE_SECONDS)


WebSocketTestSession.receive = _bounded_receive  # type: ignore[method-assign]


def unavailable(reason: str) -> None:
    """Skip a backend variant that cannot run here, or fail the run when in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: every backend must run)", pytrace=False)
    pytest.skip(reason)


async def _first_postgres() -> tuple[str | None, str]:
    errors = []
    for url in filter(None, POSTGRES_URLS):
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return url, ""
        except Exception as exc:  # any failure to connect means: try the next one
            errors.append(f"{make_url(url).render_as_string()}: {exc}")
        finally:
            await engine.dispose()
    return None, "; ".join(errors)


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_async_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _truncate(url: str) -> None:
    engine: AsyncEngine = create_async_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    try:
        async with engine.begin() as connection:
            # A failed test can leave transactions open whose tasks will never run again (this
            # teardown blocks their loop): end them rather than wait for their locks forever.
            await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            # The audit tables refuse TRUNCATE by trigger; replica mode fires no triggers.
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


# Database set-up runs in sync fixtures with a loop of its own: pytest-asyncio cannot set up
# an async fixture from inside another (as the parametrized ``settings`` would need).


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL database of its own for this test run, dropped at the end."""
    url, why = asyncio.run(_first_postgres())
    if url is None:
        unavailable(f"PostgreSQL not reachable on 127.0.0.1:5432 ({why})")
        raise AssertionError("unreachable")
    name = f"hub_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(url, f'CREATE DATABASE "{name}"'))
    test_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        asyncio.run(_migrate(test_url))
        yield test_url
    finally:
        asyncio.run(_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so migrations run once per run."""
    path = tmp_path_factory.mktemp("template") / "hub.sqlite3"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def console_installed() -> None:
    """GraphiQL's files, which scripts/install builds when npm is there (always under CI)."""
    if not (CONSOLE_DIR / "graphiql.min.js").is_file():
        unavailable(f"GraphiQL is not installed in {CONSOLE_DIR}: run scripts/install with npm")


@pytest.fixture(params=["sqlite", "postgres"])
def settings(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Settings]:
    """Settings of an empty, migrated database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        shutil.copy(sqlite_template, tmp_path / "hub.sqlite3")
        yield Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
            data_dir=tmp_path,
            key_encryption_key=decode_kek(TEST_KEK, "TEST_KEK"),
        )
        return
    url: str = request.getfixturevalue("postgres_template")
    try:
        yield Settings(
            database_url=url, data_dir=tmp_path, key_encryption_key=decode_kek(TEST_KEK, "TEST_KEK")
        )
    finally:
        asyncio.run(_truncate(url))


@pytest.fixture(params=["memory", "redis"])
async def cache_settings(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings whose cache is in-process, then Redis under a key prefix of this test's own."""
    base = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}")
    if request.param == "memory":
        yield base
        return
    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await redis.ping()
    except Exception as exc:  # a refused or timed-out connection both mean: no server
        await redis.aclose()
        unavailable(f"Redis not reachable at {REDIS_URL} ({exc})")
    prefix = f"hub-test:{uuid.uuid4().hex[:10]}:"
    try:
        yield replace(base, redis_url=REDIS_URL, cache_prefix=prefix)
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


FULL_ACCESS = "registry:read pii:read enforcement:read audit:read"
PURPOSE = "SYSTEM_TESTING"
"""The purpose of use the test clients state (a code of standards/codes/purpose_of_use.csv)."""
PURPOSES = "SYSTEM_TESTING,LAW_ENFORCEMENT"
"""The purposes test clients are registered for."""


class GraphQLClient:
    """Posts GraphQL documents to an app in-process, as one client, and decodes the answer."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> None:
        self.http = client
        self.headers = headers or {}

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """The raw HTTP response to one request."""
        body = {"query": query, "variables": variables}
        return await self.http.post("/graphql", json=body, headers=self.headers)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.post(query, variables)
        if response.status_code == 401 and "Authorization" not in self.headers:
            # Anonymous callers that reach protected data are challenged (RFC 6750 §3.1).
            assert response.headers["WWW-Authenticate"] == 'Bearer realm="hub"'
            codes = {error["extensions"]["code"] for error in response.json()["errors"]}
            assert "FORBIDDEN" in codes, response.text
        else:
            assert response.status_code == 200, response.text
        return response.json()

    async def as_client(
        self,
        scopes: str = FULL_ACCESS,
        *,
        region: str | None = None,
        tier: str = "internal",
        purpose: str | None = PURPOSE,
        trusted_documents_only: bool = False,
    ) -> GraphQLClient:
        """A client of the same app holding a fresh token of a newly registered client."""
        client_id, secret = await register_client(
            self.http, scopes, region=region, tier=tier, trusted=trusted_documents_only
        )
        token = await fetch_token(self.http, client_id, secret)
        headers = {"Authorization": f"Bearer {token}"}
        if purpose is not None:
            headers["X-Purpose-Of-Use"] = purpose
        return GraphQLClient(self.http, headers)


async def register_client(
    http: httpx.AsyncClient,
    scopes: str,
    *,
    region: str | None = None,
    tier: str = "partner",
    trusted: bool = False,
    jwks: dict[str, Any] | None = None,
    uscc: str | None = None,
    agency: str = "test_agency",
    purposes: str = PURPOSES,
) -> tuple[str, str | None]:
    """Register a client of ``agency`` in the app's database; returns (client_id, secret)."""
    from hub.auth import clients
    from hub.db import session_factory

    sessions = session_factory(http.app.state.engine)  # type: ignore[attr-defined]
    async with sessions() as session, session.begin():
        made = await clients.add(
            session,
            name="测试客户端",
            agency=agency,
            scopes=scopes,
            region=region,
            tier=tier,
            jwks=jwks,
            trusted_documents_only=trusted,
            uscc=uscc,
            purposes=purposes,
        )
    return made.row.client_id, made.secret


def bearer(client: TestClient, scopes: str, uscc: str | None = None) -> dict[str, str]:
    """The Authorization header of a new client with ``scopes`` (acting for ``uscc``), for an
    app run by a TestClient."""
    client_id, secret = client.portal.call(  # type: ignore[union-attr]
        partial(register_client, uscc=uscc), client, scopes
    )
    answer = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def fetch_token(http: httpx.AsyncClient, client_id: str, secret: str | None) -> str:
    """An access token by client_secret_basic."""
    response = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret or "")
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@asynccontextmanager
async def running(
    settings: Settings, adapters: Any = None, clock: Any = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An app on these settings, served in-process, with its lifespan running."""
    app = create_app(settings, adapters, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture
async def anonymous(settings: Settings) -> AsyncIterator[GraphQLClient]:
    """An anonymous (open-data) GraphQL client of a hub on each database backend."""
    async with running(settings) as client:
        yield GraphQLClient(client)


@pytest.fixture
async def graphql(anonymous: GraphQLClient) -> GraphQLClient:
    """A GraphQL client of the authority's own portal: every read scope, a stated purpose."""
    return await anonymous.as_client()


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[Any]:
    """Sessions on the test database, for arranging data before a request."""
    from hub.db import session_factory

    engine = create_engine(settings)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


def hub_command(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``hub ARGS`` in a process of its own on these settings' database, data dir and KEK."""
    environ = {
        "PATH": "/usr/bin:/bin",
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_DATA_DIR": str(settings.data_dir),
        **env,
    }
    if settings.key_encryption_key is not None and KEK_FILE_VARIABLE not in env:
        environ.setdefault(KEK_VARIABLE, base64.b64encode(settings.key_encryption_key).decode())
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
