"""The incident list in the browser: a supervisor raises an incident with the keyboard alone in well under a
minute; an agent taking a call for that municipality sees it first thing on the contact log; the incident
pages and the contact log with its banner pass axe-core in every language."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser

TITLE = "Vannbrudd i Eivindvik"
SCRIPT = "Seie at kommunen jobbar med saka; vatnet kjem att innan kl. 17."


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got focus by Tab")


def _raise_by_keyboard(page) -> float:
    """From the incident list to the raised incident's page, keys only; the seconds it took."""
    page.goto("/knowledge/incidents/")
    started = time.monotonic()
    _tab_to(page, "main a[href='/knowledge/incidents/new/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "#id_title")
    page.keyboard.type(TITLE)
    gulen = page.locator("#id_municipalities label", has_text="Gulen").get_attribute("for")
    _tab_to(page, f"#{gulen}")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.name") == "municipalities":
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "minor"  # the group's chosen radio gets focus
    page.keyboard.press("ArrowDown")  # major
    page.keyboard.press("Tab")
    page.keyboard.type("Vatnet er stengt i Eivindvik.")
    page.keyboard.press("Tab")
    page.keyboard.type(SCRIPT)
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    elapsed = time.monotonic() - started
    assert page.locator("h1").inner_text() == TITLE
    assert "Severity: Major" in page.locator("main").inner_text()
    return elapsed


@pytest.fixture
def agent_page(browser, demo_server):
    context = browser.new_context(base_url=demo_server, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_a_supervisor_raises_an_incident_by_keyboard_and_the_agent_sees_it_first(page, agent_page):
    sign_in(page, "nh.supervisor")
    assert _raise_by_keyboard(page) < 60
    incident = page.url

    sign_in(agent_page, "nh.agent")
    agent_page.goto("/contacts/new/")
    agent_page.select_option("#id_municipality", label="Gulen")
    banner = agent_page.locator("#incident-banner")
    banner.locator(".cd-incident", has_text=TITLE).wait_for()
    assert agent_page.evaluate("document.querySelector('main').firstElementChild.id") == "incident-banner"
    assert TITLE in banner.locator(".cd-incident").first.inner_text()  # major: before the demo's minor ones
    assert banner.get_attribute("aria-live") == "polite"
    assert "Severity: Major" in banner.inner_text() and SCRIPT in banner.inner_text()

    agent_page.select_option("#id_municipality", label="Samnanger")
    expect(banner).not_to_contain_text(TITLE)

    agent_page.goto(incident)
    assert agent_page.locator("main form").count() == 0  # agents read, they do not keep incidents


def test_incident_pages_and_the_contact_log_banner_are_accessible_in_every_language(page, agent_page):
    sign_in(page, "nh.supervisor")
    page.goto("/knowledge/incidents/")
    existing = page.locator("main article a").first
    if existing.count() == 0:
        _raise_by_keyboard(page)
        page.goto("/knowledge/incidents/")
    incident = page.locator("main article a").first.get_attribute("href")
    assert_pages_accessible_in_every_language(
        page, ["/knowledge/incidents/", "/knowledge/incidents/new/?m=gulen", incident]
    )

    sign_in(agent_page, "nh.agent")
    agent_page.goto("/contacts/new/")
    gulen = agent_page.locator("#id_municipality option", has_text="Gulen").get_attribute("value")
    agent_page.goto(f"/contacts/new/?municipality={gulen}")
    assert agent_page.locator("#incident-banner .cd-incident").count() >= 1
    assert_pages_accessible_in_every_language(
        agent_page, [f"/contacts/new/?municipality={gulen}", "/knowledge/incidents/", incident]
    )
