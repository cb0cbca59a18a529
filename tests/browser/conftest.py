"""A real browser on a real hub: Debian's chromium driven by Playwright, no other network.

Playwright cannot download its own browser here, so it drives the chromium Debian installs
(``.ci/run`` installs it when missing; ``HUB_TEST_CHROMIUM`` names another). Without it these
tests skip and say why; under ``CI=true`` they fail instead, as the database variants do.
Every request to any origin but the hub's is aborted and recorded, so a page that still
needed a CDN fails here. A failing test leaves a screenshot in ``var/test-artifacts/browser``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright

from hub.app import create_app
from hub.config import Settings
from tests.conftest import unavailable

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "browser"


@dataclass
class Hub:
    """A hub served on a loopback port, and what its pages asked of other origins."""

    url: str
    blocked: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def hub(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One hub on a migrated SQLite database, served by uvicorn in a thread of its own."""
    data = tmp_path_factory.mktemp("browser")
    shutil.copy(sqlite_template, data / "hub.sqlite3")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{data / 'hub.sqlite3'}", data_dir=data)
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the hub did not start: see the log above")
            threading.Event().wait(0.05)
        yield Hub(url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium (or ``HUB_TEST_CHROMIUM``)."""
    path = os.environ.get("HUB_TEST_CHROMIUM") or shutil.which("chromium")
    if path is None or not Path(path).is_file():
        unavailable(
            f"chromium not found ({path or 'not on PATH'}): install it (apt-get install "
            "chromium) or name it in HUB_TEST_CHROMIUM for the browser tests"
        )
        raise AssertionError("unreachable")
    return path


# Playwright's sync API marks an event loop running in this thread while it is started, so
# it lives no longer than a module, and starts after the hub (whose set-up runs asyncio).
@pytest.fixture(scope="module")
def playwright(hub: Hub) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(
    chromium_path: str,
    console_installed: None,
    hub: Hub,
    browser: Browser,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A fresh page that can reach the hub and nothing else."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})

    def only_the_hub(route: Route) -> None:
        if route.request.url.startswith(hub.url + "/"):
            route.continue_()
        else:
            hub.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_the_hub)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
