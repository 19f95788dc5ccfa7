"""The directory in the browser: an agent finds the right unit by typing half a word and forwards a contact
there; finds by a typo on the directory page and opens the unit by keyboard; the directory's pages pass
axe-core in every language, for agents, admins and citizens."""

import re

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_agent_finds_the_unit_by_half_a_word_and_forwards_the_contact_there(page):
    sign_in(page, "nh.agent")
    page.goto("/contacts/new/")
    page.select_option("#id_municipality", label="Gulen")
    page.fill("#id_summary", "Spør om byggesøknad for garasje, vil ha svar frå byggesak.")
    page.locator("#forward-q").press_sequentially("bygges", delay=30)
    choice = page.locator("#forward-found .cd-forward-choice", has_text="Byggesak Gulen").first
    choice.wait_for()
    assert not axe_violations(page)
    choice.locator("input[type=radio]").focus()
    page.keyboard.press("Space")
    assert choice.locator("input[type=radio]").is_checked()
    with page.expect_navigation():
        page.keyboard.press("Alt+2")  # forward
    message = page.locator(".ds-alert").inner_text()
    number = re.search(r"GUL-\d{4}-\d{6}", message).group(0)
    assert "Byggesak" in message
    page.goto(f"/cases/{number}/")
    assert "Spør om byggesøknad for garasje" in page.locator("main").inner_text()


def test_agent_sees_who_handles_the_ticked_topic_and_whether_they_are_open(page):
    sign_in(page, "nh.agent")
    page.goto("/contacts/new/")
    page.select_option("#id_municipality", label="Gulen")
    page.locator("#topic-q").press_sequentially("building", delay=20)
    page.locator("#topic-choices label", has_text=re.compile("Building", re.I)).first.click()
    suggestions = page.locator("#forward-suggestions")
    suggestions.locator(".cd-forward-choice").first.wait_for()
    assert re.search(r"Open now|Closed", suggestions.inner_text())
    assert not axe_violations(page)


def test_agent_finds_a_unit_despite_a_typo_and_opens_it_by_keyboard(page):
    sign_in(page, "nh.agent")
    page.goto("/directory/")
    assert page.evaluate("document.activeElement.id") == "directory-q"
    page.keyboard.type("bygesak gul", delay=30)
    page.locator("#directory-results a", has_text="Byggesak Gulen").wait_for()
    for _ in range(40):
        if page.evaluate("document.activeElement.textContent.trim()") == "Byggesak Gulen":
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Byggesak Gulen"
    assert "+47 57 78 21 00" in page.locator("main").inner_text()


def test_directory_pages_are_accessible_in_every_language(page):
    sign_in(page, "nh.agent")
    page.goto("/directory/?q=byggesak")
    unit = page.locator("#directory-results a", has_text="Byggesak Gulen").first.get_attribute("href")
    page.goto("/directory/?q=byggmester")
    person = page.locator("#directory-results a").first.get_attribute("href")
    assert_pages_accessible_in_every_language(page, ["/directory/", "/directory/?q=gulen", unit, person])


def test_directory_admin_pages_are_accessible_in_every_language(page):
    sign_in(page, "gulen.admin")
    assert_pages_accessible_in_every_language(
        page, ["/directory/changes/", "/directory/changes/new/", "/directory/stale/", "/directory/import/"]
    )


def test_a_citizen_finds_public_entries_and_their_pages_are_accessible(page):
    sign_in(page, "gulen.citizen")
    page.goto("/directory/")
    page.keyboard.type("barnehage", delay=20)
    page.locator("#directory-results a", has_text="Barnehage Gulen").wait_for()
    assert_pages_accessible_in_every_language(page, ["/directory/?q=barnehage"])
