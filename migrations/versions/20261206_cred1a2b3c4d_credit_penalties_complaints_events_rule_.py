"""credit: penalties, complaints, events, rule versions, grades, lists, objections, 12328 tickets

Revision ID: cred1a2b3c4d
Revises: enf1a2b3c4d5
Create Date: 2026-12-06 04:08:59.606521
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cred1a2b3c4d"
down_revision: str | None = "enf1a2b3c4d5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_commendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "source",
            sa.String(length=64),
            nullable=False,
            comment="来源系统或机构 / source system or agency",
        ),
        sa.Column(
            "source_record_id",
            sa.String(length=128),
            nullable=False,
            comment="来源记录标识 / record id at the source",
        ),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="接收时间 / when the hub received it",
        ),
        sa.Column(
            "verified_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="最近核验时间 / when it was last verified against the source",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_commendations")),
        sa.UniqueConstraint(
            "source",
            "source_record_id",
            name=op.f("uq_credit_commendations_source_source_record_id"),
        ),
    )
    with op.batch_alter_table("credit_commendations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_commendations_subject_key"), ["subject_key"], unique=False
        )

    op.create_table(
        "credit_complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("contact_name", sa.String(length=64), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column(
            "submitted_by",
            sa.String(length=128),
            nullable=False,
            comment="client id or anonymous:ip",
        ),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assign_due", sa.Date(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("handler", sa.String(length=200), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("substantiated", sa.Boolean(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_complaints")),
        sa.UniqueConstraint("reference", name=op.f("uq_credit_complaints_reference")),
    )
    with op.batch_alter_table("credit_complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_complaints_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_credit_complaints_subject_key"), ["subject_key"], unique=False
        )

    op.create_table(
        "credit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=23), nullable=False),
        sa.Column("source_kind", sa.String(length=40), nullable=False, comment="derivation source"),
        sa.Column(
            "source_record_id",
            sa.String(length=128),
            nullable=False,
            comment="row id at the source",
        ),
        sa.Column(
            "agency", sa.String(length=200), nullable=False, comment="agency or authority behind it"
        ),
        sa.Column("summary", sa.String(length=400), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracts_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["retracts_id"],
            ["credit_events.id"],
            name=op.f("fk_credit_events_retracts_id_credit_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_events")),
        sa.UniqueConstraint(
            "source_kind",
            "source_record_id",
            "subject_kind",
            "subject_key",
            "kind",
            name=op.f(
                "uq_credit_events_source_kind_source_record_id_subject_kind_subject_key_kind"
            ),
        ),
    )
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_events_subject_kind"),
            ["subject_kind", "subject_key"],
            unique=False,
        )

    op.create_table(
        "credit_list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_kind", sa.String(length=5), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("decision", sa.String(length=200), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("exit_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_list_entries")),
    )
    with op.batch_alter_table("credit_list_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_list_entries_subject_kind"),
            ["subject_kind", "subject_key"],
            unique=False,
        )

    op.create_table(
        "credit_penalties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_number", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("provision", sa.String(length=200), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("fine_yuan", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.String(length=64),
            nullable=False,
            comment="来源系统或机构 / source system or agency",
        ),
        sa.Column(
            "source_record_id",
            sa.String(length=128),
            nullable=False,
            comment="来源记录标识 / record id at the source",
        ),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="接收时间 / when the hub received it",
        ),
        sa.Column(
            "verified_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="最近核验时间 / when it was last verified against the source",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_penalties")),
        sa.UniqueConstraint("decision_number", name=op.f("uq_credit_penalties_decision_number")),
        sa.UniqueConstraint(
            "source", "source_record_id", name=op.f("uq_credit_penalties_source_source_record_id")
        ),
    )
    with op.batch_alter_table("credit_penalties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_penalties_subject_key"), ["subject_key"], unique=False
        )

    op.create_table(
        "credit_rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_set", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_rule_versions")),
        sa.UniqueConstraint(
            "rule_set", "digest", name=op.f("uq_credit_rule_versions_rule_set_digest")
        ),
    )
    op.create_table(
        "hotline_complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator_uscc", sa.String(length=40), nullable=True),
        sa.Column("plate", sa.String(length=40), nullable=True),
        sa.Column("plate_color", sa.String(length=1), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("handled_by", sa.String(length=200), nullable=False),
        sa.Column("substantiated", sa.Boolean(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column(
            "source",
            sa.String(length=64),
            nullable=False,
            comment="来源系统或机构 / source system or agency",
        ),
        sa.Column(
            "source_record_id",
            sa.String(length=128),
            nullable=False,
            comment="来源记录标识 / record id at the source",
        ),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="接收时间 / when the hub received it",
        ),
        sa.Column(
            "verified_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="最近核验时间 / when it was last verified against the source",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_complaints")),
        sa.UniqueConstraint(
            "source", "source_record_id", name=op.f("uq_hotline_complaints_source_source_record_id")
        ),
    )
    with op.batch_alter_table("hotline_complaints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hotline_complaints_operator_uscc"), ["operator_uscc"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hotline_complaints_plate"), ["plate", "plate_color"], unique=False
        )

    op.create_table(
        "credit_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("rule_version_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=8), nullable=False),
        sa.Column("deductions", sa.JSON(), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_version_id"],
            ["credit_rule_versions.id"],
            name=op.f("fk_credit_grades_rule_version_id_credit_rule_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_grades")),
        sa.UniqueConstraint(
            "subject_kind",
            "subject_key",
            "period",
            "rule_version_id",
            name=op.f("uq_credit_grades_subject_kind_subject_key_period_rule_version_id"),
        ),
    )
    op.create_table(
        "credit_list_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=8), nullable=False, comment="LISTED or REMOVED"),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["credit_list_entries.id"],
            name=op.f("fk_credit_list_changes_entry_id_credit_list_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_list_changes")),
    )
    with op.batch_alter_table("credit_list_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_list_changes_entry_id"), ["entry_id"], unique=False
        )

    op.create_table(
        "credit_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("filed_by", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("reviewer", sa.String(length=128), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["credit_list_entries.id"],
            name=op.f("fk_credit_objections_entry_id_credit_list_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["credit_events.id"],
            name=op.f("fk_credit_objections_event_id_credit_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_objections")),
    )
    with op.batch_alter_table("credit_objections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_objections_subject_key"), ["subject_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("credit_objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_objections_subject_key"))

    op.drop_table("credit_objections")
    with op.batch_alter_table("credit_list_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_list_changes_entry_id"))

    op.drop_table("credit_list_changes")
    op.drop_table("credit_grades")
    with op.batch_alter_table("hotline_complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_complaints_plate"))
        batch_op.drop_index(batch_op.f("ix_hotline_complaints_operator_uscc"))

    op.drop_table("hotline_complaints")
    op.drop_table("credit_rule_versions")
    with op.batch_alter_table("credit_penalties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_penalties_subject_key"))

    op.drop_table("credit_penalties")
    with op.batch_alter_table("credit_list_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_list_entries_subject_kind"))

    op.drop_table("credit_list_entries")
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_events_subject_kind"))

    op.drop_table("credit_events")
    with op.batch_alter_table("credit_complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_complaints_subject_key"))
        batch_op.drop_index(batch_op.f("ix_credit_complaints_status"))

    op.drop_table("credit_complaints")
    with op.batch_alter_table("credit_commendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_commendations_subject_key"))

    op.drop_table("credit_commendations")
