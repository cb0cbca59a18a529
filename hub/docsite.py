"""The standards as a static web site: the GraphQL schema, the exchange XSDs, the code lists.

Generated from the published SDL, ``standards/**/*.xsd`` and ``standards/codes/*.csv``, so it
cannot disagree with them. Chinese first, then English. Every link is relative and the search
index is a script, so the folder ``hub standards site`` writes works as plain files as well as
under ``/docs`` on the hub. A page the site does not have is answered with its 404 page.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import xmlschema
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
    print_ast,
)
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send

from hub.api.console import CONTENT_SECURITY_POLICY
from hub.api.schema import sdl
from hub.api.versioning import SCHEMA_VERSION
from hub.canonical.codelists import CODES_DIR, STANDARDS_DIR, CodeList, read_code_lists

DICTIONARY_SOURCE = STANDARDS_DIR / "dictionary" / "data-dictionary.md"
"""The data dictionary (``hub standards dictionary``), published beside the pages as it is."""
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CODE_LIST_REFERENCE = re.compile(r"codes/([a-z0-9_]+)\.csv")
MAX_XSD_DEPTH = 12
"""How deep element paths are followed into an XSD (recursive types would never end)."""

STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; color: #1f2933; }
header { background: #0b4f6c; color: #fff; padding: .8em 1.5em; display: flex; gap: 2em;
         align-items: center; flex-wrap: wrap; }
header a { color: #fff; margin-right: 1em; }
main { padding: 1em 1.5em; max-width: 80em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #cbd2d9; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
code { background: #f0f4f8; padding: 0 .2em; }
.en { color: #52606d; }
#search-results { background: #fff; color: #1f2933; position: absolute; top: 3.2em;
                  max-height: 60vh; overflow: auto; box-shadow: 0 2px 8px #0004; }
#search-results a { display: block; padding: .2em .6em; color: #0b4f6c; }
"""

SEARCH_SCRIPT = """
(function () {
  "use strict";
  const input = document.getElementById("search");
  const results = document.getElementById("search-results");
  const root = document.body.dataset.root;
  input.addEventListener("input", function () {
    const words = input.value.trim().toLowerCase();
    results.replaceChildren();
    if (!words) { return; }
    const found = window.HUB_SEARCH.filter(function (entry) {
      return entry[0].toLowerCase().includes(words) || entry[2].toLowerCase().includes(words);
    }).slice(0, 50);
    for (const entry of found) {
      const link = document.createElement("a");
      link.href = root + entry[1];
      link.textContent = entry[0] + " — " + entry[2];
      results.appendChild(link);
    }
  });
})();
"""


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """What the search box finds: a name, the page (and anchor) it is on, a short text."""

    name: str
    url: str
    text: str


def bilingual(description: str | None) -> str:
    """A description of the schema's house style (Chinese, blank line, English) as HTML."""
    zh, _, en = (description or "").partition("\n\n")
    english = f'<div class="en">{escape(en)}</div>' if en else ""
    return f"<div>{escape(zh)}</div>{english}"


def xsd_documentation(component: Any) -> tuple[str, str]:
    """The Chinese and English documentation of an XSD component (schema, element, type)."""
    annotations = getattr(component, "annotations", None) or [
        getattr(component, "annotation", None)
    ]
    texts = {"zh": "", "en": ""}
    items = [
        item for annotation in annotations for item in getattr(annotation, "documentation", [])
    ]
    for item in items:
        lang = item.attrib.get(XML_LANG, "")
        if lang in texts and not texts[lang]:
            texts[lang] = " ".join((item.text or "").split())
    return texts["zh"], texts["en"]


def _page(title: str, root: str, body: str) -> bytes:
    page = f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(title)} · 江苏交通运输数据交换共享枢纽标准</title>
<link rel="stylesheet" href="{root}site.css">
</head>
<body data-root="{root}">
<header>
<a href="{root}index.html"><strong>标准 Standards</strong></a>
<nav><a href="{root}graphql/index.html">GraphQL</a><a href="{root}xsd/index.html">XSD</a>
<a href="{root}codes/index.html">代码表 Code lists</a></nav>
<input id="search" type="search" placeholder="搜索 Search" aria-label="搜索 Search">
<div id="search-results"></div>
</header>
<main>
{body}
</main>
<script src="{root}search-index.js"></script>
<script src="{root}search.js"></script>
</body>
</html>
"""
    return page.encode("utf-8")


def _type_link(type_: Any, root: str) -> str:
    named = get_named_type(type_)
    text = escape(str(type_))
    return f'<a href="{root}graphql/{named.name}.html"><code>{text}</code></a>'


def _directives(node: Any) -> str:
    found = getattr(node, "directives", None) or ()
    return " ".join(
        f"<code>{escape(print_ast(directive), quote=False)}</code>" for directive in found
    )


def _deprecation(thing: GraphQLField | GraphQLInputField | GraphQLArgument | Any) -> str:
    reason = getattr(thing, "deprecation_reason", None)
    return f"<div><strong>已弃用 Deprecated:</strong> {escape(reason)}</div>" if reason else ""


def _arguments(field: GraphQLField, root: str) -> str:
    items = []
    for name, argument in field.args.items():
        default = (
            ""
            if argument.ast_node is None or argument.ast_node.default_value is None
            else f" = {escape(print_ast(argument.ast_node.default_value))}"
        )
        items.append(
            f"<li><code>{escape(name)}</code>: {_type_link(argument.type, root)}{default}"
            f"{bilingual(argument.description)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _graphql_type_page(named: GraphQLNamedType) -> tuple[bytes, list[SearchEntry]]:
    root = "../"
    url = f"graphql/{named.name}.html"
    kind = type(named).__name__.removeprefix("GraphQL").removesuffix("Type")
    parts = [
        f"<h1><code>{escape(named.name)}</code> <small>{kind}</small></h1>",
        bilingual(named.description),
        f"<p>{_directives(named.ast_node)}</p>",
    ]
    entries = [SearchEntry(named.name, url, (named.description or "").split("\n\n")[0])]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        rows = []
        for name, field in named.fields.items():
            arguments = _arguments(field, root) if isinstance(field, GraphQLField) else ""
            rows.append(
                f'<tr id="{escape(name)}"><td><code>{escape(name)}</code></td>'
                f"<td>{_type_link(field.type, root)}</td>"
                f"<td>{bilingual(field.description)}{_deprecation(field)}{arguments}</td>"
                f"<td>{_directives(field.ast_node)}</td></tr>"
            )
            entries.append(
                SearchEntry(
                    f"{named.name}.{name}",
                    f"{url}#{name}",
                    (field.description or "").split("\n\n")[0],
                )
            )
        parts.append(
            "<table><tr><th>字段 Field</th><th>类型 Type</th><th>说明 Description · 参数 "
            f"Arguments</th><th>指令 Directives</th></tr>{''.join(rows)}</table>"
        )
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) and named.interfaces:
        links = ", ".join(_type_link(interface, root) for interface in named.interfaces)
        parts.append(f"<p>实现 Implements: {links}</p>")
    if isinstance(named, GraphQLUnionType):
        links = ", ".join(_type_link(member, root) for member in named.types)
        parts.append(f"<p>成员 Members: {links}</p>")
    if isinstance(named, GraphQLEnumType):
        rows = [
            f'<tr id="{escape(name)}"><td><code>{escape(name)}</code></td>'
            f"<td>{bilingual(value.description)}{_deprecation(value)}</td></tr>"
            for name, value in named.values.items()
        ]
        parts.append(
            f"<table><tr><th>值 Value</th><th>说明 Description</th></tr>{''.join(rows)}</table>"
        )
    return _page(named.name, root, "\n".join(parts)), entries


def _directive_table(schema: GraphQLSchema) -> str:
    rows = []
    for directive in schema.directives:
        arguments = ", ".join(
            f"{name}: {argument.type}" for name, argument in directive.args.items()
        )
        signature = f"@{directive.name}" + (f"({arguments})" if arguments else "")
        rows.append(
            f'<tr id="{escape(directive.name)}"><td><code>{escape(signature)}</code></td>'
            f"<td>{bilingual(directive.description)}</td></tr>"
        )
    return (
        f"<table><tr><th>指令 Directive</th><th>说明 Description</th></tr>{''.join(rows)}</table>"
    )


def _graphql_pages(schema: GraphQLSchema) -> Iterator[tuple[str, bytes, list[SearchEntry]]]:
    published = [
        named for name, named in sorted(schema.type_map.items()) if not name.startswith("__")
    ]
    for named in published:
        page, entries = _graphql_type_page(named)
        yield f"graphql/{named.name}.html", page, entries
    groups = [
        ("对象类型 Object types", GraphQLObjectType),
        ("接口 Interfaces", GraphQLInterfaceType),
        ("联合类型 Unions", GraphQLUnionType),
        ("输入类型 Input types", GraphQLInputObjectType),
        ("枚举 Enums", GraphQLEnumType),
        ("标量 Scalars", GraphQLScalarType),
    ]
    body = [
        f"<h1>GraphQL 接口 · GraphQL schema {SCHEMA_VERSION}</h1>",
        '<p><a href="../../schema.graphql">SDL</a> · <a href="../../graphql">GraphiQL</a></p>',
        "<h2>指令 Directives</h2>",
        _directive_table(schema),
    ]
    for title, kind in groups:
        links = "".join(
            f'<li><a href="{named.name}.html"><code>{named.name}</code></a></li>'
            for named in published
            if isinstance(named, kind)
        )
        body.append(f"<h2>{title}</h2><ul>{links}</ul>")
    yield "graphql/index.html", _page("GraphQL", "../", "\n".join(body)), []


def _xsd_rows(element: Any, path: str, depth: int = 0) -> Iterator[tuple[str, Any]]:
    yield path, element
    if depth < MAX_XSD_DEPTH and element.type is not None and element.type.has_complex_content():
        for child in element.type.content.iter_elements():
            yield from _xsd_rows(child, f"{path}/{child.local_name or child.name}", depth + 1)


def _code_list_of(element: Any) -> str | None:
    for component in (element, element.type):
        for text in xsd_documentation(component):
            match = CODE_LIST_REFERENCE.search(text)
            if match:
                return match[1]
    return None


def _xsd_page(path: Path, lists: set[str]) -> tuple[str, bytes, list[SearchEntry]]:
    schema = xmlschema.XMLSchema(str(path), allow="local", defuse="always")
    relative = path.relative_to(STANDARDS_DIR)
    url = f"xsd/{relative.parent.name}-{relative.stem}.html"
    zh, en = xsd_documentation(schema)
    rows = []
    entries = [SearchEntry(str(relative), url, zh)]
    for top in schema.elements.values():
        for element_path, element in _xsd_rows(top, top.local_name or top.name):
            element_zh, element_en = xsd_documentation(element)
            if not element_zh and element.type is not None:
                element_zh, element_en = xsd_documentation(element.type)
            type_name = element.type.local_name if element.type.name else "—"
            upper = "n" if element.max_occurs is None else element.max_occurs
            code_list = _code_list_of(element)
            link = (
                f'<a href="../codes/{code_list}.html">{code_list}</a>' if code_list in lists else ""
            )
            anchor = element_path.replace("/", "-")
            rows.append(
                f'<tr id="{escape(anchor)}"><td><code>{escape(element_path)}</code></td>'
                f"<td><code>{escape(type_name)}</code></td>"
                f"<td>{element.min_occurs}..{upper}</td><td>{link}</td>"
                f'<td><div>{escape(element_zh)}</div><div class="en">{escape(element_en)}</div>'
                "</td></tr>"
            )
            entries.append(
                SearchEntry(element_path.rsplit("/", 1)[-1], f"{url}#{anchor}", element_zh)
            )
    body = (
        f"<h1><code>{escape(str(relative))}</code></h1>"
        f"<p>命名空间 Namespace <code>{escape(schema.target_namespace)}</code> · "
        f"版本 Version {escape(str(schema.version))}</p>"
        f'<div>{escape(zh)}</div><div class="en">{escape(en)}</div>'
        "<table><tr><th>元素 Element</th><th>类型 Type</th><th>次数 Occurs</th>"
        f"<th>代码表 Code list</th><th>说明 Description</th></tr>{''.join(rows)}</table>"
    )
    return url, _page(str(relative), "../", body), entries


def _code_list_page(code_list: CodeList) -> tuple[bytes, list[SearchEntry]]:
    url = f"codes/{code_list.name}.html"
    rows = "".join(
        f'<tr id="{escape(entry.code)}"><td><code>{escape(entry.code)}</code></td>'
        f"<td>{escape(entry.zh)}</td><td>{escape(entry.en)}</td>"
        f"<td>{escape(entry.source)}</td><td>{escape(entry.version)}</td></tr>"
        for entry in code_list.entries
    )
    body = (
        f"<h1>{escape(code_list.zh)} <small class='en'>{escape(code_list.en)}</small></h1>"
        f"<p><code>standards/codes/{escape(code_list.name)}.csv</code></p>"
        "<table><tr><th>代码 Code</th><th>中文</th><th>English</th><th>来源 Source</th>"
        f"<th>版本 Version</th></tr>{rows}</table>"
    )
    entries = [SearchEntry(code_list.name, url, code_list.zh)] + [
        SearchEntry(entry.code, f"{url}#{entry.code}", f"{entry.zh} {entry.en}")
        for entry in code_list.entries
    ]
    return _page(code_list.zh, "../", body), entries


def render() -> dict[str, bytes]:
    """Every file of the site by its path relative to the site's root."""
    files: dict[str, bytes] = {}
    search: list[SearchEntry] = []
    for path, page, entries in _graphql_pages(build_schema(sdl())):
        files[path] = page
        search += entries
    code_lists = read_code_lists(CODES_DIR)
    names = {code_list.name for code_list in code_lists}
    xsd_links = []
    for xsd in sorted(STANDARDS_DIR.rglob("*.xsd")):
        url, page, entries = _xsd_page(xsd, names)
        files[url] = page
        search += entries
        relative = xsd.relative_to(STANDARDS_DIR)
        xsd_links.append(f'<li><a href="../{url}"><code>{escape(str(relative))}</code></a></li>')
    files["xsd/index.html"] = _page(
        "XSD", "../", f"<h1>交换报文 Exchange documents (XSD)</h1><ul>{''.join(xsd_links)}</ul>"
    )
    list_rows = []
    for code_list in code_lists:
        page, entries = _code_list_page(code_list)
        files[f"codes/{code_list.name}.html"] = page
        search += entries
        sources = ", ".join(sorted({f"{e.source} ({e.version})" for e in code_list.entries}))
        list_rows.append(
            f'<tr><td><a href="{code_list.name}.html">{escape(code_list.zh)}</a></td>'
            f"<td>{escape(code_list.en)}</td><td>{len(code_list.entries)}</td>"
            f"<td>{escape(sources)}</td></tr>"
        )
    files["codes/index.html"] = _page(
        "代码表",
        "../",
        "<h1>代码表 Code lists</h1><table><tr><th>中文</th><th>English</th><th>代码数 Codes</th>"
        f"<th>来源（版本）Source (version)</th></tr>{''.join(list_rows)}</table>",
    )
    files["index.html"] = _page("首页 Home", "", _HOME)
    files["data-dictionary.md"] = DICTIONARY_SOURCE.read_bytes()
    files["404.html"] = _page("404", "/docs/", _NOT_FOUND)
    files["site.css"] = STYLE.encode()
    files["search.js"] = SEARCH_SCRIPT.encode()
    index = [[entry.name, entry.url, entry.text] for entry in search]
    files["search-index.js"] = (
        "window.HUB_SEARCH = " + json.dumps(index, ensure_ascii=False) + ";\n"
    ).encode()
    return files


_HOME = f"""
<h1>江苏交通运输数据交换共享枢纽 · 标准</h1>
<p class="en">Jiangsu transport interop hub · published standards</p>
<ul>
<li><a href="graphql/index.html">GraphQL 接口 {SCHEMA_VERSION}</a>
 <span class="en">every type, field, argument and enum value</span></li>
<li><a href="xsd/index.html">交换报文 XSD</a>
 <span class="en">every element with its type, cardinality and code list</span></li>
<li><a href="codes/index.html">代码表</a>
 <span class="en">code lists with source and version</span></li>
<li><a href="data-dictionary.md">数据字典</a>
 <span class="en">data dictionary (Markdown)</span></li>
</ul>
<p>许可 Licence: <code>standards/LICENSE.md</code></p>
"""

_NOT_FOUND = """
<h1>404 · 页面不存在</h1>
<p class="en">There is no such page.</p>
<p><a href="/docs/index.html">返回首页 · Home</a></p>
"""


def write(directory: Path) -> int:
    """Write the site into ``directory``; returns the number of files."""
    files = render()
    for relative, content in files.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return len(files)


class DocsSite:
    """The site at ``/docs``, rendered on the first request and kept (rendering takes seconds)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] | None = None
        self.lock = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with self.lock:
            if self.files is None:
                self.files = await asyncio.to_thread(render)
        path = scope["path"].removeprefix("/docs").lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        content = self.files.get(path)
        status = 200
        if content is None:
            path, content, status = "404.html", self.files["404.html"], 404
        # Markdown as text, so a browser shows it rather than downloading it.
        media_type = (
            "text/plain"
            if path.endswith(".md")
            else mimetypes.guess_type(path)[0] or "application/octet-stream"
        )
        if media_type.startswith("text/") or media_type.endswith("javascript"):
            media_type += "; charset=utf-8"
        headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
        response = Response(content, status_code=status, media_type=media_type, headers=headers)
        await response(scope, receive, send)


def docs_routes() -> list[BaseRoute]:
    """``/docs`` (redirected to ``/docs/``) and every page under it."""
    site = DocsSite()

    async def home(_request: Request) -> Response:
        return RedirectResponse("/docs/")

    return [Route("/docs", home), Mount("/docs", app=site)]
