"""open data: self-registered clients' contact, accepted terms and source address

Revision ID: 7b1d2e3f4a5c
Revises: 5b1e9c2d7a40
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b1d2e3f4a5c"
down_revision: str | None = "5b1e9c2d7a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contacts", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("terms_accepted", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("registered_from", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.drop_column("registered_from")
        batch_op.drop_column("terms_accepted")
        batch_op.drop_column("contacts")
