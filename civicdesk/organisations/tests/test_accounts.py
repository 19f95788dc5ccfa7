"""Signing in, the first page per role, language per user and per request, password change, rate limits."""

import pytest
from django.core.cache import cache

from civicdesk.organisations.models import User

DEMO_PASSWORD = "civicdesk-demo"


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("admin", "/platform/"),
        ("nh.supervisor", "/supervisor/"),
        ("nh.agent", "/desk/"),
        ("gulen.caseworker", "/casework/"),
        ("gulen.admin", "/municipality/"),
        ("gulen.citizen", "/portal/"),
        ("holbaek.employee", "/portal/"),
    ],
)
def test_each_role_lands_on_its_own_first_page(client, db, username, landing):
    cache.clear()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_sign_in_is_rate_limited(client, db):
    cache.clear()
    statuses = [
        client.post("/login/", {"username": "nh.agent", "password": f"wrong-{n}"}).status_code for n in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    cache.clear()


def test_language_switch_is_remembered_for_the_user(client_for, agent):
    client = client_for(agent)
    response = client.post("/language/", {"language": "nb", "next": "/desk/"}, follow=True)
    assert response.status_code == 200
    assert User.objects.get(pk=agent.pk).language == "nb"
    assert '<html lang="nb"' in client.get("/desk/").content.decode()


def test_language_can_be_chosen_per_request(client_for, agent):
    body = client_for(agent).get("/desk/?lang=sv").content.decode()
    assert '<html lang="sv"' in body


def test_language_switch_refuses_foreign_redirects(client_for, agent):
    response = client_for(agent).post("/language/", {"language": "da", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_dates_follow_the_language(client_for, supervisor):
    client = client_for(supervisor)
    english = client.get("/supervisor/?lang=en").content.decode()
    danish = client.get("/supervisor/?lang=da").content.decode()
    assert "01/09/2021" in english
    assert "01.09.2021" in danish


def test_password_change_keeps_the_user_signed_in(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        "/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/casework/").status_code == 200
    caseworker.refresh_from_db()
    assert caseworker.check_password("a-much-longer-passphrase")


def test_sign_out_needs_a_post(client_for, agent):
    client = client_for(agent)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/desk/").status_code == 302


def test_staff_without_a_role_is_told_whom_to_ask(client, db, system):
    from civicdesk.organisations import services

    newcomer = services.staff_create(actor=system, username="newcomer", password="a-long-enough-password")
    client.force_login(newcomer)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/no-role/"


def test_pages_of_other_roles_are_forbidden(client_for, citizen, caseworker):
    assert client_for(citizen).get("/municipality/").status_code == 403
    assert client_for(caseworker).get("/platform/tokens/").status_code == 403


@pytest.mark.parametrize("path", ["/desk/", "/supervisor/", "/platform/", "/municipality/", "/municipality/topics/"])
def test_pages_use_a_fixed_number_of_queries(client_for, platform_admin, django_assert_max_num_queries, path):
    client = client_for(platform_admin)
    with django_assert_max_num_queries(20):
        assert client.get(path).status_code == 200
