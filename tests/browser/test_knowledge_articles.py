"""Keeping the knowledge base in the browser: a supervisor writes an article by keyboard alone, sees the preview of
its Markdown while typing, and finds it on its page; the list, the editor, an article and its versions pass
axe-core in every language."""

import re

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, axe_violations, sign_in

pytestmark = pytest.mark.browser


def _tab_to(page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element reads ``text``, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{text!r} was not reached by Tab")


def _write_article(page, title: str, body: str) -> str:
    """Write an article by keyboard; returns its page's path."""
    page.goto("/knowledge/articles/new/")
    page.focus("#id_title")
    page.keyboard.type(title, delay=5)
    page.keyboard.press("Tab")  # the short name: left empty, it is made from the title
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.keyboard.type(body, delay=5)
    page.locator("#article-preview strong", has_text="Bring").wait_for()  # the preview follows the typing
    _tab_to(page, "Save the draft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_supervisor_writes_an_article_by_keyboard_and_sees_it(page):
    sign_in(page, "nh.supervisor")
    _write_article(page, "Hageavfall om hausten", "**Bring** hageavfallet til gjenvinningsstasjonen.")
    assert page.locator("h1").inner_text() == "Hageavfall om hausten"
    assert "The article is saved as a draft." in page.locator(".cd-messages").inner_text()
    assert page.locator(".ds-card strong", has_text="Bring").count() == 1
    page.goto("/knowledge/articles/?q=hageavfall")
    assert page.locator("main table a", has_text="Hageavfall om hausten").count() == 1
    assert not axe_violations(page)


def test_knowledge_pages_are_accessible_in_every_language(page):
    sign_in(page, "nh.supervisor")
    detail = _write_article(page, "Parkering for bubil", "**Bring** bubilen til oppstillingsplassen ved kaia.")
    page.goto(detail + "edit/")
    page.fill("#id_body", "Bubilar kan stå ved kaia i tre døgn.")
    page.fill("#id_note", "Kortare tekst")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Save the changes')")
    assert_pages_accessible_in_every_language(
        page,
        [
            "/knowledge/articles/",
            "/knowledge/articles/new/",
            detail,
            detail + "edit/",
            detail + "versions/?older=1&newer=2",
            "/knowledge/missing/",
            "/knowledge/synonyms/",
            "/knowledge/import/",
        ],
    )
