"""Signing keys: a rotation reaches every worker without a restart, the JWKS publishes what can
still be valid, and the private keys are stored only sealed with the key-encryption key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import Connection

from hub.auth.keys import CHECK_SECONDS, KeyStore, opened, rotate
from hub.auth.models import SigningKey
from hub.config import KEK_VARIABLE, Settings, decode_kek
from hub.db import create_engine
from hub.errors import ConfigError
from hub.migrate import alembic_config, upgrade
from hub.sealing import GENERATED_NAME, SealError, key_encryption_key, new_secret
from tests.audit.test_verify_cli import append_requests
from tests.clock import ManualClock
from tests.conftest import fetch_token, hub_command, register_client, running

QUERY = {"query": "{ vehicles(first: 1) { totalCount } }"}
BEFORE_SEALING = "63e47341cb89"
NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


async def kids(http: httpx.AsyncClient) -> list[str]:
    """The ``kid`` of every key the JWKS publishes, in its order."""
    response = await http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert all("d" not in key for key in response.json()["keys"]), "private parts published"
    return [key["kid"] for key in response.json()["keys"]]


def kid_of(token: str, published: dict[str, Any]) -> str:
    """The ``kid`` a token was signed with, checked against a published JWKS."""
    return str(jwt.decode(token, KeySet.import_key_set(published)).header["kid"])


@pytest.fixture
def shared(settings: Settings, cache_settings: Settings) -> Settings:
    """A database backend together with a cache backend (in-process or Redis)."""
    return replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


async def test_a_rotation_by_the_cli_reaches_another_worker_without_a_restart(
    shared: Settings,
) -> None:
    settings = shared
    # Two workers on one database, each with its own clock that moves only when told.
    first_clock, second_clock = ManualClock(), ManualClock()
    async with (
        running(settings, clock=first_clock) as first,
        running(settings, clock=second_clock) as second,
    ):
        client_id, secret = await register_client(first, "registry:read")
        old_token = await fetch_token(second, client_id, secret)
        [old_kid] = await kids(second)

        rotated = hub_command(settings, "keys", "rotate")
        new_kid = rotated.stdout.split("signed with key ")[1].split()[0]
        within_the_second = await fetch_token(second, client_id, secret)
        second_clock.advance(CHECK_SECONDS)
        new_token = await fetch_token(second, client_id, secret)
        published = (await second.get("/.well-known/jwks.json")).json()
        # The first worker has not looked since: the new kid makes it look at once.
        on_the_first = await first.post(
            "/graphql", json=QUERY, headers={"Authorization": f"Bearer {new_token}"}
        )
        old_still_works = await first.post(
            "/graphql", json=QUERY, headers={"Authorization": f"Bearer {old_token}"}
        )
        first_kids = await kids(first)

    assert rotated.returncode == 0, rotated.stderr
    assert new_kid != old_kid
    assert kid_of(within_the_second, published) == old_kid  # at most CHECK_SECONDS stale
    assert kid_of(new_token, published) == new_kid
    assert [key["kid"] for key in published["keys"]] == [new_kid, old_kid]
    assert on_the_first.status_code == 200, on_the_first.text
    assert old_still_works.status_code == 200, old_still_works.text
    assert first_kids == [new_kid, old_kid]


async def test_the_jwks_drops_a_retired_key_once_its_last_token_has_expired(
    settings: Settings, sessions: Any
) -> None:
    wall = [NOW]
    kek = key_encryption_key(settings)
    store = KeyStore(sessions, 600, kek, clock=ManualClock(), now=lambda: wall[0])
    await store.ensure_active()
    [old] = store.jwks()["keys"]  # type: ignore[misc]
    wall[0] += dt.timedelta(days=30)
    async with sessions() as session, session.begin():
        new_kid = await rotate(session, kek, now=wall[0])
    await store.check()
    last_expiry = store.published_until(wall[0])

    wall[0] = last_expiry - dt.timedelta(seconds=1)
    await store.current()
    before = [key.kid for key in store.public_keys().keys]
    wall[0] = last_expiry
    await store.current()
    after = [key.kid for key in store.public_keys().keys]

    # The last token of the old key: signed up to CHECK_SECONDS after the rotation, valid 600 s.
    assert last_expiry >= NOW + dt.timedelta(days=30, seconds=CHECK_SECONDS + 600)
    assert before == [new_kid, old["kid"]]
    assert after == [new_kid]


async def test_no_private_key_material_is_stored_in_the_database(settings: Settings) -> None:
    async with running(settings) as http:
        [private] = [key.as_dict(private=True) for key in http.app.state.keys.signing_keys().keys]  # type: ignore[attr-defined]
        engine = create_engine(settings)
        try:
            async with engine.connect() as connection:
                rows = (await connection.execute(text("SELECT * FROM signing_keys"))).all()
        finally:
            await engine.dispose()

    secrets_b64 = [private[name] for name in ("d", "p", "q", "dp", "dq", "qi")]
    secrets_raw = [base64.urlsafe_b64decode(value + "==") for value in secrets_b64]
    stored = [value for row in rows for value in row]
    # Only the text columns: random ciphertext bytes rendered as text can spell '"d"' by chance.
    as_text = " ".join(value for value in stored if isinstance(value, str))
    as_bytes = b"".join(value for value in stored if isinstance(value, bytes | memoryview))
    assert len(rows) == 1
    assert not any(value in as_text for value in secrets_b64)
    assert not any(value in bytes(as_bytes) for value in secrets_raw)
    assert '"d"' not in as_text


async def test_a_wrong_key_encryption_key_is_a_clear_startup_error(settings: Settings) -> None:
    async with running(settings):
        pass  # the hub made its signing key under the configured KEK
    other = replace(settings, key_encryption_key=decode_kek(new_secret(), KEK_VARIABLE))

    with pytest.raises(SealError) as refused:
        async with running(other):
            pass

    message = refused.value.message
    assert "was sealed with key-encryption key" in message
    assert f"but {KEK_VARIABLE} holds key" in message
    assert key_encryption_key(settings).fingerprint in message


async def test_hub_serve_names_a_wrong_or_missing_key_encryption_key(settings: Settings) -> None:
    async with running(settings):
        pass  # the hub made its signing key under the configured KEK

    wrong = hub_command(settings, "serve", "--port", "1", HUB_KEY_ENCRYPTION_KEY=new_secret())
    missing = hub_command(settings, "serve", "--port", "1", HUB_KEY_ENCRYPTION_KEY="")

    # The error is the last line of stderr: migration logging may come before it.
    wrong_error = wrong.stderr.splitlines()[-1]
    missing_error = missing.stderr.splitlines()[-1]
    assert wrong.returncode == missing.returncode == 2
    assert wrong_error.startswith("hub: error: signing key hub-"), wrong.stderr
    assert "but HUB_KEY_ENCRYPTION_KEY holds key" in wrong_error
    if settings.is_sqlite:  # the generated key file is another KEK than the one in use
        assert "but the generated key file (set HUB_KEY_ENCRYPTION_KEY" in missing_error
    else:
        assert missing_error.startswith(
            "hub: error: HUB_KEY_ENCRYPTION_KEY (or HUB_KEY_ENCRYPTION_KEY_FILE) is required"
        ), missing.stderr


async def test_postgresql_without_a_key_encryption_key_does_not_start(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("the embedded SQLite default generates its KEK (see the next test)")
    missing = replace(settings, key_encryption_key=None)

    with pytest.raises(ConfigError) as refused:
        async with running(missing):
            pass

    assert refused.value.message.startswith(
        "HUB_KEY_ENCRYPTION_KEY (or HUB_KEY_ENCRYPTION_KEY_FILE) is required on PostgreSQL"
    )


def test_the_sqlite_default_generates_its_key_file_once(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}", data_dir=tmp_path)

    first, again = key_encryption_key(settings), key_encryption_key(settings)

    path = tmp_path / GENERATED_NAME
    assert first.fingerprint == again.fingerprint
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert decode_kek(path.read_text(), "file") == first.secret


def test_a_key_file_is_read_and_a_bad_one_named(tmp_path: Path) -> None:
    good, bad = tmp_path / "kek", tmp_path / "short"
    good.write_text(new_secret() + "\n")
    bad.write_text(base64.b64encode(b"x" * 16).decode())
    postgres = "postgresql+asyncpg://hub@db/hub"

    read = key_encryption_key(
        Settings.from_env({"HUB_DATABASE_URL": postgres, "HUB_KEY_ENCRYPTION_KEY_FILE": str(good)})
    )
    with pytest.raises(ConfigError) as refused:
        key_encryption_key(
            Settings.from_env(
                {"HUB_DATABASE_URL": postgres, "HUB_KEY_ENCRYPTION_KEY_FILE": str(bad)}
            )
        )

    assert read.secret == decode_kek(good.read_text(), "file")
    assert refused.value.message == (
        f"HUB_KEY_ENCRYPTION_KEY_FILE ({bad}): a key of 16 bytes; AES-256 needs 32 "
        "(`hub keys new-kek`)"
    )


async def test_rewrap_moves_the_keys_to_a_new_key_encryption_key(
    settings: Settings, sessions: Any, tmp_path: Path
) -> None:
    async with running(settings) as http:
        [kid] = await kids(http)
        await append_requests(sessions, 2)  # checkpointed as the hub stops
    old_file = tmp_path / "old-kek"
    old_file.write_text(base64.b64encode(settings.key_encryption_key or b"").decode())
    new = new_secret()

    rewrapped = hub_command(
        settings, "keys", "rewrap", "--old-key-file", str(old_file), HUB_KEY_ENCRYPTION_KEY=new
    )
    again = hub_command(
        settings, "keys", "rewrap", "--old-key-file", str(old_file), HUB_KEY_ENCRYPTION_KEY=new
    )
    verified = hub_command(settings, "audit", "verify", HUB_KEY_ENCRYPTION_KEY=new)
    moved = replace(settings, key_encryption_key=decode_kek(new, KEK_VARIABLE))
    async with running(moved) as http:
        after = await kids(http)
    with pytest.raises(SealError):
        async with running(settings):
            pass

    assert rewrapped.returncode == 0, rewrapped.stderr
    assert rewrapped.stdout.startswith("hub: 1 signing key(s) re-encrypted under key-encryption")
    assert again.stdout.startswith("hub: 0 signing key(s) re-encrypted"), again.stderr
    assert "     1 audit checkpoint(s) re-signed" in rewrapped.stdout
    assert verified.returncode == 0, verified.stderr  # the checkpoints hold under the new KEK
    assert after == [kid]  # the same key signs: nothing had to be rotated


async def test_an_upgrade_keeps_only_the_public_half_of_keys_stored_in_clear(
    settings: Settings,
) -> None:
    clear = RSAKey.generate_key(2048, parameters={"kid": "hub-old", "alg": "RS256"}, private=True)
    engine = create_engine(settings)

    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE_SEALING)
        keys = MetaData()
        keys.reflect(connection, only=["signing_keys"])
        row = {"kid": "hub-old", "private_jwk": clear.as_dict(private=True), "created_at": NOW}
        connection.execute(keys.tables["signing_keys"].insert(), [row])

    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
        await upgrade(engine)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT * FROM signing_keys"))).mappings().all()
    finally:
        await engine.dispose()
    async with running(settings) as http:
        published = await kids(http)

    [row] = rows
    assert "private_jwk" not in row
    assert row["sealed_private"] is None
    assert row["retired_at"] is not None  # it cannot sign without its private half
    public = (
        row["public_jwk"] if isinstance(row["public_jwk"], dict) else json.loads(row["public_jwk"])
    )
    assert public == clear.as_dict(private=False)
    assert published[1:] == ["hub-old"]  # still verifies what it signed; a new key signs


def forged_public_key(kid: str) -> dict[str, Any]:
    """The public half of a key someone with write access to the database made."""
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256"}, private=True)
    return dict(key.as_dict(private=False))


async def test_signing_key_rows_edited_or_inserted_in_the_database_are_neither_used_nor_published(
    settings: Settings, sessions: Any
) -> None:
    kek = key_encryption_key(settings)
    async with running(settings) as http:
        [retired] = await kids(http)
    async with sessions() as session, session.begin():
        active = await rotate(session, kek)
    async with sessions() as session, session.begin():
        old = await session.get(SigningKey, retired)
        new = await session.get(SigningKey, active)
        assert old is not None
        assert new is not None
        # Each with a genuine seal copied from another row, as no one without the KEK can seal:
        session.add_all([
            SigningKey(kid="hub-forged", public_jwk=forged_public_key("hub-forged"),
                       sealed_private=old.sealed_private, sealed_by=old.sealed_by,
                       created_at=old.created_at, retired_at=old.retired_at),
            SigningKey(kid="hub-forged-active", public_jwk=forged_public_key("hub-forged-active"),
                       sealed_private=new.sealed_private, sealed_by=new.sealed_by,
                       created_at=new.created_at + dt.timedelta(days=1)),
        ])  # fmt: skip
        assert old.retired_at is not None
        old.retired_at += dt.timedelta(days=30)  # published a month longer

    async with running(settings) as http:
        published = await kids(http)
        client_id, secret = await register_client(http, "registry:read")
        token = await fetch_token(http, client_id, secret)
        jwks = (await http.get("/.well-known/jwks.json")).json()

    assert published == [active]
    assert kid_of(token, jwks) == active


async def test_keys_sealed_before_rows_were_authenticated_keep_working_once_upgraded(
    settings: Settings, sessions: Any
) -> None:
    kek = key_encryption_key(settings)
    async with running(settings) as http:
        [kid] = await kids(http)
    async with sessions() as session, session.begin():
        row = await session.get(SigningKey, kid)
        assert row is not None
        private = opened(row, kek)
        assert private
        # As the previous version stored them: the seal bound to the kid alone, and a retired
        # key (made from one stored in clear) with its public half only.
        row.sealed_private = kek.seal(private, f"signing key {kid}")
        session.add(
            SigningKey(kid="hub-legacy", public_jwk=forged_public_key("hub-legacy"),
                       created_at=NOW, retired_at=dt.datetime.now(dt.UTC))
        )  # fmt: skip

    async with running(settings) as http:
        upgraded = await kids(http)
        client_id, secret = await register_client(http, "registry:read")
        token = await fetch_token(http, client_id, secret)
        jwks = (await http.get("/.well-known/jwks.json")).json()
    async with sessions() as session, session.begin():
        session.add(
            SigningKey(kid="hub-inserted", public_jwk=forged_public_key("hub-inserted"),
                       created_at=NOW, retired_at=dt.datetime.now(dt.UTC))
        )  # fmt: skip
    async with running(settings) as http:
        later = await kids(http)
    async with sessions() as session:
        stored = (await session.scalars(select(SigningKey.kid).order_by(SigningKey.kid))).all()

    assert upgraded == [kid, "hub-legacy"]  # the same key signs; the retired one verifies
    assert kid_of(token, jwks) == kid
    assert later == [kid, "hub-legacy"]  # after the upgrade, an unsealed row is no key
    assert set(stored) == {"hub-inserted", "hub-legacy", kid}
