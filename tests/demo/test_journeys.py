"""The demo's journeys (一单到底): booked by `hub demo`, reported through three adapters' demo
documents, readable in GraphQL with the demo portal's token."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from hub.app import create_app
from hub.config import Settings
from hub.demo import journeys
from hub.demo.generator import DemoScale, generate
from hub.filters import today
from tests.conftest import TEST_KEK

ROOT = Path(__file__).resolve().parents[2]
OPERATION = ROOT / "graphql/operations/portal/ConsignmentJourney.graphql"


def readme_query(stamp: str) -> str:
    """The README's journey query, for a demo loaded on the day ``stamp`` (YYYYMMDD)."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## 一单到底", 1)[1]
    found = re.search(r"```graphql\n(.*?)```", section, re.S)
    assert found is not None, "README: the journey query block is missing"
    return re.sub(r"JSMM-\d{8}-", f"JSMM-{stamp}-", found[1])


def _hub(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        env={"PATH": "/usr/bin:/bin", "HUB_DATABASE_URL": settings.database_url,
             "HUB_DATA_DIR": str(settings.data_dir), "HUB_KEY_ENCRYPTION_KEY": TEST_KEK},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_the_demo_books_its_journeys_and_the_agencies_report_them(settings: Settings) -> None:
    loaded = _hub(settings, "demo", "--scale", "0.1")
    token = _hub(settings, "demo-token")
    assert loaded.returncode == 0, loaded.stderr
    assert token.returncode == 0, token.stderr
    stamp = today().strftime("%Y%m%d")
    references = [f"JSMM-{stamp}-0001", f"JSMM-{stamp}-0002"]
    assert f"booked the demo journeys (一单到底): {', '.join(references)}" in loaded.stdout
    headers = {"Authorization": f"Bearer {token.stdout.strip()}"}

    with TestClient(create_app(settings)) as client:
        answers: list[dict[str, Any]] = [
            client.post(
                "/graphql",
                json={"query": OPERATION.read_text(), "variables": {"reference": reference}},
                headers=headers,
            ).json()
            for reference in references
        ]
        from_readme = client.post(
            "/graphql", json={"query": readme_query(stamp)}, headers=headers
        ).json()

    assert all("errors" not in answer for answer in answers), answers
    readme = from_readme["data"]["consignment"]
    assert readme["status"] == "DELIVERED"
    assert [event["kind"] for event in readme["timeline"]] == [
        event["kind"] for event in answers[0]["data"]["consignment"]["timeline"]
    ]
    delivered, on_the_way = (answer["data"]["consignment"] for answer in answers)
    # Suzhou → road → Lianyungang → rail → Xuzhou, signed for.
    assert delivered["status"] == "DELIVERED"
    assert [leg["mode"] for leg in delivered["legs"]] == ["ROAD", "RAIL"]
    timeline = [(event["source"], event["kind"]) for event in delivered["timeline"]]
    assert timeline[:2] == [("positioning", "GATE_OUT"), ("positioning", "GATE_IN")]
    assert {kind for source, kind in timeline if source == "rail"} == {
        "LOAD", "DEPART", "ARRIVE", "DISCHARGE"
    }  # fmt: skip
    assert timeline[-1] == (journeys.FORWARDER, "DELIVERED")
    times = [event["occurredAt"] for event in delivered["timeline"]]
    assert times == sorted(times)
    # Nanjing → river → Taicang → road: at the logistics park, not yet signed for.
    assert on_the_way["status"] == "IN_TRANSIT"
    assert on_the_way["currentLeg"] == 2
    assert [(e["source"], e["kind"]) for e in on_the_way["timeline"]] == [
        ("maritime", "DEPART"), ("maritime", "ARRIVE"),
        ("positioning", "GATE_OUT"), ("positioning", "GATE_IN"),
    ]  # fmt: skip


def test_journeys_use_the_named_ports_at_full_scale_and_skip_what_is_missing() -> None:
    today = dt.date(2026, 11, 25)
    full = journeys.journeys(generate(DemoScale.times(0.35), today=today), today)
    tiny = journeys.journeys(generate(DemoScale.times(0.02), today=today), today)

    first, second = full.consignments
    assert first.legs[0].destination.startswith("连云港港连云港区")
    assert second.legs[0].origin.startswith("南京港龙潭港区")
    assert second.legs[0].destination.startswith("太仓港")
    assert all(leg.origin in full.places or leg.mode.name == "RAIL" for leg in first.legs)
    assert tiny.consignments == ()  # no freight stations or ports at that scale
