"""The hub command speaks Chinese under a Chinese locale, and no text is left untranslated."""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.cli import _parser, main
from hub.i18n import ERRORS, ZH, error_message, language

ROOT = Path(__file__).resolve().parents[1]
COMMAND_MODULES = [
    ROOT / "hub" / "cli.py",
    ROOT / "hub" / "exchange" / "commands.py",
    ROOT / "hub" / "quality" / "commands.py",
]
API_ONLY = {
    ROOT / "hub" / "api",
    ROOT / "hub" / "multimodal",
    ROOT / "hub" / "credit" / "complaints.py",
    ROOT / "hub" / "credit" / "objections.py",
    ROOT / "hub" / "enforcement",
    ROOT / "hub" / "exchange" / "consignment_routes.py",
    ROOT / "hub" / "opendata" / "routes.py",
    ROOT / "hub" / "paging.py",
}
"""Modules whose errors answer GraphQL and HTTP clients only (in English, the API's contract):
the command never reaches them."""
HUB_ERRORS = {
    "HubError", "ConfigError", "SealError", "RegistryError", "NotFound", "BadUserInput",
    "Forbidden", "ServiceUnavailable",
    # raised below a command that prints their text (hub opendata, hub ingest, hub positions)
    "InvalidDataset", "BadHeader", "FileNotFoundError",
}  # fmt: skip
# What may stay as it is: labels of printed data (``client_id:``) and separators.
LABEL = re.compile(r"^\s*[a-z_]+:\s*$|^[\s\t/—:,.()-]*$")


def help_texts(parser: argparse.ArgumentParser) -> Iterator[str]:
    if parser.description:
        yield parser.description
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            yield action.help
        if isinstance(action, argparse._SubParsersAction):
            yield from (choice.help for choice in action._choices_actions if choice.help)
            for subparser in action.choices.values():
                yield from help_texts(subparser)


def literal_parts(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(literal_parts(value) for value in node.values)
    return ""


def test_every_help_text_has_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    missing = sorted(set(help_texts(_parser())) - set(ZH))

    assert missing == [], "add these help texts to hub.i18n.ZH"


def test_every_message_of_the_command_goes_through_the_catalogue() -> None:
    untranslated: list[str] = []
    unknown: list[str] = []
    for path in COMMAND_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id == "tr":
                argument = node.args[0]
                choices = (
                    [argument.body, argument.orelse]
                    if isinstance(argument, ast.IfExp)
                    else [argument]
                )
                unknown += [
                    f"{path.name}:{node.lineno}: {literal_parts(choice)!r}"
                    for choice in choices
                    if literal_parts(choice) not in ZH
                ]
            elif node.func.id in {"print", "HubError"} and node.args:
                text = literal_parts(node.args[0])
                if re.search(r"[A-Za-z]", text) and not LABEL.match(text):
                    untranslated.append(f"{path.name}:{node.lineno}: {text!r}")

    assert unknown == [], "tr() templates without Chinese in hub.i18n.ZH"
    assert untranslated == [], "messages printed or raised without tr()"


def error_template(node: ast.expr) -> str | None:
    """The English template of a raised message: its literal text, ``{}`` for each value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            value.value if isinstance(value, ast.Constant) else "{}" for value in node.values
        )
    return None  # a message made elsewhere (by tr(), or another error's text)


def test_every_error_the_command_can_raise_has_chinese() -> None:
    modules = [
        path
        for path in sorted((ROOT / "hub").rglob("*.py"))
        if not any(path == place or place in path.parents for place in API_ONLY)
    ]
    missing = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            message = None
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name)
                and node.exc.func.id in HUB_ERRORS
                and node.exc.args
            ):
                message = node.exc.args[0]
            elif (  # what `hub audit verify` prints: Problem(seq, message)
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Problem"
                and len(node.args) == 2
            ):
                message = node.args[1]
            elif (  # a dataset file's problem, which the reader prefixes with file and key
                isinstance(node, ast.Call)
                and (
                    getattr(node.func, "id", None) == "fail"
                    or getattr(node.func, "attr", "") == "fail"
                )
                and node.args
            ):
                message = node.args[-1]
            template = None if message is None else error_template(message)
            if template is not None and template not in ERRORS:
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {template!r}")

    assert len(modules) > 50
    assert missing == [], "add these errors to hub.i18n.ERRORS"


def test_an_error_raised_below_the_command_is_chinese_under_a_chinese_locale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("HUB_PORT", "eighty")  # refused by hub.config, below the command

    assert main(["clients", "list"]) == 2

    assert capsys.readouterr().err == "hub: 错误：HUB_PORT：'eighty' 不是整数\n"
    assert (
        error_message("HUB_PORT: 70000 is outside 1..65535") == "HUB_PORT：70000 超出范围 1..65535"
    )
    assert error_message("an error nobody catalogued") == "an error nobody catalogued"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert (
        error_message("HUB_PORT: 70000 is outside 1..65535")
        == "HUB_PORT: 70000 is outside 1..65535"
    )


def test_hub_help_is_chinese_under_a_chinese_locale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)

    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert out.startswith("用法：hub ")
    assert "提供 GraphQL 接口服务" in out
    assert "显示此帮助信息并退出" in out
    assert "serve the GraphQL API" not in out
    assert argparse._("usage: ") == "usage: ", "argparse is left as it was"  # type: ignore[attr-defined]


def test_a_subcommand_help_and_an_argparse_error_are_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    serve_help = capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["clients", "add"])
    error = capsys.readouterr().err

    assert "提供 GraphQL 接口服务" in serve_help
    assert "端口（默认 HUB_PORT 或 8000）" in serve_help
    assert refused.value.code == 2
    assert (
        error.splitlines()[-1]
        == "hub clients add: 错误：缺少必需的参数：--name, --agency, --scopes"
    )


def test_a_message_is_chinese_under_a_chinese_locale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    bad = tmp_path / "bad.graphql"
    bad.write_text("type Query {", encoding="utf-8")

    assert main(["schema", "diff", str(bad)]) == 2

    assert capsys.readouterr().err.startswith(f"hub: 错误：{bad}: ")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C.UTF-8"}, "zh"),
    ],
)
def test_the_language_follows_the_posix_locale_variables(
    environ: dict[str, str], expected: str
) -> None:
    assert language(environ) == expected
