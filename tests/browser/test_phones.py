"""The phone pages in Chromium, in every language: the supervisor's queues, agents, duty rota and wallboard;
the municipality admin's numbers and IVR menu with its announcements; the agent's phone. And the rota and
the menu kept by keyboard alone."""

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def test_supervisors_phone_pages_are_accessible_in_every_language(page):
    sign_in(page, "nh.supervisor")
    page.goto("/routing/agents/?center=nordhordland")
    agent_edit = page.locator("main table a", has_text="Edit").first.get_attribute("href")
    page.goto("/routing/queues/?center=nordhordland")
    queue_edit = page.locator("main table a", has_text="Edit").first.get_attribute("href")

    assert_pages_accessible_in_every_language(
        page,
        [
            "/telephony/wallboard/?center=nordhordland",
            "/routing/queues/?center=nordhordland",
            "/routing/queues/new/?center=nordhordland",
            queue_edit,
            "/routing/skills/?center=nordhordland",
            "/routing/agents/?center=nordhordland",
            "/routing/agents/new/?center=nordhordland",
            agent_edit,
            "/routing/rota/?center=nordhordland",
        ],
    )
    # The wall display has no page frame (no header, no sign-out): the language it shows is the one chosen.
    assert_pages_accessible_in_every_language(
        page,
        ["/telephony/wallboard/?center=nordhordland", "/telephony/wallboard/?center=nordhordland&display=wall"],
        signed_in=False,
    )


def test_municipality_admins_numbers_and_menu_are_accessible_in_every_language(page):
    sign_in(page, "gulen.admin")
    page.goto("/telephony/numbers/")
    menu = page.locator("main td a[href*='/telephony/menus/']").first.get_attribute("href")
    page.goto(menu)
    step_edit = page.locator("main a[href*='/telephony/steps/'][href$='/edit/']").first.get_attribute("href")
    announcements = page.locator("main a[href*='/announcements/']").first.get_attribute("href")

    assert_pages_accessible_in_every_language(
        page, ["/telephony/numbers/", "/telephony/numbers/new/", menu, step_edit, announcements]
    )


def test_agents_phone_is_accessible_in_every_language(page):
    sign_in(page, "nh.agent2")
    assert_pages_accessible_in_every_language(page, ["/telephony/phone/", "/contacts/new/"])


def test_a_supervisor_adds_a_phone_shift_to_the_rota_by_keyboard(page):
    sign_in(page, "nh.supervisor")
    page.goto("/routing/rota/?center=nordhordland")
    shifts_before = page.locator("#rota table li").count()

    page.focus("#id_agent")
    page.keyboard.press("ArrowDown")  # the next agent in the list; the day is the week's Monday already
    # Native time fields: Tab walks through their hour and minute parts, so they are filled as typing would.
    page.fill("#id_starts", "08:00")
    page.fill("#id_ends", "12:00")
    page.focus("#id_note")
    page.keyboard.type("Keyboard")
    page.keyboard.press("Enter")

    try:
        page.wait_for_function(f"document.querySelectorAll('#rota table li').length === {shifts_before + 1}")
    except Exception:
        raise AssertionError(page.inner_text("main")[-1500:]) from None
    assert page.locator("#rota table li", has_text="Keyboard").count() == 1
