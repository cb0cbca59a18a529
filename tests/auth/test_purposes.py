"""Purposes of use: a code of the published list, stated only by clients registered for it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from hub.audit.models import AuditEntry
from hub.auth.models import OAuthClient
from hub.auth.purposes import InvalidPurpose, Purpose, parse_purpose, parse_registration
from hub.canonical.codelists import CODES_DIR
from hub.cli import main
from tests.conftest import fetch_token, register_client

PERSON = "{ practitioners(first: 1) { edges { node { idNumber } } } }"
REFERENCE = quote("苏公交决字[2026]12号")


def test_the_code_list_is_published_bilingual_with_the_authoritys_purposes() -> None:
    with (CODES_DIR / "purpose_of_use.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["zh"]: row for row in csv.DictReader(handle)}

    assert {"执法检查", "行政许可", "事故调查", "信用评价", "投诉处理"} <= set(rows)
    assert rows["事故调查"]["code"] == "ACCIDENT_INVESTIGATION"
    assert rows["事故调查"]["en"] == "Accident investigation"


def test_a_purpose_is_a_code_optionally_with_a_percent_encoded_reference() -> None:
    assert parse_purpose("ACCIDENT_INVESTIGATION") == Purpose("ACCIDENT_INVESTIGATION")
    assert parse_purpose(f" LAW_ENFORCEMENT ; {REFERENCE} ") == Purpose(
        "LAW_ENFORCEMENT", "苏公交决字[2026]12号"
    )


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("LAW_ENFORCEMENT;%E6%89", "not percent-encoded UTF-8"),
        ("LAW_ENFORCEMENT;%ZZ", "'%' not followed by two hex digits"),
        ("%E6%89%A7%E6%B3%95", "is not a purpose of use"),
        ("执法检查".encode().decode("latin-1"), "percent-encode"),
        ("CURIOSITY", "'CURIOSITY' is not a purpose of use"),
        ("LAW_ENFORCEMENT;", "nothing follows ';'"),
        ("LAW_ENFORCEMENT;" + "x" * 101, "over 100"),
        ("LAW_ENFORCEMENT;a%0Ab", "control characters"),
    ],
)
def test_a_malformed_or_unknown_purpose_is_refused_naming_the_problem(
    header: str, problem: str
) -> None:
    with pytest.raises(InvalidPurpose, match="X-Purpose-Of-Use") as refused:
        parse_purpose(header)
    assert problem in str(refused.value)


def test_a_client_is_registered_with_codes_of_the_list() -> None:
    assert parse_registration("LAW_ENFORCEMENT, CREDIT_EVALUATION,LAW_ENFORCEMENT") == (
        "LAW_ENFORCEMENT",
        "CREDIT_EVALUATION",
    )
    with pytest.raises(InvalidPurpose, match="purposes: 'NOSY' is not a purpose of use"):
        parse_registration("LAW_ENFORCEMENT,NOSY")


async def _client(anonymous: Any, purposes: str) -> dict[str, str]:
    http = anonymous.http
    client_id, secret = await register_client(http, "registry:read pii:read", purposes=purposes)
    return {"Authorization": f"Bearer {await fetch_token(http, client_id, secret)}"}


async def _entries(sessions: Any) -> list[AuditEntry]:
    async with sessions() as session:
        return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all())


async def test_a_bad_purpose_header_is_a_400_json_error_never_released_nor_audited(
    anonymous: Any, sessions: Any
) -> None:
    http = anonymous.http
    headers = await _client(anonymous, "LAW_ENFORCEMENT")
    cases = {
        "LAW_ENFORCEMENT;%E6%89": "not percent-encoded UTF-8",
        "%E6%89": "is not a purpose of use",
        "GOSSIP": "'GOSSIP' is not a purpose of use",
        "CREDIT_EVALUATION": "not registered for purpose CREDIT_EVALUATION "
        "(registered: LAW_ENFORCEMENT)",
    }

    for header, problem in cases.items():
        response = await http.post(
            "/graphql", json={"query": PERSON}, headers=headers | {"X-Purpose-Of-Use": header}
        )
        assert response.status_code == 400, header
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST", header
        assert problem in error["message"], (header, error["message"])
        assert "data" not in response.json()
    anonymous_purpose = await http.post(
        "/graphql", json={"query": PERSON}, headers={"X-Purpose-Of-Use": "LAW_ENFORCEMENT"}
    )

    assert anonymous_purpose.status_code == 400
    assert "anonymous callers state no purpose" in anonymous_purpose.json()["errors"][0]["message"]
    assert await _entries(sessions) == []


async def test_the_audit_records_the_purposes_code_and_reference(
    anonymous: Any, sessions: Any
) -> None:
    http = anonymous.http
    headers = await _client(anonymous, "LAW_ENFORCEMENT,ACCIDENT_INVESTIGATION")
    query = '{ practitioners(filter: { search: "丁" }) { totalCount } }'

    response = await http.post(
        "/graphql",
        json={"query": query},
        headers=headers | {"X-Purpose-Of-Use": f"ACCIDENT_INVESTIGATION;{REFERENCE}"},
    )

    assert response.status_code == 200, response.text
    [entry] = await _entries(sessions)
    assert entry.purpose == "ACCIDENT_INVESTIGATION"
    assert entry.purpose_reference == "苏公交决字[2026]12号"


def test_hub_clients_add_stores_the_purposes_and_refuses_unknown_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")
    assert main(["migrate"]) == 0
    add = ["clients", "add", "--name", "交警", "--agency", "public_security", "--scopes",
           "registry:read pii:read"]  # fmt: skip

    assert main([*add, "--purposes", "LAW_ENFORCEMENT,ACCIDENT_INVESTIGATION"]) == 0
    assert main([*add, "--purposes", "LAW_ENFORCEMENT,WHATEVER"]) != 0
    capsys.readouterr()
    assert main(["clients", "list"]) == 0

    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1
    assert "LAW_ENFORCEMENT,ACCIDENT_INVESTIGATION" in listed[0]


async def test_purposes_are_stored_with_the_client(anonymous: Any, sessions: Any) -> None:
    http = anonymous.http
    client_id, _ = await register_client(http, "registry:read", purposes="OVERSIGHT_AUDIT")

    async with sessions() as session:
        row = await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))

    assert row is not None
    assert row.purposes == ["OVERSIGHT_AUDIT"]
