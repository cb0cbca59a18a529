"""The demo's enforcement records: officers of every city, a random draw per city, the
inspections of the operators drawn (one clean, one with hazards, partly closed by a follow-up),
and a case with an on-site record and a photo as evidence.

Generated after the registry from a random source of its own, so the registry's rows stay
what they were; the draws are made with :func:`hub.enforcement.draws.draw` itself, so each
reproduces from its recorded seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from typing import Any

from hub.canonical.codes import (
    INSPECTION_ITEMS,
    REGIONS,
    BusinessCategory,
    InspectionItemResult,
    InspectionKind,
    InspectionResult,
    OperatorStatus,
)
from hub.enforcement.draws import draw

Row = dict[str, Any]

TABLES = (
    "enforcement_officers", "inspection_draws", "enforcement_cases", "inspections",
    "inspection_items", "onsite_records", "evidence_files",
)  # fmt: skip
"""The enforcement tables, in foreign-key order."""

DEMO_CLIENT = "demo"
CATEGORIES = tuple(category.value for category in BusinessCategory)
"""What a city's transport enforcement officers inspect: road and waterway alike."""
OFFICERS_PER_CITY = 4
# The smallest baseline-free JPEG there is (a 1x1 grey pixel, arithmetic coded): the demo's
# photo evidence, stored under its SHA-256 by `hub demo`.
DEMO_PHOTO = bytes.fromhex(
    "ffd8ffe000104a46494600010101004800480000ffdb004300030202020203020202030303030406040404"
    "04040806060506090809090a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c1213121013"
    "0f101010ffc9000b080001000101011100ffcc000600101005ffda0008010100003f00d2cf20ffd9"
)
DEMO_PHOTO_SHA256 = hashlib.sha256(DEMO_PHOTO).hexdigest()
HAZARDS = {
    "SI06": ("二级维护记录缺失 2 车次", "3 months of secondary maintenance records missing"),
    "SI07": ("1 辆车卫星定位终端离线超过 7 日", "one vehicle's terminal offline for 7 days"),
}


def generate(
    tables: dict[str, list[Row]], seed: int, today: dt.date, person: Callable[[bool], str]
) -> dict[str, list[Row]]:
    """The enforcement rows over the generated registry ``tables``."""
    rng = random.Random(f"enforcement-{seed}")
    midnight = dt.datetime.combine(today, dt.time(), dt.UTC)
    rows: dict[str, list[Row]] = {name: [] for name in TABLES}
    cities = sorted(code for code in REGIONS if code.endswith("00") and code != "320000")
    for city in cities:
        for n in range(1, OFFICERS_PER_CITY + 1):
            rows["enforcement_officers"].append({
                "id": len(rows["enforcement_officers"]) + 1,
                "badge_number": f"JS{city[2:4]}{n:04d}",
                "name": person(rng.random() < 0.8),
                "region_code": city,
                "categories": list(CATEGORIES),
            })  # fmt: skip
    for city in cities:
        _city(rows, tables["operators"], city, rng, midnight)
    return rows


def _city(
    rows: dict[str, list[Row]],
    operators: list[Row],
    city: str,
    rng: random.Random,
    midnight: dt.datetime,
) -> None:
    """A draw over the city in its commonest business category, the inspections of those it
    drew, and a case about the last one drawn."""
    active = [
        row
        for row in operators
        if row["region_code"].startswith(city[:4]) and row["status"] is OperatorStatus.ACTIVE
    ]
    pools = {
        code: sorted(row["uscc"] for row in active if code in row["business_categories"])
        for code in CATEGORIES
    }
    category = max(CATEGORIES, key=lambda code: len(pools[code]))
    candidates = pools[category]
    if not candidates:
        return
    officers = sorted(
        row["badge_number"] for row in rows["enforcement_officers"] if row["region_code"] == city
    )
    seed = rng.getrandbits(63)
    count = min(2, len(candidates))
    drawn = draw(candidates, officers, count, 2, seed)
    draw_id = len(rows["inspection_draws"]) + 1
    drawn_at = midnight - dt.timedelta(days=40)
    rows["inspection_draws"].append({
        "id": draw_id, "region_code": city, "category": category, "seed": seed,
        "operator_count": count, "officers_per_operator": 2,
        "pool": {"operators": candidates, "officers": officers}, "drawn": drawn,
        "drawn_at": drawn_at, "drawn_by": DEMO_CLIENT,
    })  # fmt: skip
    by_uscc = {row["uscc"]: row for row in operators}
    for n, entry in enumerate(drawn):
        operator = by_uscc[entry["uscc"]]
        hazards = HAZARDS if n == len(drawn) - 1 else {}  # the last one drawn has hazards
        inspected_at = drawn_at + dt.timedelta(days=7 + n, hours=2)
        case_id = None
        if hazards:
            case_id = _case(rows, city, operator, entry["officers"], inspected_at)
        inspection_id = _inspection(
            rows,
            operator,
            entry["officers"],
            inspected_at,
            hazards,
            kind=InspectionKind.RANDOM_DRAW,
            draw_id=draw_id,
            case_id=case_id,
        )
        if hazards:
            # a follow-up finds the maintenance records in order, the terminal still offline
            follow_up_at = inspected_at + dt.timedelta(days=20)
            follow_up = _inspection(
                rows, operator, entry["officers"], follow_up_at, {"SI07": HAZARDS["SI07"]},
                kind=InspectionKind.FOLLOW_UP, follow_up_of=inspection_id, case_id=case_id,
                items=["SI06", "SI07"],
            )  # fmt: skip
            for item in rows["inspection_items"]:
                if item["inspection_id"] == inspection_id and item["item_code"] == "SI06":
                    item["closed_by_id"] = follow_up
                    item["closed_at"] = follow_up_at


def _case(
    rows: dict[str, list[Row]], city: str, operator: Row, officers: list[str], at: dt.datetime
) -> int:
    case_id = len(rows["enforcement_cases"]) + 1
    name = REGIONS[city][0].removesuffix("市")
    rows["enforcement_cases"].append({
        "id": case_id, "number": f"{name}交执〔{at.year}〕{case_id:04d}号",
        "title": "未按规定进行车辆二级维护和动态监控", "region_code": operator["region_code"],
        "operator_id": operator["id"], "vehicle_plate": None, "vehicle_plate_color": None,
        "opened_at": at, "opened_by": DEMO_CLIENT,
    })  # fmt: skip
    record_id = len(rows["onsite_records"]) + 1
    rows["onsite_records"].append({
        "id": record_id, "case_id": case_id, "recorded_at": at + dt.timedelta(minutes=30),
        "place": f"{operator['name']}停车场", "officers": officers,
        "findings": "抽查 5 辆营运车辆，2 辆二级维护记录缺失，1 辆卫星定位终端离线。",
        "recorded_by": DEMO_CLIENT,
    })  # fmt: skip
    rows["evidence_files"].append({
        "id": len(rows["evidence_files"]) + 1, "record_id": record_id,
        "sha256": DEMO_PHOTO_SHA256, "media_type": "image/jpeg", "size": len(DEMO_PHOTO),
        "file_name": "现场照片-1.jpg", "uploaded_at": at + dt.timedelta(minutes=40),
        "uploaded_by": DEMO_CLIENT,
    })  # fmt: skip
    return case_id


def _inspection(
    rows: dict[str, list[Row]],
    operator: Row,
    officers: list[str],
    at: dt.datetime,
    hazards: dict[str, tuple[str, str]],
    *,
    kind: InspectionKind,
    draw_id: int | None = None,
    follow_up_of: int | None = None,
    case_id: int | None = None,
    items: list[str] | None = None,
) -> int:
    inspection_id = len(rows["inspections"]) + 1
    rows["inspections"].append({
        "id": inspection_id, "kind": kind, "operator_id": operator["id"],
        "region_code": operator["region_code"], "inspected_at": at, "inspectors": officers,
        "result": InspectionResult.HAZARDS_FOUND if hazards else InspectionResult.PASSED,
        "rectification_deadline": (at + dt.timedelta(days=15)).date() if hazards else None,
        "follow_up_of_id": follow_up_of, "draw_id": draw_id, "case_id": case_id,
        "remarks": None, "recorded_by": DEMO_CLIENT, "recorded_at": at + dt.timedelta(hours=1),
    })  # fmt: skip
    for code in items or list(INSPECTION_ITEMS):
        failed = code in hazards
        rows["inspection_items"].append({
            "id": len(rows["inspection_items"]) + 1, "inspection_id": inspection_id,
            "item_code": code,
            "result": InspectionItemResult.FAIL if failed else InspectionItemResult.PASS,
            "hazard": hazards[code][0] if failed else None, "closed_by_id": None,
            "closed_at": None,
        })  # fmt: skip
    return inspection_id
