"""The one logging set-up of every hub process: JSON lines for machines, text for people.

Servers (``hub serve``, ``hub exchange work``) write JSON lines on stderr unless stderr is a
terminal; the other commands write text. Every line written while a request is served carries
that request's id. Log messages never carry personal data or secrets: what a request did is
described by ids, names of operations, hashes and counts, never by values.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from contextvars import ContextVar
from typing import Any, TextIO

request_id: ContextVar[str | None] = ContextVar("hub_request_id", default=None)
"""The id of the request being served, stamped on every line logged while serving it."""

FIELDS = "fields"
"""The ``extra`` key of structured fields: ``log.info("…", extra={FIELDS: {...}})``."""


def _timestamp(record: logging.LogRecord) -> str:
    moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    current = getattr(record, "request_id", None) or request_id.get()
    if current is not None:
        fields["request_id"] = current
    fields.update(getattr(record, FIELDS, None) or {})
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request id and fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger message key=value …``, for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(
            f"{key}={value}" for key, value in _fields(record).items() if value is not None
        )
        text = f"{_timestamp(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        if fields:
            text += f"  {fields}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


_NEVER_DEBUG = ("aiosqlite", "authlib")
"""Libraries whose debug lines quote what must not be logged: aiosqlite every statement with
its parameters (personal data), authlib each token it issues and the client's secret hash."""


class _HubHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``configure`` installs, told apart from any other.

    Given no stream, it writes to whatever ``sys.stderr`` is when a line is written, as
    Python's last-resort handler does: a server run inside another program (a test runner
    that swaps and closes stderr, say) then never writes to a stream closed under it.
    """

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(stream or sys.stderr)
        self._follows_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self._follows_stderr:
            self.stream = sys.stderr
        super().emit(record)


def configure(
    log_format: str = "auto", level: str = "info", *, server: bool, stream: TextIO | None = None
) -> None:
    """Send every logger's lines (uvicorn's too) to ``stream`` (stderr) in one format.

    ``log_format`` is ``json``, ``text`` or ``auto``: JSON lines for a server whose stderr is
    not a terminal, text otherwise. Calling it again replaces the set-up, never doubles it.
    """
    out = stream or sys.stderr
    json_lines = log_format == "json" or (log_format == "auto" and server and not out.isatty())
    handler = _HubHandler(stream)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    root = logging.getLogger()
    # Handlers others put there (a test runner's) stay; a previous set-up of ours goes.
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _HubHandler)] + [handler]
    root.setLevel(level.upper())
    # uvicorn's loggers write through the root handler; its access log stays off, as the hub
    # logs each request once itself, with more to say (hub.request_log).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    for name in _NEVER_DEBUG:
        logging.getLogger(name).setLevel(max(root.level, logging.INFO))
