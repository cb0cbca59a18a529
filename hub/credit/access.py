"""Which credit rows a reader may see.

An operator's credit (events, grades, list entries) is public: the credit of businesses is
published (信用信息公示), so every reader sees it, region-bound or not. A practitioner's is about
a person: a region-bound reader sees it only for practitioners of its region (and GraphQL asks
for pii:read and a purpose on top, per field). Complaints and objections are read by credit
staff only, through scope-guarded fields; their rows follow the subject's rule.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, exists, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from hub.canonical.codes import CreditSubjectKind
from hub.credit import models as m
from hub.practitioners.access import practitioner_rule
from hub.practitioners.models import Practitioner
from hub.readers import Reader

Rule = Callable[[Reader], ColumnElement[bool]]


def _of_subject(
    kind: InstrumentedAttribute[CreditSubjectKind], key: InstrumentedAttribute[str]
) -> Rule:
    def rule(reader: Reader) -> ColumnElement[bool]:
        if reader.region is None:
            return true()
        return or_(
            kind == CreditSubjectKind.OPERATOR,
            exists().where(Practitioner.id_number == key, practitioner_rule(reader)),
        )

    return rule


credit_event_rule = _of_subject(m.CreditEventRow.subject_kind, m.CreditEventRow.subject_key)
grade_rule = _of_subject(m.GradeRow.subject_kind, m.GradeRow.subject_key)
list_entry_rule = _of_subject(m.ListEntryRow.subject_kind, m.ListEntryRow.subject_key)
penalty_rule = _of_subject(m.PenaltyRow.subject_kind, m.PenaltyRow.subject_key)
commendation_rule = _of_subject(m.CommendationRow.subject_kind, m.CommendationRow.subject_key)
complaint_rule = _of_subject(m.ComplaintRow.subject_kind, m.ComplaintRow.subject_key)
objection_rule = _of_subject(m.ObjectionRow.subject_kind, m.ObjectionRow.subject_key)


RULES: dict[type, Rule] = {
    m.CreditEventRow: credit_event_rule,
    m.GradeRow: grade_rule,
    m.ListEntryRow: list_entry_rule,
    m.PenaltyRow: penalty_rule,
    m.CommendationRow: commendation_rule,
    m.ComplaintRow: complaint_rule,
    m.ObjectionRow: objection_rule,
}
"""The row rule of every credit record type that is about a subject."""
