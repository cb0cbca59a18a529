"""The differential harness: one request answered by the resolver executor (the oracle) and
by the read planner, compared as JSON with key order and number spelling kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from hub.api.plan.planner import Planner


def canonical(text: str) -> Any:
    """JSON text as nested pairs: key order, duplicate keys and number literals all count."""
    return json.loads(
        text,
        object_pairs_hook=lambda pairs: ("object", [list(pair) for pair in pairs]),
        parse_float=lambda raw: ("float", raw),
        parse_int=lambda raw: ("int", raw),
    )


@dataclass
class Compared:
    oracle: httpx.Response
    planned: httpx.Response
    answered_by_planner: bool


async def compare(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    query: str,
    variables: dict[str, Any] | None = None,
) -> Compared:
    """The oracle's and the planner's answers to one request."""
    planner: Planner = http.app.state.planner  # type: ignore[attr-defined]
    body = {"query": query, "variables": variables}
    planner.enabled = False
    try:
        oracle = await http.post("/graphql", json=body, headers=headers)
    finally:
        planner.enabled = True
    before = planner.answered
    planned = await http.post("/graphql", json=body, headers=headers)
    assert planner.failures == 0, "a planned statement failed (see the log)"
    return Compared(oracle, planned, planner.answered > before)


def assert_same(compared: Compared, what: str) -> None:
    """Status, challenge and body alike."""
    oracle, planned = compared.oracle, compared.planned
    assert planned.status_code == oracle.status_code, what
    assert planned.headers.get("www-authenticate") == oracle.headers.get("www-authenticate"), what
    assert canonical(planned.text) == canonical(oracle.text), (
        f"{what}\noracle:  {oracle.text[:2000]}\nplanner: {planned.text[:2000]}"
    )
