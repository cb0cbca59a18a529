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
    expected, got = canonical(oracle.text), canonical(planned.text)
    assert got == expected, f"{what}\n{_difference(expected, got)}"


def _difference(expected: Any, got: Any, path: str = "") -> str:
    """Where two canonical answers first differ, and how."""
    if isinstance(expected, tuple) and isinstance(got, tuple) and expected[0] == got[0] == "object":
        for (key, a), (other, b) in zip(expected[1], got[1], strict=False):
            if key != other:
                return f"at {path}: key {key!r} expected, {other!r} found"
            if a != b:
                return _difference(a, b, f"{path}.{key}")
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        for n, (a, b) in enumerate(zip(expected, got, strict=True)):
            if a != b:
                return _difference(a, b, f"{path}[{n}]")
    return f"at {path or 'the top'}: oracle {expected!r}\n planner {got!r}"
