"""Which practitioners and qualifications a reader may see: its region's, when it is bound."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, true

from hub.filters import within
from hub.practitioners.models import Practitioner, QualificationCertificate
from hub.readers import Reader


def practitioner_rule(reader: Reader) -> ColumnElement[bool]:
    """Practitioners registered in the reader's region."""
    return within(Practitioner.region_code, reader)


def qualification_rule(reader: Reader) -> ColumnElement[bool]:
    """Qualification certificates of the practitioners the reader may see."""
    if reader.region is None:
        return true()
    return exists().where(
        Practitioner.id == QualificationCertificate.practitioner_id, practitioner_rule(reader)
    )
