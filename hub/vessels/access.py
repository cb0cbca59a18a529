"""Which vessels and vessel certificates a reader may see: its region's, when it is bound."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, true

from hub.filters import within
from hub.readers import Reader
from hub.vessels.models import Vessel, VesselCertificate


def vessel_rule(reader: Reader) -> ColumnElement[bool]:
    """Vessels registered in the reader's region."""
    return within(Vessel.region_code, reader)


def vessel_certificate_rule(reader: Reader) -> ColumnElement[bool]:
    """Certificates of the vessels the reader may see."""
    if reader.region is None:
        return true()
    return exists().where(Vessel.id == VesselCertificate.vessel_id, vessel_rule(reader))
