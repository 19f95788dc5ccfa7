"""Agent: the desk lists the centre's municipalities and finds topics as they type, by keyboard alone."""

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def test_agent_finds_a_topic_as_they_type(page):
    sign_in(page, "nh.agent")
    assert page.url.endswith("/desk/")
    page.locator("#topic-q").press_sequentially("oppmål", delay=30)
    results = page.locator("#topic-results")
    results.get_by_text("Land surveying", exact=False).wait_for()
    assert "/desk/" in page.url  # swapped in place, no page load


def test_agent_reaches_the_main_content_by_keyboard_from_the_skip_link(page):
    sign_in(page, "nh.agent")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "ds-skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_agent_desk_is_accessible_in_every_language(page):
    sign_in(page, "nh.agent")
    assert_pages_accessible_in_every_language(page, ["/desk/", "/desk/?q=vann"])
