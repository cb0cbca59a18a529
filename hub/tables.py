"""Every table of the data center, gathered so that migrations see the whole metadata."""

from hub.agency_records import models as agency_records
from hub.agency_records.inbox import ExchangeMessage, FeedCursor
from hub.alerts.models import AlertRow, AlertVehicleState
from hub.audit.models import AuditEntry, AuditHead, AuditSubject
from hub.auth.models import OAuthClient, SigningKey
from hub.cargo.models import DangerousGoods
from hub.credit import models as credit
from hub.db import Base
from hub.enforcement import models as enforcement
from hub.lines.models import LineStop, PassengerLine
from hub.multimodal import models as multimodal
from hub.operators.models import Operator, Permit
from hub.positions.models import LatestPosition, PositionDeadLetter, PositionFix
from hub.practitioners.models import Practitioner, QualificationCertificate
from hub.stations.models import Station
from hub.vehicles.models import Vehicle
from hub.vessels.models import Vessel, VesselCertificate

metadata = Base.metadata

__all__ = [
    "AlertRow",
    "AlertVehicleState",
    "AuditEntry",
    "AuditHead",
    "AuditSubject",
    "DangerousGoods",
    "ExchangeMessage",
    "FeedCursor",
    "LatestPosition",
    "LineStop",
    "OAuthClient",
    "Operator",
    "PassengerLine",
    "Permit",
    "PositionDeadLetter",
    "PositionFix",
    "Practitioner",
    "QualificationCertificate",
    "SigningKey",
    "Station",
    "Vehicle",
    "Vessel",
    "VesselCertificate",
    "agency_records",
    "credit",
    "enforcement",
    "metadata",
    "multimodal",
]
