"""purposes of use: the ones a client is registered for, and the reference the audit records

Revision ID: 7d1c9a4e2b30
Revises: d4f1a9c27b60
Create Date: 2026-12-05 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d1c9a4e2b30"
down_revision: str | None = "d4f1a9c27b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Clients registered before purposes were: none registered, so none may be stated until
    # `hub clients add --purposes` registers the client again (the safe side).
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purposes", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose_reference", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("purpose_reference")
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.drop_column("purposes")
