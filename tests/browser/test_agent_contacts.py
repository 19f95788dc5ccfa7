"""Agent: logs a phone contact with the keyboard alone and forwards one to a team; the contact log, case
list and case pages pass axe-core in every language."""

import re

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got focus by Tab")


def test_agent_logs_a_phone_contact_with_the_keyboard_alone(page):
    sign_in(page, "nh.agent")
    page.goto("/contacts/new/")
    _tab_to(page, "#id_municipality")
    page.keyboard.press("ArrowDown")  # first municipality in the list
    page.keyboard.press("Alt+T")
    page.keyboard.type("oppmål")
    page.locator("#topic-choices label", has_text="Land surveying").first.wait_for()  # found by its Bokmål name
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # tick the first matching topic
    _tab_to(page, "#id_summary")
    page.keyboard.type("Spør om oppmåling av tomtegrense mot nabo.")
    with page.expect_navigation():
        page.keyboard.press("Alt+1")  # resolved
    assert (
        page.locator(
            ".ds-alert", has_text=re.compile("Logged|Registrer|Registrera|Registrér|Registreret|registrert", re.I)
        ).count()
        == 1
    )


def test_agent_forwards_a_contact_to_a_team(page):
    sign_in(page, "nh.agent")
    page.goto("/contacts/new/")
    page.select_option("#id_municipality", label="Gulen")
    page.fill("#id_summary", "Vil snakke med byggesak om nabovarsel. Ring tilbake.")
    page.fill("#id_caller_phone", "912 34 567")
    page.select_option("#id_forward_team", label="Gulen · Plan, bygg og oppmåling · Byggesak")
    page.check("#id_callback")
    page.click("button[value=forwarded]")
    page.wait_for_load_state()
    message = page.locator(".ds-alert").inner_text()
    number = re.search(r"GUL-\d{4}-\d{6}", message).group(0)
    page.goto(f"/cases/{number}/")
    assert "Vil snakke med byggesak om nabovarsel" in page.locator("main").inner_text()


def test_previous_contacts_show_beside_the_form_as_the_number_is_typed(page):
    sign_in(page, "nh.agent")
    page.goto("/contacts/new/")
    page.select_option("#id_municipality", label="Gulen")
    page.fill("#id_summary", "Første henvendelse")
    page.fill("#id_caller_phone", "+47 915 55 555")
    page.click("button[value=resolved]")
    page.wait_for_load_state()
    page.locator("#id_caller_phone").press_sequentially("91555555", delay=20)
    page.locator("#previous-contacts", has_text="Første henvendelse").wait_for()


def test_contact_and_case_pages_are_accessible_in_every_language(page):
    sign_in(page, "nh.agent")
    page.goto("/cases/?view=all")
    first_case = page.locator("table a.ds-link").first.get_attribute("href")
    assert_pages_accessible_in_every_language(
        page, ["/contacts/new/", "/cases/?view=all", first_case, "/notifications/"]
    )


def test_caseworker_and_admin_case_pages_are_accessible_in_every_language(page):
    sign_in(page, "gulen.admin")
    assert_pages_accessible_in_every_language(page, ["/cases/settings/", "/cases/?view=all"])
