"""The scopes the hub grants, and what each lets a client do."""

from __future__ import annotations

import re

AGENCIES = (
    "public_security", "safety", "commerce", "insurance", "rail", "maritime", "positioning",
    "hotline",
)  # fmt: skip

REGISTRY_READ = "registry:read"
"""Read the industry data center (non-personal fields)."""
PII_READ = "pii:read"
"""Read personal data — only with a stated purpose of use, and every read is audited."""
ENFORCEMENT_READ = "enforcement:read"
"""Read enforcement cases and dangerous-goods details of consignments on the road."""
TRACKING_READ = "tracking:read"
"""Read vehicles' positions and tracks; following one vehicle also needs a stated purpose."""
ENFORCEMENT_WRITE = "enforcement:write"
"""Officers' apps (运政通): acknowledge and close alerts; record inspections, cases, on-site
records and evidence, and make random draws — within their region."""
OPEN_DATA = "opendata"
"""The open-data API: de-identified values only."""
CONSIGNMENT_WRITE = "consignment:write"
"""Forwarders, carriers and terminals: book consignments and report on them."""
CONSIGNMENT_IMPORT = "consignment:import"
"""Trusted systems only: import whole consignments with their events, sources as recorded."""
AUDIT_READ = "audit:read"
"""Oversight: who read a person's data, when and why."""
CREDIT_REVIEW = "credit:review"
"""Credit staff: handle complaints, decide objections, run and read the credit lists."""
CREDIT_OBJECT = "credit:object"
"""An operator's own client (registered for its credit code): object to its credit records."""
METRICS_READ = "metrics:read"
"""Operations: scrape ``/metrics`` (counts and timings, no personal data)."""

SCOPES: dict[str, str] = {
    REGISTRY_READ: "读取行业数据中心（非个人信息）/ read the data center, non-personal fields",
    PII_READ: "读取个人信息，须声明使用目的并留痕 / read personal data: stated purpose, audited",
    ENFORCEMENT_READ: "读取执法信息 / read enforcement information",
    TRACKING_READ: "读取车辆位置与轨迹，跟踪单车须声明使用目的并留痕 / read vehicle positions "
    "and tracks: following one vehicle needs a stated purpose, audited",
    ENFORCEMENT_WRITE: "处置告警，记录检查、案件、现场笔录和证据，双随机抽取 / "
    "acknowledge and close alerts; record inspections, cases, on-site records and evidence; "
    "make random draws",
    OPEN_DATA: "开放数据（脱敏）/ open data, de-identified",
    AUDIT_READ: "查询个人信息访问记录 / read the personal-data access log",
    METRICS_READ: "读取运行指标 / scrape the operational metrics (/metrics)",
    CONSIGNMENT_WRITE: "登记和报送多式联运运单 / book consignments and report their events",
    CONSIGNMENT_IMPORT: "导入整单及其事件（可信系统）/ import whole consignments (trusted systems)",
    CREDIT_REVIEW: "办理投诉、复核信用异议、管理信用名单 / handle complaints, review objections, "
    "manage the credit lists",
    CREDIT_OBJECT: "对本单位的信用记录提出异议 / object to one's own credit records",
    **{
        f"exchange:{agency}:write": f"向本平台报送 {agency} 数据 / push {agency} documents"
        for agency in AGENCIES
    },
}
"""Every scope with its bilingual meaning, as published in the server metadata."""

_SCOPE = re.compile(r"^[a-z_:]+$")


def parse_scopes(text: str) -> list[str]:
    """Space- or comma-separated scopes, each checked to be one the hub knows."""
    scopes = [scope for scope in re.split(r"[\s,]+", text.strip()) if scope]
    unknown = [scope for scope in scopes if scope not in SCOPES or not _SCOPE.match(scope)]
    if unknown:
        raise ValueError(f"unknown scopes {unknown}; known: {sorted(SCOPES)}")
    return sorted(set(scopes))


def scopes_table() -> str:
    """Every scope and its meaning, as the README's Markdown table (held to it by a test)."""
    lines = ["| scope | lets a client |", "|---|---|"]
    lines += [f"| `{scope}` | {meaning} |" for scope, meaning in SCOPES.items()]
    return "\n".join(lines) + "\n"
