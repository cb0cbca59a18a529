"""sealed signing keys; audit tables refuse TRUNCATE, runtime role hub_runtime and its grants

Signing keys: the private half is no longer stored in clear. Rows written before keep only
their public half and are retired (they go on verifying the tokens they signed until those
expire); the hub makes a new, sealed key when it next starts (it has the key-encryption key,
this migration does not). Downgrading deletes the signing keys: a new one is made at start.

PostgreSQL: TRUNCATE of the audit tables is refused like UPDATE and DELETE, and the migration
creates the group role ``hub_runtime`` (NOLOGIN) with what a serving hub needs: every table but
the audit tables in full; on ``audit_log`` and ``audit_subjects`` only SELECT and INSERT, on
``audit_head`` SELECT, INSERT and UPDATE. The hub's login role is made a member of it and owns
nothing, so it cannot disable the audit triggers either (that takes the owner).

Revision ID: d4f1a9c27b60
Revises: b7c1d2e3f4a5
Create Date: 2026-12-05 12:30:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4f1a9c27b60"
down_revision: str | None = "b7c1d2e3f4a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNTIME_ROLE = "hub_runtime"
AUDIT_TABLES = ("audit_log", "audit_subjects", "audit_head")
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth")


def upgrade() -> None:
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_jwk", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("sealed_private", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("sealed_by", sa.String(length=16), nullable=True))
    keys = sa.table(
        "signing_keys",
        sa.column("kid", sa.String()),
        sa.column("private_jwk", sa.JSON()),
        sa.column("public_jwk", sa.JSON()),
        sa.column("retired_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    for kid, private, retired_at in connection.execute(
        sa.select(keys.c.kid, keys.c.private_jwk, keys.c.retired_at)
    ).all():
        public = {name: value for name, value in private.items() if name not in PRIVATE_MEMBERS}
        connection.execute(
            keys.update()
            .where(keys.c.kid == kid)
            .values(public_jwk=public, retired_at=retired_at or now)
        )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.alter_column("public_jwk", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("private_jwk")

    if connection.dialect.name == "postgresql":
        for table in AUDIT_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
            )
        _grant_runtime_role()


def _grant_runtime_role() -> None:
    op.execute(
        f"""
        DO $$
        BEGIN
            CREATE ROLE {RUNTIME_ROLE} NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL;  -- made by another database
            WHEN insufficient_privilege THEN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME_ROLE}') THEN
                    RAISE EXCEPTION 'cannot create role {RUNTIME_ROLE}: run CREATE ROLE '
                        '{RUNTIME_ROLE} NOLOGIN as a role that may, then migrate again';
                END IF;
        END
        $$
        """
    )
    op.execute(
        f"""
        DO $$
        DECLARE schema_name text := current_schema();
        BEGIN
            EXECUTE format('GRANT USAGE ON SCHEMA %I TO {RUNTIME_ROLE}', schema_name);
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I '
                           'TO {RUNTIME_ROLE}', schema_name);
            EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I '
                           'TO {RUNTIME_ROLE}', schema_name);
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, '
                           'DELETE ON TABLES TO {RUNTIME_ROLE}', schema_name);
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE '
                           'ON SEQUENCES TO {RUNTIME_ROLE}', schema_name);
        END
        $$
        """
    )
    # Appending is all the hub does to its audit log; the schema version is the migrator's.
    op.execute(f"REVOKE UPDATE, DELETE ON audit_log, audit_subjects FROM {RUNTIME_ROLE}")
    op.execute(f"REVOKE DELETE ON audit_head FROM {RUNTIME_ROLE}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {RUNTIME_ROLE}")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(
            f"""
            DO $$
            DECLARE schema_name text := current_schema();
            BEGIN
                EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON TABLES '
                               'FROM {RUNTIME_ROLE}', schema_name);
                EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON SEQUENCES '
                               'FROM {RUNTIME_ROLE}', schema_name);
                EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM {RUNTIME_ROLE}',
                               schema_name);
                EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM {RUNTIME_ROLE}',
                               schema_name);
                EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {RUNTIME_ROLE}', schema_name);
            END
            $$
            """
        )
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")

    op.execute("DELETE FROM signing_keys")
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("private_jwk", sa.JSON(), nullable=False))
        batch_op.drop_column("sealed_by")
        batch_op.drop_column("sealed_private")
        batch_op.drop_column("public_jwk")
