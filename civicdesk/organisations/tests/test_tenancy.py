"""Municipalities join and leave centres (with history), onboarding in one command, departments and teams."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civicdesk.lib.errors import Conflict, Forbidden, Invalid, NotFound
from civicdesk.organisations import access, selectors, services
from civicdesk.organisations.models import CenterMembership, Municipality, ServiceCenter


def test_shared_centre_grows_from_three_to_four_municipalities_with_history(platform_admin, nordhordland):
    history = list(selectors.center_memberships(actor=platform_admin, center=nordhordland))
    assert [m.municipality.slug for m in history] == ["gulen", "osteroy", "samnanger", "aurland"]
    assert history[-1].joined_at > history[0].joined_at
    before_aurland = history[-1].joined_at - dt.timedelta(days=1)
    members_then = {m.municipality.slug for m in history if m.is_current(before_aurland)}
    assert members_then == {"gulen", "osteroy", "samnanger"}


def test_municipality_cannot_join_a_centre_it_is_already_in(platform_admin, gulen, nordhordland):
    with pytest.raises(Conflict):
        services.municipality_join_center(actor=platform_admin, municipality=gulen, center=nordhordland)


def test_leaving_closes_the_membership_and_keeps_it_in_the_history(platform_admin, gulen, nordhordland):
    membership = services.municipality_leave_center(actor=platform_admin, municipality=gulen, center=nordhordland)
    assert membership.left_at is not None
    assert CenterMembership.objects.filter(municipality=gulen, center=nordhordland).count() == 1
    rejoined = services.municipality_join_center(actor=platform_admin, municipality=gulen, center=nordhordland)
    assert CenterMembership.objects.filter(municipality=gulen, center=nordhordland).count() == 2
    assert rejoined.left_at is None


def test_only_a_platform_admin_moves_municipalities_between_centres(
    supervisor, municipality_admin, gulen, nordhordland
):
    for actor in (supervisor, municipality_admin):
        with pytest.raises(Forbidden):
            services.municipality_leave_center(actor=actor, municipality=gulen, center=nordhordland)


def test_add_municipality_command_onboards_into_a_new_centre(db, capsys):
    call_command("add_municipality", "vaksdal", "--name", "Vaksdal", "--country", "NO", "--center", "nordhordland")
    vaksdal = Municipality.objects.get(slug="vaksdal")
    assert (vaksdal.language, vaksdal.time_zone) == ("nb", "Europe/Oslo")
    assert vaksdal.memberships.get().center.slug == "nordhordland"
    call_command(
        "add_municipality", "kalundborg", "--name", "Kalundborg", "--country", "DK", "--center", "vestsjaelland"
    )
    assert ServiceCenter.objects.filter(slug="vestsjaelland").exists()
    assert "Kalundborg [kalundborg] is served by" in capsys.readouterr().out


def test_agents_of_the_centre_see_the_new_municipality_at_once(db, agent):
    call_command("add_municipality", "vaksdal", "--name", "Vaksdal", "--country", "NO", "--center", "nordhordland")
    assert "vaksdal" in {m.slug for m in selectors.municipality_list(actor=agent)}


def test_add_municipality_twice_to_the_same_centre_is_a_clear_error(db):
    with pytest.raises(CommandError, match="already served"):
        call_command("add_municipality", "gulen", "--name", "Gulen", "--country", "NO", "--center", "nordhordland")


def test_municipality_admin_adds_departments_and_teams_in_their_own_municipality(municipality_admin, gulen, osteroy):
    department = services.department_create(actor=municipality_admin, municipality=gulen, name="Kultur")
    team = services.team_create(actor=municipality_admin, department=department, name="Bibliotek")
    assert team.municipality == gulen
    with pytest.raises(NotFound):
        services.department_create(actor=municipality_admin, municipality=osteroy, name="Kultur")


def test_department_names_are_unique_within_a_municipality(municipality_admin, gulen):
    with pytest.raises(Invalid):
        services.department_create(actor=municipality_admin, municipality=gulen, name="Oppvekst")


def test_brand_colour_must_be_a_hex_colour(municipality_admin, gulen):
    with pytest.raises(Invalid) as error:
        services.municipality_update(actor=municipality_admin, municipality=gulen, brand_colour="blue")
    assert error.value.field == "brand_colour"


def test_time_zone_must_be_known(municipality_admin, gulen):
    with pytest.raises(Invalid) as error:
        services.municipality_update(actor=municipality_admin, municipality=gulen, time_zone="Europe/Gulen")
    assert error.value.field == "time_zone"


def test_api_platform_admin_adds_a_municipality_to_a_centre(client_for, platform_admin):
    client = client_for(platform_admin)
    created = client.post(
        "/api/municipalities", {"slug": "modalen", "name": "Modalen", "country": "NO"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    joined = client.post(
        "/api/centers/nordhordland/memberships", {"municipality": "modalen"}, content_type="application/json"
    )
    assert joined.status_code == 201
    left = client.post("/api/centers/nordhordland/memberships/modalen/leave", {}, content_type="application/json")
    assert left.status_code == 200 and left.json()["left_at"]
    detail = client.get("/api/centers/nordhordland").json()
    assert [m["municipality"] for m in detail["memberships"]][-1] == "modalen"


def test_api_supervisor_cannot_change_centre_membership(client_for, supervisor):
    response = client_for(supervisor).post(
        "/api/centers/nordhordland/memberships", {"municipality": "gulen"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_html_platform_admin_lets_a_municipality_leave(client_for, platform_admin, gulen, nordhordland):
    response = client_for(platform_admin).post(
        "/platform/memberships/", {"municipality": gulen.pk, "center": nordhordland.pk, "change": "leave"}
    )
    assert response.status_code == 302
    access.forget_reach(platform_admin)
    assert not CenterMembership.objects.filter(municipality=gulen, center=nordhordland, left_at__isnull=True).exists()


def test_html_leaving_a_centre_one_is_not_in_says_so(client_for, platform_admin, orebro, nordhordland):
    response = client_for(platform_admin).post(
        "/platform/memberships/", {"municipality": orebro.pk, "center": nordhordland.pk, "change": "leave"}
    )
    assert response.status_code == 422
    assert "is not served by" in response.content.decode()


def test_django_admin_adds_a_membership_through_the_join_rule(client_for, platform_admin, nordhordland):
    modalen = services.municipality_create(actor=platform_admin, slug="modalen", name="Modalen", country="NO")
    response = client_for(platform_admin).post(
        "/django-admin/organisations/centermembership/add/",
        {"center": nordhordland.pk, "municipality": modalen.pk, "joined_at_0": "2026-11-01", "joined_at_1": "08:00:00"},
    )
    assert response.status_code == 302
    assert CenterMembership.objects.filter(municipality=modalen, center=nordhordland, left_at__isnull=True).exists()
    from civicdesk.organisations.models import AuditEvent

    assert AuditEvent.objects.filter(action="center.join", details__center="nordhordland").exists()


def test_django_admin_is_for_platform_admins_only(client_for, municipality_admin):
    response = client_for(municipality_admin).get("/django-admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_logo_must_be_a_real_small_image(client_for, municipality_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client_for(municipality_admin).post(
        "/municipality/update/?m=gulen",
        {"name": "Gulen", "language": "nb", "time_zone": "Europe/Oslo", "brand_colour": "#0062ba", "logo": fake},
    )
    assert response.status_code == 422
    assert "PNG, JPEG or WebP" in response.content.decode()
    png = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    response = client_for(municipality_admin).post(
        "/municipality/update/?m=gulen",
        {"name": "Gulen", "language": "nb", "time_zone": "Europe/Oslo", "brand_colour": "#0062ba", "logo": png},
    )
    assert response.status_code == 302
    assert Municipality.objects.get(slug="gulen").logo.name.startswith("municipalities/logos/")


def test_supervisors_are_told_in_their_language_when_a_municipality_joins(
    run_tasks, platform_admin, nordhordland, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    from civicdesk.organisations import services as organisation_services
    from civicdesk.organisations.models import User

    User.objects.filter(pk=supervisor.pk).update(language="nb")
    modalen = organisation_services.municipality_create(
        actor=platform_admin, slug="modalen", name="Modalen", country="NO"
    )
    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.municipality_join_center(actor=platform_admin, municipality=modalen, center=nordhordland)
    run_tasks()
    assert [m.to for m in mailoutbox] == [["nh.supervisor@demo.civicdesk.test"]]
    assert "Modalen" in mailoutbox[0].subject
    assert mailoutbox[0].subject != "Modalen joins Nordhordland servicetorg"  # Bokmål, not English
