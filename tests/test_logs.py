"""The logging set-up: JSON lines for servers, text for people, uvicorn's lines included."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from hub.logs import configure


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.parametrize(
    ("log_format", "server", "stream", "json_lines"),
    [
        ("auto", True, io.StringIO(), True),
        ("auto", True, Terminal(), False),
        ("auto", False, io.StringIO(), False),
        ("json", False, Terminal(), True),
        ("text", True, io.StringIO(), False),
    ],
)
def test_servers_write_json_lines_unless_stderr_is_a_terminal(
    log_format: str, server: bool, stream: io.StringIO, json_lines: bool
) -> None:
    configure(log_format, "info", server=server, stream=stream)

    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)

    line = stream.getvalue().strip()
    if json_lines:
        assert json.loads(line)["message"] == "Started server process [42]"
        assert json.loads(line)["logger"] == "uvicorn.error"
    else:
        assert line.endswith("INFO    uvicorn.error: Started server process [42]")


def test_configuring_again_replaces_the_set_up() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure("json", "info", server=True, stream=first)
    configure("json", "warning", server=True, stream=second)

    logging.getLogger("hub.test").warning("once")
    logging.getLogger("hub.test").info("not at this level")

    assert first.getvalue() == ""
    assert [json.loads(line)["message"] for line in second.getvalue().splitlines()] == ["once"]


def test_uvicorn_access_lines_are_left_to_the_hub() -> None:
    stream = io.StringIO()
    configure("json", "debug", server=True, stream=stream)

    logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /graphql HTTP/1.1" 200')

    assert stream.getvalue() == "", "each request is logged once, by hub.request"


def test_with_no_stream_given_lines_go_to_stderr_as_it_is_when_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the set-up made while stderr was one stream that is then closed and replaced
    before = io.StringIO()
    monkeypatch.setattr("sys.stderr", before)
    configure("text", "info", server=True)
    before.close()
    after = io.StringIO()
    monkeypatch.setattr("sys.stderr", after)

    # When a line is written
    logging.getLogger("hub.test").info("written after the swap")

    # Then it lands on the stream stderr is now, and nothing fails on the closed one
    assert "written after the swap" in after.getvalue()
