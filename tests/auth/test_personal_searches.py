"""Looking up, searching or filtering by personal data is a read of personal data.

A registry:read client once counted the practitioners named 丁东 and confirmed ID numbers with
``practitioner(idNumber:)``, without pii:read or a purpose: the answer to a search confirms
the data searched for. Every such argument is declared ``@personalData`` in the schema; the
policy refuses it without pii:read and a purpose, and the audit records it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from hub.audit.models import AuditEntry
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load

TODAY = dt.date(2026, 11, 25)
SEARCH = '{ practitioners(filter: { search: "丁" }) { totalCount } }'
NESTED = (
    '{ operators(first: 5) { edges { node { employees(filter: { search: "丁" }) '
    "{ totalCount } } } } }"
)
LOOKUP = "query ($n: String!) { practitioner(idNumber: $n) { id } }"


async def _entries(sessions: Any) -> list[AuditEntry]:
    async with sessions() as session:
        return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all())


async def _someone(graphql: Any, sessions: Any) -> str:
    await load(sessions, generate(DemoScale.times(0.02), today=TODAY))
    answer = await graphql("{ practitioners(first: 1) { edges { node { idNumber } } } }")
    number: str = answer["data"]["practitioners"]["edges"][0]["node"]["idNumber"]
    return number


async def test_searching_by_name_or_looking_up_by_id_number_needs_pii_read(
    graphql: Any, anonymous: Any, sessions: Any
) -> None:
    number = await _someone(graphql, sessions)
    registry = await anonymous.as_client("registry:read", purpose=None)

    search = await registry(SEARCH)
    nested = await registry(NESTED)
    lookup = await registry(LOOKUP, {"n": number})

    assert search["data"] == {"practitioners": None}
    assert search["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert search["errors"][0]["message"] == (
        "practitioners: looking up or filtering by personal data (filter.search) "
        "needs scope pii:read"
    )
    assert {e["extensions"]["code"] for e in nested["errors"]} == {"FORBIDDEN"}
    assert all(edge["node"]["employees"] is None for edge in nested["data"]["operators"]["edges"])
    assert lookup["data"] == {"practitioner": None}
    assert lookup["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # not NOT_FOUND: no answer
    assert lookup["errors"][0]["message"] == (
        "practitioner: looking up or filtering by personal data (idNumber) needs scope pii:read"
    )


async def test_searching_by_personal_data_needs_a_stated_purpose(
    graphql: Any, anonymous: Any, sessions: Any
) -> None:
    number = await _someone(graphql, sessions)
    no_purpose = await anonymous.as_client("registry:read pii:read", purpose=None)

    search = await no_purpose(SEARCH)
    lookup = await no_purpose(LOOKUP, {"n": number})

    for answer in (search, lookup):
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert answer["errors"][0]["message"].endswith(
            "needs a stated purpose of use (the X-Purpose-Of-Use header)"
        )


async def test_a_search_by_personal_data_is_audited_released_or_refused(
    graphql: Any, anonymous: Any, sessions: Any
) -> None:
    number = await _someone(graphql, sessions)
    registry = await anonymous.as_client("registry:read", purpose=None)
    before = len(await _entries(sessions))

    released = await graphql(SEARCH)
    found = await graphql(LOOKUP, {"n": number})
    await registry(SEARCH)

    assert "errors" not in released
    assert "errors" not in found
    searched, looked_up, refused = (await _entries(sessions))[before:]
    assert (searched.outcome, searched.purpose) == ("ok", "SYSTEM_TESTING")
    assert looked_up.outcome == "ok"
    assert looked_up.variables == {"n": number}
    assert refused.outcome == "denied"
    assert refused.purpose is None


async def test_filters_that_are_not_personal_data_need_no_pii_read(
    graphql: Any, anonymous: Any, sessions: Any
) -> None:
    await _someone(graphql, sessions)
    registry = await anonymous.as_client("registry:read", purpose=None)
    before = len(await _entries(sessions))

    answer = await registry('{ practitioners(filter: { region: "320500" }) { totalCount } }')

    assert "errors" not in answer
    assert answer["data"]["practitioners"]["totalCount"] > 0
    assert len(await _entries(sessions)) == before


def _decoded(cursor: str) -> list[Any]:
    padded = cursor + "=" * (-len(cursor) % 4)
    value: list[Any] = json.loads(base64.urlsafe_b64decode(padded))
    return value


async def test_cursors_of_a_list_ordered_by_name_carry_no_names(
    graphql: Any, anonymous: Any, sessions: Any
) -> None:
    """Practitioners are ordered by name: their cursors once held the names, in base64."""
    await _someone(graphql, sessions)
    registry = await anonymous.as_client("registry:read", purpose=None)
    page = (
        "query ($a: String) { practitioners(first: 5, after: $a) { edges { cursor node { id } } } }"
    )
    names = await graphql("{ practitioners(first: 10) { edges { node { id name } } } }")

    first = (await registry(page))["data"]["practitioners"]["edges"]
    second = (await registry(page, {"a": first[-1]["cursor"]}))["data"]["practitioners"]["edges"]
    forged = base64.urlsafe_b64encode(json.dumps(["NAME:asc", "丁", 0]).encode()).decode()
    probe = await registry(page, {"a": forged})

    everyone = [edge["node"] for edge in names["data"]["practitioners"]["edges"]]
    assert [e["node"]["id"] for e in first + second] == [p["id"] for p in everyone]
    assert all(_decoded(edge["cursor"])[1] is None for edge in first + second)
    assert probe["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


ACCESS_LOG = "query ($n: String!) { accessLog(subjectIdNumber: $n) { clientId outcome } }"


async def test_searching_the_access_log_by_id_number_is_a_personal_data_read(
    graphql: Any, anonymous: Any, sessions: Any
) -> None:
    number = await _someone(graphql, sessions)
    await graphql(LOOKUP, {"n": number})  # someone read the person: the log has an answer
    without_pii = await anonymous.as_client("audit:read", purpose=None)
    without_purpose = await anonymous.as_client("audit:read pii:read", purpose=None)
    oversight = await anonymous.as_client("audit:read pii:read")
    before = len(await _entries(sessions))

    refused = await without_pii(ACCESS_LOG, {"n": number})
    unstated = await without_purpose(ACCESS_LOG, {"n": number})
    released = await oversight(ACCESS_LOG, {"n": number})

    assert refused["data"] is None or refused["data"]["accessLog"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["message"] == (
        "accessLog: looking up or filtering by personal data (subjectIdNumber) needs scope pii:read"
    )
    assert unstated["errors"][0]["message"].endswith(
        "needs a stated purpose of use (the X-Purpose-Of-Use header)"
    )
    assert "errors" not in released, released
    assert [read["outcome"] for read in released["data"]["accessLog"]] == ["ok"]
    searches = (await _entries(sessions))[before:]
    assert [(entry.outcome, entry.purpose) for entry in searches] == [
        ("denied", None),
        ("denied", None),
        ("ok", "SYSTEM_TESTING"),
    ]
    assert searches[-1].variables == {"n": number}
