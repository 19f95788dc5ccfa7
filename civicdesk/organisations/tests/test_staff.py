"""Adding colleagues: an account, a first role and an invitation to choose a password; roles given and taken."""

import re

import pytest

from civicdesk.lib.errors import Forbidden, NotFound
from civicdesk.organisations import access, services
from civicdesk.organisations.models import Role, Team, User


def test_new_caseworker_is_invited_to_choose_a_password_and_can_then_sign_in(
    run_tasks, client, municipality_admin, gulen, django_capture_on_commit_callbacks, mailoutbox
):
    team = Team.objects.get(municipality=gulen, name="Oppmåling")
    with django_capture_on_commit_callbacks(execute=True):
        user = services.staff_onboard(
            actor=municipality_admin,
            username="gulen.new",
            first_name="Nora",
            last_name="Ny",
            email="nora@gulen.test",
            role=Role.CASEWORKER,
            language="nb",
            team=team,
        )
    assert not user.has_usable_password()
    run_tasks()
    invitation = next(m for m in mailoutbox if m.to == ["nora@gulen.test"])
    link = re.search(r"https?://\S+/password/reset/\S+/", invitation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fjord-and-mountain-42", "new_password2": "fjord-and-mountain-42"},
    )
    assert response.status_code == 302
    assert client.login(username="gulen.new", password="fjord-and-mountain-42")


def test_municipality_admin_cannot_add_an_agent_to_a_centre(municipality_admin, nordhordland):
    with pytest.raises(Forbidden):
        services.staff_onboard(
            actor=municipality_admin,
            username="sneaky",
            first_name="S",
            last_name="N",
            email="s@x.test",
            role=Role.AGENT,
            center=nordhordland,
        )
    assert not User.objects.filter(username="sneaky").exists()


def test_municipality_admin_cannot_give_roles_in_another_municipality(municipality_admin, osteroy, caseworker):
    with pytest.raises(NotFound):
        services.role_grant(
            actor=municipality_admin, user=caseworker, role=Role.MUNICIPALITY_ADMIN, municipality=osteroy
        )


def test_revoked_role_takes_away_what_it_gave(platform_admin, caseworker, gulen):
    assignment = caseworker.roles.get(role=Role.CASEWORKER)
    services.role_revoke(actor=platform_admin, assignment=assignment)
    fresh = User.objects.get(pk=caseworker.pk)
    assert gulen.pk not in access.reach(fresh).municipality_ids


def test_api_platform_admin_adds_an_agent_to_a_centre(client_for, platform_admin):
    response = client_for(platform_admin).post(
        "/api/staff",
        {
            "username": "nh.agent9",
            "first_name": "Åse",
            "last_name": "Vik",
            "email": "ase@nh.test",
            "role": "agent",
            "center": "nordhordland",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["roles"][0]["center"] == "nordhordland"


def test_api_role_grant_and_revoke(client_for, platform_admin, caseworker):
    client = client_for(platform_admin)
    granted = client.post(
        f"/api/staff/{caseworker.pk}/roles",
        {"role": "municipality_admin", "municipality": "gulen"},
        content_type="application/json",
    )
    assert granted.status_code == 201
    revoked = client.delete(f"/api/staff/{caseworker.pk}/roles/{granted.json()['id']}")
    assert revoked.status_code == 204
    assert not caseworker.roles.filter(role="municipality_admin").exists()


def test_html_add_colleague_with_a_taken_user_name_keeps_what_was_typed(client_for, municipality_admin):
    response = client_for(municipality_admin).post(
        "/municipality/staff/?m=gulen",
        {
            "staff-username": "nh.agent",
            "staff-first_name": "Kari",
            "staff-last_name": "Dobbel",
            "staff-email": "kari@gulen.test",
            "staff-language": "nb",
            "staff-role": "caseworker",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="Dobbel"' in body and 'value="kari@gulen.test"' in body


def test_forgotten_password_answer_does_not_reveal_whether_the_address_is_known(client, db, mailoutbox):
    known = client.post("/password/reset/", {"email": "nh.agent@demo.civicdesk.test"})
    unknown = client.post("/password/reset/", {"email": "nobody@nowhere.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1
