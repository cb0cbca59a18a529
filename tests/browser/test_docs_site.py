"""The standards site in a real browser: it renders, its search and code list pages work."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Hub


def test_the_docs_search_finds_an_xsd_element(page: Page, hub: Hub) -> None:
    page.goto(hub.url + "/docs/")
    expect(page.locator("h1")).to_contain_text("江苏交通运输数据交换共享枢纽")

    page.locator("#search").fill("ConsignmentRecord")

    result = page.locator("#search-results a").filter(has_text="ConsignmentRecord").first
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url(
        hub.url + "/docs/xsd/multimodal-consignment-1.0.html#ConsignmentRecord"
    )
    assert hub.blocked == []


def test_a_code_list_page_lists_its_codes(page: Page, hub: Hub) -> None:
    page.goto(hub.url + "/docs/codes/index.html")
    page.get_by_role("link", name="多式联运状态事件类型").click()

    row = page.locator("tr#GTIN")
    expect(row).to_contain_text("进闸")
    expect(row).to_contain_text("Gate in")


def test_an_unknown_docs_page_is_a_404_page_linking_home(page: Page, hub: Hub) -> None:
    response = page.goto(hub.url + "/docs/graphql/NoSuchType.html")

    assert response is not None
    assert response.status == 404
    page.get_by_role("link", name="返回首页 · Home").click()
    expect(page).to_have_url(hub.url + "/docs/index.html")
    expect(page.locator("h1")).to_contain_text("江苏交通运输数据交换共享枢纽")
    assert hub.blocked == []
