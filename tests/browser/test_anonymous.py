"""Before signing in: the sign-in page, by keyboard, in every language."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, assert_pages_accessible_in_every_language

pytestmark = pytest.mark.browser


def test_sign_in_page_is_accessible_in_every_language(page):
    assert_pages_accessible_in_every_language(
        page, ["/login/", "/password/reset/", "/password/reset/sent/", "/password/reset/MQ/bad-token/"], signed_in=False
    )


def test_sign_in_works_by_keyboard_alone(page):
    page.goto("/login/")
    # Chromium applies autofocus at its next rendering step, which may come after "load" on a busy machine.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("nh.agent")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/")


def test_wrong_password_keeps_the_user_name(page):
    page.goto("/login/")
    page.fill("#id_username", "nh.agent")
    page.fill("#id_password", "wrong")
    page.click("main button[type=submit]")
    assert page.locator(".ds-error-summary").is_visible()
    assert page.input_value("#id_username") == "nh.agent"
