"""Supervisor: sees the centre's municipalities with their history, and its staff."""

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def test_supervisor_lands_on_the_centre_with_its_history(page):
    sign_in(page, "nh.supervisor")
    assert page.url.endswith("/supervisor/")
    text = page.locator("main").inner_text()
    for name in ("Gulen", "Osterøy", "Samnanger", "Aurland", "Ola Haugland"):
        assert name in text
    assert "Örebro" not in text


def test_supervisor_pages_are_accessible_in_every_language(page):
    sign_in(page, "nh.supervisor")
    assert_pages_accessible_in_every_language(page, ["/supervisor/", "/desk/", "/desk/?q=bygg"])
