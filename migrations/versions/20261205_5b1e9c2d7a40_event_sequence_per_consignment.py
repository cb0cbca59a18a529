"""each consignment's events numbered in the order they were recorded

Revision ID: 5b1e9c2d7a40
Revises: 7d1c9a4e2b30
Create Date: 2026-12-05 12:30:00.000000

The number is the cursor of a resumable subscription (``after``). Events already stored are
numbered in the order they were stored (their ids).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e9c2d7a40"
down_revision: str | None = "7d1c9a4e2b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_event_sequence", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("consignment_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
    op.execute(
        """
        UPDATE consignment_events SET sequence = (
            SELECT COUNT(*) FROM consignment_events AS earlier
            WHERE earlier.consignment_id = consignment_events.consignment_id
            AND earlier.id <= consignment_events.id
        )
        """
    )
    op.execute(
        """
        UPDATE consignments SET last_event_sequence = (
            SELECT COUNT(*) FROM consignment_events
            WHERE consignment_events.consignment_id = consignments.id
        )
        """
    )
    with op.batch_alter_table("consignment_events", schema=None) as batch_op:
        batch_op.alter_column("sequence", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_consignment_events_consignment_id_sequence"),
            ["consignment_id", "sequence"],
        )


def downgrade() -> None:
    with op.batch_alter_table("consignment_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_consignment_events_consignment_id_sequence"), type_="unique"
        )
        batch_op.drop_column("sequence")
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.drop_column("last_event_sequence")
