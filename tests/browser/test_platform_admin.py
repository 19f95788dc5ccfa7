"""Platform admin: lands on the platform page; every page of theirs passes axe in all four languages."""

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, sign_in

pytestmark = pytest.mark.browser


def test_platform_admin_pages_are_accessible_in_every_language(page):
    sign_in(page, "admin")
    assert page.url.endswith("/platform/")
    assert_pages_accessible_in_every_language(
        page,
        [
            "/platform/",
            "/platform/audit/",
            "/platform/audit/?action=user",
            "/platform/tokens/",
            "/desk/",
            "/municipality/?m=gulen",
            "/municipality/topics/?m=gulen",
            "/password/",
            ("/no-such-page/", 404),
        ],
    )


def test_platform_admin_lets_a_municipality_leave_and_rejoin_a_centre_from_the_page(page):
    sign_in(page, "admin")
    page.select_option("#id_municipality", label="Aurland")
    page.select_option("#id_center", label="Nordhordland servicetorg")
    page.click("button[value=leave]")
    aurland_rows = page.locator("section", has_text="Nordhordland servicetorg").locator("tr", has_text="Aurland")
    assert aurland_rows.count() == 1
    assert "—" not in aurland_rows.first.inner_text()
    page.select_option("#id_municipality", label="Aurland")
    page.select_option("#id_center", label="Nordhordland servicetorg")
    page.click("button[value=join]")
    assert page.locator("section", has_text="Nordhordland servicetorg").locator("tr", has_text="Aurland").count() == 2


def test_new_api_token_is_shown_once(page):
    sign_in(page, "admin")
    page.goto("/platform/tokens/")
    page.fill("#id_name", "Browser test integration")
    page.select_option("#id_municipality", label="Gulen")
    page.click("main button[type=submit]")
    secret = page.locator(".cd-secret").inner_text()
    assert secret.startswith("cdk_")
    page.goto("/platform/tokens/")
    assert page.locator(".cd-secret").count() == 0
    assert secret not in page.content()
