"""partner access: OAuth clients, signing keys, region on every regional table

Revision ID: c2b3d4e5f6a7
Revises: b1a2c3d4e5f6
Create Date: 2026-11-25 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c2b3d4e5f6a7"
down_revision: str | None = "b1a2c3d4e5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Child tables get the region of their parent, so a region-bound client is filtered in SQL.
REGIONAL_CHILDREN = (
    ("permits", "operators", "operator_id"),
    ("vessel_certificates", "vessels", "vessel_id"),
    ("qualification_certificates", "practitioners", "practitioner_id"),
)


def upgrade() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=True),
        sa.Column("jwks", sa.JSON(), nullable=True),
        sa.Column("trusted_documents_only", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_clients_client_id")),
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
    )
    for table, parent, foreign_key in REGIONAL_CHILDREN:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("region_code", sa.String(length=6), nullable=True))
        # Rows loaded before this revision take their parent's region.
        op.execute(
            f"UPDATE {table} SET region_code = "
            f"(SELECT {parent}.region_code FROM {parent} WHERE {parent}.id = {table}.{foreign_key})"
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("region_code", existing_type=sa.String(length=6), nullable=False)
            batch.create_index(batch.f(f"ix_{table}_region_code"), ["region_code"], unique=False)


def downgrade() -> None:
    for table, _parent, _foreign_key in REGIONAL_CHILDREN:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_region_code"))
            batch.drop_column("region_code")
    op.drop_table("signing_keys")
    op.drop_table("oauth_clients")
