"""Caseworker: their team page, only their own municipality."""

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def test_caseworker_sees_their_team_and_not_other_municipalities(page):
    sign_in(page, "gulen.caseworker")
    assert page.url.endswith("/casework/")
    text = page.locator("main").inner_text()
    assert "Byggesak" in text
    assert "Osterøy" not in text
    assert page.goto("/platform/").status == 403


def test_caseworker_pages_are_accessible_in_every_language(page):
    sign_in(page, "gulen.caseworker")
    assert_pages_accessible_in_every_language(page, ["/casework/"])
