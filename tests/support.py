"""Builders of small, valid data-center records for tests that need exact values."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from hub.canonical import identifiers
from hub.canonical.codes import (
    LicenceStatus,
    OperatorStatus,
    PermitKind,
    PlateColor,
    VehicleType,
)
from hub.operators.models import Operator, Permit
from hub.vehicles.models import Vehicle

NOW = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
_serial = itertools.count(1)


def uscc_for(region: str, serial: int) -> str:
    """A valid unified social credit code of a company registered in ``region``."""
    body = f"91{region}{serial:08d}M"[:17]
    return body + stdnum_uscc.calc_check_digit(body)


def vin_for(serial: int) -> str:
    """A valid VIN with a Chinese manufacturer prefix."""
    raw = f"LZYTA{serial:03d}0N{serial:07d}"[:17]
    return raw[:8] + identifiers.vin_check_digit(raw) + raw[9:]


def provenance(prefix: str) -> dict[str, Any]:
    """Provenance columns with a unique source record id."""
    return {"source": "test", "source_record_id": f"{prefix}{next(_serial)}", "received_at": NOW}


def operator(serial: int, region: str = "320102", **overrides: Any) -> Operator:
    """An active freight operator."""
    values: dict[str, Any] = {
        "id": serial,
        "uscc": uscc_for(region, serial),
        "name": f"测试运输有限公司{serial}",
        "legal_representative": "张三",
        "region_code": region,
        "business_categories": ["RF"],
        "status": OperatorStatus.ACTIVE,
        **provenance("OP"),
    }
    return Operator(**(values | overrides))


def permit(serial: int, operator_id: int, **overrides: Any) -> Permit:
    """A valid general-freight permit."""
    values: dict[str, Any] = {
        "id": serial,
        "number": f"320102{serial:06d}",
        "kind": PermitKind.GENERAL_FREIGHT,
        "scope": "道路普通货物运输",
        "issuing_authority": "南京市交通运输局",
        "valid_from": dt.date(2024, 1, 1),
        "valid_to": dt.date(2030, 1, 1),
        "status": LicenceStatus.VALID,
        "operator_id": operator_id,
        "region_code": "320102",
        **provenance("PM"),
    }
    return Permit(**(values | overrides))


def vehicle(serial: int, operator_id: int, **overrides: Any) -> Vehicle:
    """A heavy truck with a valid road transport certificate."""
    values: dict[str, Any] = {
        "id": serial,
        "plate": f"苏A{serial:05d}",
        "plate_color": PlateColor.YELLOW,
        "vin": vin_for(serial),
        "vehicle_type": VehicleType.HEAVY_TRUCK,
        "seats": None,
        "tonnage": 30.0,
        "dangerous_goods": False,
        "region_code": "320102",
        "operator_id": operator_id,
        "line_id": None,
        "certificate_number": f"320102{serial:06d}",
        "certificate_valid_from": dt.date(2024, 1, 1),
        "certificate_valid_to": dt.date(2030, 1, 1),
        "certificate_status": LicenceStatus.VALID,
        "next_annual_review": dt.date(2030, 1, 1),
        "next_secondary_maintenance": dt.date(2030, 1, 1),
        **provenance("VH"),
    }
    return Vehicle(**(values | overrides))
