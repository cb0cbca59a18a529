"""position findings (fixes that cannot be true) and the latest positions indexed by place

Revision ID: pos1f1d0a7e5
Revises: 7b1d2e3f4a5c
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "pos1f1d0a7e5"
down_revision: str | None = "7b1d2e3f4a5c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "position_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=10), nullable=False),
        sa.Column("plate_color", sa.String(length=1), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("speed_kmh", sa.Double(), nullable=False),
        sa.Column(
            "reason", sa.String(length=20), nullable=False, comment="原因 / future, before_2000, …"
        ),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column(
            "source", sa.String(length=64), nullable=False,
            comment="来源 / client agency or file name",
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_findings")),
    )  # fmt: skip
    op.create_index("ix_position_findings_vehicle", "position_findings", ["plate", "plate_color"])
    op.create_index("ix_position_findings_received_at", "position_findings", ["received_at"])
    op.create_index("ix_position_latest_latitude", "position_latest", ["latitude", "longitude"])


def downgrade() -> None:
    op.drop_index("ix_position_latest_latitude", table_name="position_latest")
    op.drop_index("ix_position_findings_received_at", table_name="position_findings")
    op.drop_index("ix_position_findings_vehicle", table_name="position_findings")
    op.drop_table("position_findings")
