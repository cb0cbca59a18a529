"""GraphiQL served by the hub itself, and the schema as SDL for tools.

The page's scripts and styles come from ``console/dist`` (installed from the npm registry by
``scripts/install``), never from a CDN: the authority's networks have no internet. The
Content-Security-Policy of every console response forbids any other origin, so a file that
still pointed elsewhere would fail in the browser tests rather than on a government network.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

CONSOLE_DIR = Path(__file__).resolve().parents[2] / "console" / "dist"
"""Where ``scripts/install`` puts GraphiQL, its explorer plugin, React and the start-up script."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        # GraphiQL and CodeMirror set style attributes from script.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
"""Only the hub's own origin: no CDN, no inline script, no framing."""

TOKEN_PLACEHOLDER = "<访问令牌 access token>"
"""What the headers editor starts with; the console sends no header that still holds it."""

DEFAULT_HEADERS = json.dumps(
    {"Authorization": f"Bearer {TOKEN_PLACEHOLDER}", "X-Purpose-Of-Use": ""},
    ensure_ascii=False,
    indent=2,
)

DEFAULT_QUERY = """\
# 江苏交通运输数据交换共享枢纽 · Jiangsu transport interop hub
#
# 匿名访问可查询开放数据；其他数据需在下方“Headers”中填写访问令牌
# （POST /oauth/token 获取），个人信息还需填写使用目的 X-Purpose-Of-Use。
# Anonymous callers read the open data; for the rest put an access token
# (from POST /oauth/token) in the Headers below, and for personal data a
# purpose of use in X-Purpose-Of-Use.
#
# 运行：Ctrl-Enter · Run: Ctrl-Enter   文档：左侧“Docs” · Docs: left, "Docs"

{
  vehicles(first: 3) {
    totalCount
    edges {
      node {
        plate
        plateColor
        vehicleType
        operator { name region { name } }
      }
    }
  }
}
"""

_PAGE = """<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8">
    <title>GraphiQL · 江苏交通运输数据交换共享枢纽</title>
    <link rel="stylesheet" href="{base}/graphiql.min.css">
    <link rel="stylesheet" href="{base}/explorer.css">
    <link rel="stylesheet" href="{base}/hub-console.css">
  </head>
  <body>
    <div id="graphiql">正在加载… Loading…</div>
    <script type="application/json" id="hub-console-config">{config}</script>
    <script src="{base}/react.production.min.js"></script>
    <script src="{base}/react-dom.production.min.js"></script>
    <script src="{base}/graphiql.min.js"></script>
    <script src="{base}/explorer.umd.js"></script>
    <script src="{base}/hub-console.js"></script>
  </body>
</html>
"""

_NOT_INSTALLED = """<!doctype html>
<html lang="zh-CN">
  <head><meta charset="utf-8"><title>GraphiQL</title></head>
  <body>
    <p>GraphiQL 未安装：请运行 scripts/install（需要 Node.js 18 或更高版本）。</p>
    <p>GraphiQL is not installed: run scripts/install (it needs Node.js 18 or newer).</p>
    <p>{path}</p>
  </body>
</html>
"""


def console_page(endpoint: str = "/graphql", base: str = "/console") -> HTMLResponse:
    """The GraphiQL page for ``endpoint``, or a page saying how to install it (503)."""
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"}
    if not (CONSOLE_DIR / "graphiql.min.js").is_file():
        page = _NOT_INSTALLED.format(path=html.escape(str(CONSOLE_DIR)))
        return HTMLResponse(page, status_code=503, headers=headers)
    config = {
        "endpoint": endpoint,
        "defaultQuery": DEFAULT_QUERY,
        "defaultHeaders": DEFAULT_HEADERS,
        "placeholder": TOKEN_PLACEHOLDER,
    }
    # "</" could close the script element the JSON sits in.
    text = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return HTMLResponse(_PAGE.format(base=base, config=text), headers=headers)


class _ConsoleFiles:
    """The console's static files, each answered with the Content-Security-Policy."""

    def __init__(self) -> None:
        self.files = StaticFiles(directory=CONSOLE_DIR, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not CONSOLE_DIR.is_dir():
            await PlainTextResponse("GraphiQL is not installed", status_code=404)(
                scope, receive, send
            )
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            await send(message)

        await self.files(scope, receive, send_with_policy)


def console_routes(sdl: Callable[[], str]) -> list[BaseRoute]:
    """``/console/…`` (GraphiQL's files) and ``/schema.graphql`` (the SDL with its directives,
    printed on the first request, since most apps built, in tests above all, never serve it)."""
    printed: list[str] = []

    async def schema_sdl(_request: Request) -> Response:
        if not printed:
            printed.append(sdl())
        return PlainTextResponse(printed[0], headers={"Cache-Control": "no-cache"})

    return [
        Mount("/console", app=_ConsoleFiles(), name="console"),
        Route("/schema.graphql", schema_sdl, methods=["GET"]),
    ]
