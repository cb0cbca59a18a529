"""enforcement: inspections, cases, on-site records, evidence, officers, draws

Revision ID: enf1a2b3c4d5
Revises: al3e7a9c51b0
Create Date: 2026-12-06 03:48:49
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "enf1a2b3c4d5"
down_revision: str | None = "al3e7a9c51b0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enforcement_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("badge_number", sa.String(length=20), nullable=False, comment="执法证号"),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_officers")),
        sa.UniqueConstraint("badge_number", name=op.f("uq_enforcement_officers_badge_number")),
    )
    with op.batch_alter_table("enforcement_officers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enforcement_officers_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "inspection_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("category", sa.String(length=4), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("operator_count", sa.Integer(), nullable=False),
        sa.Column("officers_per_operator", sa.Integer(), nullable=False),
        sa.Column("pool", sa.JSON(), nullable=False),
        sa.Column("drawn", sa.JSON(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_draws")),
    )
    with op.batch_alter_table("inspection_draws", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_draws_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "enforcement_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False, comment="案号"),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("vehicle_plate", sa.String(length=16), nullable=True),
        sa.Column("vehicle_plate_color", sa.String(length=1), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_enforcement_cases_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_enforcement_cases_number")),
    )
    with op.batch_alter_table("enforcement_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enforcement_cases_operator_id"), ["operator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enforcement_cases_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("result", sa.String(length=1), nullable=False),
        sa.Column("rectification_deadline", sa.Date(), nullable=True),
        sa.Column("follow_up_of_id", sa.Integer(), nullable=True),
        sa.Column("draw_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_cases.id"],
            name=op.f("fk_inspections_case_id_enforcement_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            ["inspection_draws.id"],
            name=op.f("fk_inspections_draw_id_inspection_draws"),
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_of_id"],
            ["inspections.id"],
            name=op.f("fk_inspections_follow_up_of_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_inspections_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspections_follow_up_of_id"), ["follow_up_of_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspections_inspected_at"), ["inspected_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspections_operator_id"), ["operator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspections_region_code"), ["region_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspections_result"), ["result"], unique=False)

    op.create_table(
        "onsite_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("officers", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_cases.id"],
            name=op.f("fk_onsite_records_case_id_enforcement_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onsite_records")),
    )
    with op.batch_alter_table("onsite_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onsite_records_case_id"), ["case_id"], unique=False)

    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["onsite_records.id"],
            name=op.f("fk_evidence_files_record_id_onsite_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
        sa.UniqueConstraint("record_id", "sha256", name=op.f("uq_evidence_files_record_id_sha256")),
    )
    with op.batch_alter_table("evidence_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_files_record_id"), ["record_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_files_sha256"), ["sha256"], unique=False)

    op.create_table(
        "inspection_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=8), nullable=False),
        sa.Column("result", sa.String(length=1), nullable=False),
        sa.Column("hazard", sa.Text(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_items_closed_by_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_items_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_items")),
        sa.UniqueConstraint(
            "inspection_id", "item_code", name=op.f("uq_inspection_items_inspection_id_item_code")
        ),
    )
    with op.batch_alter_table("inspection_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_items_inspection_id"), ["inspection_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inspection_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_items_inspection_id"))

    op.drop_table("inspection_items")
    with op.batch_alter_table("evidence_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_files_record_id"))

    op.drop_table("evidence_files")
    with op.batch_alter_table("onsite_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onsite_records_case_id"))

    op.drop_table("onsite_records")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_result"))
        batch_op.drop_index(batch_op.f("ix_inspections_region_code"))
        batch_op.drop_index(batch_op.f("ix_inspections_operator_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_inspected_at"))
        batch_op.drop_index(batch_op.f("ix_inspections_follow_up_of_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_case_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("enforcement_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enforcement_cases_region_code"))
        batch_op.drop_index(batch_op.f("ix_enforcement_cases_operator_id"))

    op.drop_table("enforcement_cases")
    with op.batch_alter_table("inspection_draws", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_draws_region_code"))

    op.drop_table("inspection_draws")
    with op.batch_alter_table("enforcement_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enforcement_officers_region_code"))

    op.drop_table("enforcement_officers")
