"""bulk position intake: fixes partitioned by day, latest positions, refused lines

Revision ID: b7c1d2e3f4a5
Revises: 63e47341cb89
Create Date: 2026-12-05 12:10:00.000000

On PostgreSQL ``position_fixes`` is partitioned by range of ``observed_at`` (its partitions, one
per UTC day, are created by the intake as days arrive), and the PostGIS extension is created
when the server has it and the migrating role may (the geofence index is made by the intake
once it sees the extension). On SQLite it is a plain table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7c1d2e3f4a5"
down_revision: str | None = "63e47341cb89"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _location() -> list[sa.Column[object]]:
    return [
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("speed_kmh", sa.Double(), nullable=False),
        sa.Column(
            "direction", sa.Integer(), nullable=False, comment="方向 / degrees clockwise from north"
        ),
        sa.Column("altitude_m", sa.Integer(), nullable=False, comment="海拔 / metres"),
        sa.Column(
            "alarm_flags", sa.BigInteger(), nullable=False, comment="报警标志 / JT/T 809 alarm bits"
        ),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="接收时间 / when the hub received it",
        ),
    ]


def _postgis() -> None:
    bind = op.get_bind()
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
    ).scalar()
    if available is None:
        return
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except sa.exc.DBAPIError:
        savepoint.rollback()  # not ours to create: the grid answers instead
    else:
        savepoint.commit()


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "position_fixes",
        sa.Column("plate", sa.String(length=10), nullable=False),
        sa.Column("plate_color", sa.String(length=1), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        *_location(),
        sa.PrimaryKeyConstraint(
            "plate", "plate_color", "observed_at", name=op.f("pk_position_fixes")
        ),
        **({"postgresql_partition_by": "RANGE (observed_at)"} if postgres else {}),
    )
    op.create_table(
        "position_latest",
        sa.Column("plate", sa.String(length=10), nullable=False),
        sa.Column("plate_color", sa.String(length=1), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        *_location(),
        sa.PrimaryKeyConstraint("plate", "plate_color", name=op.f("pk_position_latest")),
    )
    op.create_table(
        "position_dead_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "intake", sa.String(length=40), nullable=False,
            comment="导入批次 / the stream or file import",
        ),
        sa.Column(
            "source", sa.String(length=64), nullable=False,
            comment="来源 / client agency or file name",
        ),
        sa.Column("line", sa.Integer(), nullable=False, comment="行号 / line number, from 1"),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "text", sa.String(length=600), nullable=False,
            comment="该行（截断）/ the line, cut short",
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_dead_letters")),
    )  # fmt: skip
    with op.batch_alter_table("position_dead_letters", schema=None) as batch_op:
        batch_op.create_index("ix_position_dead_letters_intake", ["intake", "line"], unique=False)
    if postgres:
        # Every batch rewrites most rows: room in each page keeps the updates HOT (in place).
        op.execute("ALTER TABLE position_latest SET (fillfactor = 50)")
        _postgis()


def downgrade() -> None:
    with op.batch_alter_table("position_dead_letters", schema=None) as batch_op:
        batch_op.drop_index("ix_position_dead_letters_intake")
    op.drop_table("position_dead_letters")
    op.drop_table("position_latest")
    op.drop_table("position_fixes")  # and its day partitions with it
