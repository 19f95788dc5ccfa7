"""Municipalities, service centres and who they serve when, departments and teams."""

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.business_time import weekly_hours_from_text
from civicdesk.lib.errors import Conflict, Invalid, clean
from civicdesk.organisations import access, audit, tasks
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import (
    COUNTRY_DEFAULTS,
    CenterMembership,
    Department,
    Municipality,
    OpeningHours,
    ServiceCenter,
    Team,
)

MUNICIPALITY_EDITABLE = ("name", "language", "time_zone", "brand_colour", "logo")


@transaction.atomic
def center_create(*, actor: Actor, slug: str, name: str, is_internal: bool = False) -> ServiceCenter:
    """Only a platform admin opens a service centre; its short name is unique."""
    access.require_platform_admin(actor)
    center = ServiceCenter(slug=slug, name=name, is_internal=is_internal)
    clean(center)
    center.save()
    audit.record(actor=actor, action="center.create", obj=center)
    return center


@transaction.atomic
def municipality_create(
    *,
    actor: Actor,
    slug: str,
    name: str,
    country: str,
    language: str = "",
    time_zone: str = "",
    brand_colour: str = "#0062ba",
    code: str = "",
) -> Municipality:
    """Only a platform admin adds a municipality; language and time zone default from its country, the
    case prefix from its short name, and it opens on weekdays 08:00–15:30 until its admin says otherwise."""
    access.require_platform_admin(actor)
    default_language, default_zone = COUNTRY_DEFAULTS.get(country, ("en", "UTC"))
    municipality = Municipality(
        slug=slug,
        name=name,
        code=code or _free_code(slug),
        country=country,
        language=language or default_language,
        time_zone=time_zone or default_zone,
        brand_colour=brand_colour,
    )
    clean(municipality)
    municipality.save()
    audit.record(actor=actor, action="municipality.create", obj=municipality)
    _hours_replace(municipality, weekly_hours_from_text(DEFAULT_OPENING_HOURS))
    return municipality


DEFAULT_OPENING_HOURS = "mon-fri 08:00-15:30"


def _free_code(slug: str) -> str:
    base = (re.sub(r"[^A-Z]", "", slug.upper()) or "MUN")[:3].ljust(2, "X")
    code, n = base, 1
    while Municipality.objects.filter(code=code).exists():
        code, n = f"{base}{n}"[:6], n + 1
    return code


def _hours_replace(municipality: Municipality, weekly: dict) -> None:
    OpeningHours.objects.filter(municipality=municipality).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(municipality=municipality, weekday=day, opens_at=opens, closes_at=closes)
        for day, intervals in sorted(weekly.items())
        for opens, closes in intervals
    )


@transaction.atomic
def opening_hours_set(*, actor: Actor, municipality: Municipality, spec: str) -> Municipality:
    """A municipality admin sets the weekly opening hours, e.g. "mon-thu 08:00-15:30; fri 08:00-14:00".
    SLA clocks count only these hours; there must be some."""
    access.require(actor, Action.CHANGE, municipality)
    try:
        weekly = weekly_hours_from_text(spec)
    except ValueError as error:
        raise Invalid(
            _("The opening hours are not readable: %(error)s") % {"error": error}, field="opening_hours"
        ) from None
    if not any(weekly.values()):
        raise Invalid(_("Give at least one opening interval."), field="opening_hours")
    _hours_replace(municipality, weekly)
    audit.record(actor=actor, action="municipality.opening_hours", obj=municipality, details={"spec": spec})
    return municipality


@transaction.atomic
def municipality_update(*, actor: Actor, municipality: Municipality, **changes) -> Municipality:
    """A municipality admin (or platform admin) keeps its name, language, time zone, brand colour and logo."""
    access.require(actor, Action.CHANGE, municipality)
    unknown = set(changes) - set(MUNICIPALITY_EDITABLE)
    if unknown:
        raise Invalid(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    before = {name: str(getattr(municipality, name)) for name in changes}
    for name, value in changes.items():
        setattr(municipality, name, value)
    clean(municipality)
    municipality.save(update_fields=[*changes, "updated_at"])
    after = {name: str(getattr(municipality, name)) for name in changes}
    audit.record(
        actor=actor,
        action="municipality.update",
        obj=municipality,
        details={"before": before, "after": after},
    )
    return municipality


def _open_membership(center: ServiceCenter, municipality: Municipality) -> CenterMembership | None:
    return (
        CenterMembership.objects.select_for_update()
        .filter(center=center, municipality=municipality, left_at__isnull=True)
        .first()
    )


def _notify_if_current(membership: CenterMembership, change: str, at: datetime | None) -> None:
    """Supervisors are told of a change that happens now; recording past history tells nobody."""
    if at is None or at >= timezone.now() - timedelta(days=1):
        transaction.on_commit(
            lambda: tasks.center_membership_notify.enqueue(membership_id=membership.pk, change=change)
        )


@transaction.atomic
def municipality_join_center(
    *, actor: Actor, municipality: Municipality, center: ServiceCenter, at: datetime | None = None
) -> CenterMembership:
    """A municipality joins a centre from ``at`` (now by default); it cannot join twice at once."""
    access.require_platform_admin(actor)
    if _open_membership(center, municipality):
        raise Conflict(
            _("%(municipality)s is already served by %(center)s.") % {"municipality": municipality, "center": center}
        )
    membership = CenterMembership(center=center, municipality=municipality, joined_at=at or timezone.now())
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise Conflict(
            _("%(municipality)s is already served by %(center)s.") % {"municipality": municipality, "center": center}
        ) from None
    audit.record(actor=actor, action="center.join", obj=membership, details={"center": center.slug})
    _notify_if_current(membership, "join", at)
    return membership


@transaction.atomic
def municipality_leave_center(
    *, actor: Actor, municipality: Municipality, center: ServiceCenter, at: datetime | None = None
) -> CenterMembership:
    """A municipality leaves a centre; the membership is closed, never deleted, so history stays."""
    access.require_platform_admin(actor)
    membership = _open_membership(center, municipality)
    if membership is None:
        raise Invalid(
            _("%(municipality)s is not served by %(center)s.") % {"municipality": municipality, "center": center}
        )
    left_at = at or timezone.now()
    if left_at < membership.joined_at:
        raise Invalid(_("A municipality cannot leave before it joined."), field="left_at")
    membership.left_at = left_at
    membership.save(update_fields=["left_at"])
    audit.record(actor=actor, action="center.leave", obj=membership, details={"center": center.slug})
    _notify_if_current(membership, "leave", at)
    return membership


@transaction.atomic
def municipality_onboard(
    *,
    actor: Actor,
    slug: str,
    name: str,
    country: str,
    center_slug: str,
    center_name: str = "",
    at: datetime | None = None,
) -> tuple[Municipality, ServiceCenter, CenterMembership]:
    """Onboarding in one step: the municipality (new or existing) joins the centre, created when missing."""
    access.require_platform_admin(actor)
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        municipality = municipality_create(actor=actor, slug=slug, name=name, country=country)
    elif municipality.country != country:
        raise Invalid(
            _("%(municipality)s exists already, in another country.") % {"municipality": municipality},
            field="country",
        )
    center = ServiceCenter.objects.filter(slug=center_slug).first()
    if center is None:
        center = center_create(actor=actor, slug=center_slug, name=center_name or center_slug.replace("-", " ").title())
    membership = municipality_join_center(actor=actor, municipality=municipality, center=center, at=at)
    return municipality, center, membership


@transaction.atomic
def department_create(*, actor: Actor, municipality: Municipality, name: str) -> Department:
    """A municipality admin adds a department to their municipality; names are unique within it."""
    access.require_add(actor, Department, municipality)
    department = Department(municipality=municipality, name=name.strip())
    clean(department)
    department.save()
    audit.record(actor=actor, action="department.create", obj=department)
    return department


@transaction.atomic
def team_create(*, actor: Actor, department: Department, name: str) -> Team:
    """A team belongs to one department and so to its municipality."""
    access.require(actor, Action.CHANGE, department)
    team = Team(municipality_id=department.municipality_id, department=department, name=name.strip())
    clean(team)
    team.save()
    audit.record(actor=actor, action="team.create", obj=team)
    return team
