"""The electronic case file (电子案卷): a case, its records, evidence digests and inspections
as one XML document valid against ``standards/enforcement/case-file-1.0.xsd``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codelists import STANDARDS_DIR
from hub.enforcement.cases import evidence_of, records_of
from hub.enforcement.inspections import items_of
from hub.enforcement.models import CaseRow, InspectionRow
from hub.operators.models import Operator

NAMESPACE = "urn:js-transport-hub:enforcement:case-file:1.0"
XSD_PATH: Path = STANDARDS_DIR / "enforcement" / "case-file-1.0.xsd"
MEDIA_TYPE = "application/xml"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _add(parent: etree._Element, name: str, text: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def _operator(parent: etree._Element, operator: Operator) -> None:
    element = _add(parent, "Operator")
    _add(element, "Uscc", operator.uscc)
    _add(element, "Name", operator.name)


def _officers(parent: etree._Element, name: str, badges: list[str]) -> None:
    element = _add(parent, name)
    for badge in badges:
        _add(element, "Officer", badge)


async def case_file(session: AsyncSession, case: CaseRow, now: dt.datetime) -> bytes:
    """The case file of ``case`` (whose visibility the caller checked), as UTF-8 XML bytes.

    Its inspections are those filed under the case and the follow-ups of those.
    """
    root = etree.Element(f"{{{NAMESPACE}}}CaseFile", nsmap={None: NAMESPACE}, version="1.0")
    _add(root, "ExportedAt", _stamp(now))
    inspections = list(
        (
            await session.scalars(
                select(InspectionRow)
                .where(
                    or_(
                        InspectionRow.case_id == case.id,
                        InspectionRow.follow_up_of_id.in_(
                            select(InspectionRow.id).where(InspectionRow.case_id == case.id)
                        ),
                    )
                )
                .order_by(InspectionRow.inspected_at, InspectionRow.id)
            )
        ).all()
    )
    operator_ids = {row.operator_id for row in inspections} | (
        {case.operator_id} if case.operator_id is not None else set()
    )
    operators = {
        row.id: row
        for row in (await session.scalars(select(Operator).where(Operator.id.in_(operator_ids))))
    }
    element = _add(root, "Case")
    _add(element, "Number", case.number)
    _add(element, "Title", case.title)
    _add(element, "RegionCode", case.region_code)
    _add(element, "OpenedAt", _stamp(case.opened_at))
    if case.operator_id is not None:
        _operator(element, operators[case.operator_id])
    if case.vehicle_plate is not None and case.vehicle_plate_color is not None:
        vehicle = _add(element, "Vehicle")
        _add(vehicle, "Plate", case.vehicle_plate)
        _add(vehicle, "PlateColor", case.vehicle_plate_color.value)
    records = await records_of(session, [case.id])
    files = await evidence_of(session, [record.id for record in records])
    for record in records:
        element = _add(root, "OnSiteRecord")
        element.set("id", str(record.id))
        _add(element, "RecordedAt", _stamp(record.recorded_at))
        _add(element, "Place", record.place)
        _officers(element, "Officers", record.officers)
        _add(element, "Findings", record.findings)
        for file in (f for f in files if f.record_id == record.id):
            evidence = _add(element, "EvidenceFile")
            _add(evidence, "Sha256", file.sha256)
            _add(evidence, "MediaType", file.media_type)
            _add(evidence, "Size", file.size)
            _add(evidence, "FileName", file.file_name)
            _add(evidence, "UploadedAt", _stamp(file.uploaded_at))
    items = await items_of(session, [row.id for row in inspections])
    for inspection in inspections:
        element = _add(root, "Inspection")
        element.set("id", str(inspection.id))
        _add(element, "Kind", inspection.kind.value)
        _add(element, "InspectedAt", _stamp(inspection.inspected_at))
        _operator(element, operators[inspection.operator_id])
        _officers(element, "Inspectors", inspection.inspectors)
        _add(element, "Result", inspection.result.value)
        if inspection.rectification_deadline is not None:
            _add(element, "RectificationDeadline", inspection.rectification_deadline.isoformat())
        if inspection.follow_up_of_id is not None:
            _add(element, "FollowUpOf", inspection.follow_up_of_id)
        for item in (i for i in items if i.inspection_id == inspection.id):
            entry = _add(element, "Item")
            _add(entry, "Code", item.item_code)
            _add(entry, "Result", item.result.value)
            if item.hazard is not None:
                _add(entry, "Hazard", item.hazard)
            if item.closed_at is not None:
                _add(entry, "RectifiedAt", _stamp(item.closed_at))
                _add(entry, "RectifiedByInspection", item.closed_by_id)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
