"""GraphiQL in a real browser, offline: it loads, reads the schema, completes and runs."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, expect

from hub.api.console import CONTENT_SECURITY_POLICY
from tests.browser.conftest import Hub


def open_console(page: Page, hub: Hub) -> list[str]:
    errors: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", note)
    response = page.goto(hub.url + "/graphql")
    assert response is not None
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    expect(page.locator(".graphiql-container")).to_be_visible()
    return errors


def test_graphiql_loads_with_nothing_but_the_hub(page: Page, hub: Hub) -> None:
    errors = open_console(page, hub)

    expect(page.locator(".graphiql-query-editor")).to_contain_text("江苏交通运输数据交换共享枢纽")
    expect(page.locator(".graphiql-editor-tool")).to_be_visible()
    assert hub.blocked == [], "the console asked for files from other origins"
    assert errors == [], "the browser reported errors (a refused script or style?)"


def test_the_docs_pane_shows_chinese_and_english_descriptions(page: Page, hub: Hub) -> None:
    open_console(page, hub)

    page.get_by_role("button", name="Show Documentation Explorer").click()
    page.locator("a.graphiql-doc-explorer-type-name").get_by_text("Query", exact=True).first.click()

    docs = page.locator(".graphiql-doc-explorer")
    expect(docs).to_contain_text("查询入口。")
    expect(docs).to_contain_text("The root of all queries.")


def test_autocomplete_offers_vehicle(page: Page, hub: Hub) -> None:
    open_console(page, hub)

    editor = page.locator(".graphiql-query-editor .CodeMirror")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("{ vehic")

    expect(page.locator(".CodeMirror-hints")).to_contain_text("vehicle")


def test_the_default_query_runs_and_its_result_shows(page: Page, hub: Hub) -> None:
    open_console(page, hub)

    page.locator(".graphiql-execute-button").click()

    result = page.locator(".graphiql-response")
    expect(result).to_contain_text('"totalCount": 0')
    assert "errors" not in result.inner_text()
