"""Citizen and municipal employee: the portal's first page, in their municipality's brand."""

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def test_citizen_lands_on_the_portal_of_their_municipality(page):
    sign_in(page, "gulen.citizen")
    assert page.url.endswith("/portal/")
    assert page.locator("link[href*='/theme/gulen.css']").count() == 1
    assert page.goto("/desk/").status == 403


def test_citizen_portal_is_accessible_in_every_language(page):
    sign_in(page, "gulen.citizen")
    assert_pages_accessible_in_every_language(page, ["/portal/"])


def test_employee_portal_is_accessible_in_every_language(page):
    sign_in(page, "holbaek.employee")
    assert page.url.endswith("/portal/")
    assert_pages_accessible_in_every_language(page, ["/portal/"])
