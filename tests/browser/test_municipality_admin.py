"""Municipality admin: keeps the municipality's brand, departments, teams and topics; bad input keeps what was typed."""

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def test_wrong_brand_colour_is_refused_and_nothing_typed_is_lost(page):
    sign_in(page, "gulen.admin")
    assert "/municipality/" in page.url
    page.fill("#id_name", "Gulen kommune")
    page.fill("#id_brand_colour", "blue")
    page.click("form[action$='/municipality/update/'] button[type=submit]")
    assert page.locator(".ds-error-summary").is_visible()
    assert page.input_value("#id_name") == "Gulen kommune"
    assert page.input_value("#id_brand_colour") == "blue"
    assert page.get_attribute("#id_brand_colour", "aria-invalid") == "true"


def test_admin_adds_a_topic_of_their_own(page):
    sign_in(page, "gulen.admin")
    page.goto("/municipality/topics/?m=gulen")
    page.fill("#id_key", "fish-farming")
    page.fill("#id_name_nb", "Havbruk")
    page.fill("#id_parent_key", "environment-utilities")
    page.click("form[action$='/topics/new/'] button[type=submit]")
    assert page.locator("section", has_text="own topics").get_by_text("Havbruk").count() == 1


def test_municipality_admin_pages_are_accessible_in_every_language(page):
    sign_in(page, "gulen.admin")
    assert_pages_accessible_in_every_language(page, ["/municipality/", "/municipality/topics/"])
