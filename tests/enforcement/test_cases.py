"""Cases, on-site records and their evidence: the multipart upload (413 / 415, nothing stored),
the download by hash, and the electronic case file valid against its XSD (xmlschema and
xmllint)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from lxml import etree
from sqlalchemy import func, select

from hub.config import Settings
from hub.enforcement.casefile import NAMESPACE, XSD_PATH
from hub.enforcement.models import EvidenceFileRow
from tests.conftest import GraphQLClient, running
from tests.enforcement.arrange import NANJING, SCOPES, XUZHOU, arrange, checklist

JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 8
)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048
LIMIT = 16 * 1024
CASE = "徐交执〔2026〕0001号"


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[GraphQLClient]:
    """A hub whose evidence files may be at most 16 KiB."""
    small = dataclasses.replace(settings, evidence_max_bytes=LIMIT)
    async with running(small) as client:
        yield GraphQLClient(client)


def _now(minus_hours: int = 0) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=minus_hours)).isoformat()


async def _record(officer: GraphQLClient, uscc: str) -> int:
    opened = await officer(
        """mutation ($c: EnforcementCaseInput!) { openEnforcementCase(case: $c) {
             number region { code } operator { uscc } } }""",
        {"c": {"number": CASE, "title": "未按规定进行二级维护", "operatorUscc": uscc,
               "vehiclePlate": "苏C12345", "vehiclePlateColor": "YELLOW"}},
    )  # fmt: skip
    assert opened["data"]["openEnforcementCase"]["region"] == {"code": "320302"}, opened
    recorded = await officer(
        """mutation ($r: OnSiteRecordInput!) { recordOnSite(record: $r) { recordId place } }""",
        {"r": {"caseNumber": CASE, "recordedAt": _now(2), "place": "徐州市鼓楼区某停车场",
               "officers": ["JS0301", "JS0302"], "findings": "车辆二级维护记录缺失。"}},
    )  # fmt: skip
    return int(recorded["data"]["recordOnSite"]["recordId"])


def xmllint(path: Path) -> subprocess.CompletedProcess[str]:
    """``xmllint --schema`` of the case-file XSD on a document (libxml2's own validator)."""
    command = shutil.which("xmllint")
    assert command is not None, "xmllint is missing: apt-get install libxml2-utils"
    return subprocess.run(
        [command, "--noout", "--schema", str(XSD_PATH), str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def _files(root: Path) -> list[Path]:
    return [p for p in (root / "evidence").rglob("*") if p.is_file()] if root.exists() else []


async def _upload(
    officer: GraphQLClient, record: int, content: bytes, name: str, declared: str
) -> Any:
    return await officer.http.post(
        f"/enforcement/records/{record}/evidence",
        files={"file": (name, content, declared)},
        headers=officer.headers,
    )


async def test_evidence_is_stored_by_its_hash_and_refused_whole_when_too_big_or_not_media(
    hub: GraphQLClient, sessions: Any, settings: Settings
) -> None:
    codes = await arrange(sessions)
    officer = await hub.as_client(SCOPES, region=XUZHOU)
    record = await _record(officer, codes["op1"])

    photo = await _upload(officer, record, JPEG, "现场照片.jpg", "image/jpeg")
    video = await _upload(officer, record, MP4, "clip.mp4", "video/mp4")

    assert photo.status_code == 201, photo.text
    assert photo.json()["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert photo.json()["mediaType"] == "image/jpeg"
    assert photo.json()["fileName"] == "现场照片.jpg"
    assert video.json()["mediaType"] == "video/mp4"
    stored = _files(settings.data_dir)
    assert sorted(p.name for p in stored) == sorted(
        [hashlib.sha256(JPEG).hexdigest(), hashlib.sha256(MP4).hexdigest()]
    )
    again = await _upload(officer, record, JPEG, "again.jpg", "image/jpeg")
    assert again.json()["sha256"] == photo.json()["sha256"]  # one file, one row

    download = await officer.http.get(
        f"/enforcement/evidence/{photo.json()['sha256']}", headers=officer.headers
    )
    assert download.status_code == 200
    assert download.content == JPEG
    assert download.headers["content-type"] == "image/jpeg"

    refused = [
        (JPEG * 8, "big.jpg", "image/jpeg", 413, "larger than the limit of 16384 bytes"),
        (JPEG * 40, "huge.jpg", "image/jpeg", 413, "larger than the limit of 16384 bytes"),
        (b"plain text, not a photo" * 4, "a.jpg", "image/jpeg", 415, "not a photo or video"),
        (JPEG, "a.txt", "text/plain", 415, "declared text/plain"),
        (b"\xff\xd8", "short.jpg", "image/jpeg", 415, "not a photo or video"),
    ]
    for content, name, declared, status, message in refused:
        answer = await _upload(officer, record, content, name, declared)
        assert answer.status_code == status, (name, answer.text)
        assert message in answer.json()["message"], (message, answer.text)
    raw = await officer.http.post(
        f"/enforcement/records/{record}/evidence",
        content=JPEG,
        headers=officer.headers | {"Content-Type": "image/jpeg"},
    )
    assert raw.status_code == 415
    assert "multipart/form-data" in raw.json()["message"]

    # nothing of the refused files was kept, on disk or in the case
    assert len(_files(settings.data_dir)) == 2
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(EvidenceFileRow)) == 2


async def test_uploads_need_the_scope_and_a_record_of_the_clients_region(
    hub: GraphQLClient, sessions: Any, settings: Settings
) -> None:
    codes = await arrange(sessions)
    officer = await hub.as_client(SCOPES, region=XUZHOU)
    record = await _record(officer, codes["op1"])
    nanjing = await hub.as_client(SCOPES, region=NANJING)
    reader = await hub.as_client("registry:read enforcement:read", region=XUZHOU)

    elsewhere = await _upload(nanjing, record, JPEG, "a.jpg", "image/jpeg")
    unscoped = await _upload(reader, record, JPEG, "a.jpg", "image/jpeg")
    anonymous = await hub.http.post(
        f"/enforcement/records/{record}/evidence", files={"file": ("a.jpg", JPEG, "image/jpeg")}
    )

    assert elsewhere.status_code == 404
    assert unscoped.status_code == 403
    assert "enforcement:write" in unscoped.json()["message"]
    assert anonymous.status_code == 401
    assert _files(settings.data_dir) == []
    export = await nanjing.http.get(f"/enforcement/cases/{CASE}/case-file", headers=nanjing.headers)
    assert export.status_code == 404


async def test_the_case_file_lists_records_evidence_hashes_and_inspections_and_is_valid(
    hub: GraphQLClient, sessions: Any, tmp_path: Path
) -> None:
    codes = await arrange(sessions)
    officer = await hub.as_client(SCOPES, region=XUZHOU)
    record = await _record(officer, codes["op1"])
    await _upload(officer, record, JPEG, "现场照片.jpg", "image/jpeg")
    deadline = (dt.date.today() + dt.timedelta(days=15)).isoformat()
    inspected = await officer(
        """mutation ($i: InspectionInput!) { recordInspection(inspection: $i) {
             id case { number } } }""",
        {"i": {"operatorUscc": codes["op1"], "inspectedAt": _now(1), "caseNumber": CASE,
               "inspectors": ["JS0301", "JS0303"], "rectificationDeadline": deadline,
               "items": checklist({"SI06": "二级维护记录缺失"})}},
    )  # fmt: skip
    assert inspected["data"]["recordInspection"]["case"] == {"number": CASE}
    elsewhere = await officer(
        "mutation ($i: InspectionInput!) { recordInspection(inspection: $i) { id } }",
        {"i": {"operatorUscc": codes["op2"], "inspectedAt": _now(1), "caseNumber": CASE,
               "inspectors": ["JS0301", "JS0303"], "items": checklist()}},
    )  # fmt: skip
    assert (
        "caseNumber: the case is not one of the operator's region"
        in (elsewhere["errors"][0]["message"])
    )
    await officer(
        "mutation ($f: FollowUpInput!) { recordFollowUp(followUp: $f) { id } }",
        {"f": {"inspectionId": inspected["data"]["recordInspection"]["id"],
               "inspectedAt": _now(0), "inspectors": ["JS0301", "JS0302"],
               "items": [{"code": "SI06", "result": "PASS"}]}},
    )  # fmt: skip

    answer = await officer.http.get(f"/enforcement/cases/{CASE}/case-file", headers=officer.headers)

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    path = tmp_path / "case-file.xml"
    path.write_bytes(answer.content)
    xmlschema.XMLSchema(str(XSD_PATH)).validate(str(path))
    checked = xmllint(path)
    assert checked.returncode == 0, checked.stderr
    ns = {"c": NAMESPACE}
    root = etree.fromstring(answer.content)
    assert root.findtext("c:Case/c:Number", namespaces=ns) == CASE
    assert root.findtext("c:Case/c:Operator/c:Uscc", namespaces=ns) == codes["op1"]
    assert root.findtext("c:OnSiteRecord/c:EvidenceFile/c:Sha256", namespaces=ns) == (
        hashlib.sha256(JPEG).hexdigest()
    )
    inspections = root.findall("c:Inspection", namespaces=ns)
    assert [i.findtext("c:Kind", namespaces=ns) for i in inspections] == ["R", "F"]
    hazard = inspections[0].find("c:Item[c:Code='SI06']", namespaces=ns)
    assert hazard is not None
    assert hazard.findtext("c:Hazard", namespaces=ns) == "二级维护记录缺失"
    assert hazard.findtext("c:RectifiedByInspection", namespaces=ns) == inspections[1].get("id")

    # and a broken one is not valid: the XSD holds digests to their form
    broken = answer.content.replace(hashlib.sha256(JPEG).hexdigest().encode(), b"not-a-hash")
    path.write_bytes(broken)
    assert not xmlschema.XMLSchema(str(XSD_PATH)).is_valid(str(path))
    refused = xmllint(path)
    assert refused.returncode != 0
