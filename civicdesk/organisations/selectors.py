"""Reads in organisations, each already narrowed by ``access`` to what the actor may see."""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.business_time import BusinessCalendar, weekly_hours_to_text
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import access, audit, reference
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import (
    ApiToken,
    AuditEvent,
    CenterMembership,
    Department,
    Municipality,
    Notification,
    OpeningHours,
    Role,
    RoleAssignment,
    ServiceCenter,
    Team,
    Topic,
    User,
)
from civicdesk.organisations.topic_formats import TopicRecord


def municipality_list(*, actor: Actor, center: ServiceCenter | None = None) -> QuerySet[Municipality]:
    """Municipalities the actor reaches; with ``center``, only those it serves now."""
    municipalities = access.visible(actor, Municipality.objects.all())
    if center is not None:
        now = timezone.now()
        municipalities = municipalities.filter(
            Q(memberships__left_at__isnull=True) | Q(memberships__left_at__gt=now),
            memberships__center=center,
            memberships__joined_at__lte=now,
        ).distinct()
    return municipalities


def brand_colour_of(*, slug: str) -> str:
    """A municipality's brand colour is public (its portal shows it to everyone)."""
    colour = Municipality.objects.filter(slug=slug).values_list("brand_colour", flat=True).first()
    if colour is None:
        raise NotFound()
    return colour


def business_calendar_of(*, municipality: Municipality) -> BusinessCalendar:
    """The municipality's working time: its opening hours and its country's public holidays."""
    weekly: dict[int, list] = {}
    for hours in OpeningHours.objects.filter(municipality_id=municipality.pk).order_by("weekday", "opens_at"):
        weekly.setdefault(hours.weekday, []).append((hours.opens_at, hours.closes_at))
    return BusinessCalendar(time_zone=municipality.time_zone, weekly_hours=weekly, country=municipality.country)


def opening_hours_text(*, municipality: Municipality) -> str:
    """The weekly hours written the way the admin types them: "mon-fri 08:00-15:30"."""
    return weekly_hours_to_text(business_calendar_of(municipality=municipality).weekly_hours)


def municipalities_administered(*, actor: Actor) -> QuerySet[Municipality]:
    """The municipalities whose settings the actor keeps (all of them for a platform admin), by name."""
    municipalities = municipality_list(actor=actor)
    reach = access.reach(actor)
    if not reach.everything:
        municipalities = municipalities.filter(pk__in=reach.admin_of)
    return municipalities.order_by("name")


def municipality_get(*, actor: Actor, slug: str) -> Municipality:
    municipality = reference.municipality_by_slug(slug)
    if municipality is None:
        raise NotFound(_("Not found."))
    access.require(actor, Action.VIEW, municipality)
    return municipality


def center_list(*, actor: Actor) -> QuerySet[ServiceCenter]:
    return access.visible(actor, ServiceCenter.objects.all())


def center_get(*, actor: Actor, slug: str) -> ServiceCenter:
    return access.get_visible(actor, ServiceCenter.objects.all(), slug=slug)


def center_memberships(*, actor: Actor, center: ServiceCenter) -> QuerySet[CenterMembership]:
    """The centre's whole history: who joined and left when, oldest first."""
    return (
        access.visible(actor, CenterMembership.objects.filter(center=center))
        .select_related("municipality")
        .order_by("joined_at", "municipality__name")
    )


def membership_get(*, actor: Actor, membership_id: int) -> CenterMembership:
    return access.get_visible(
        actor, CenterMembership.objects.select_related("center", "municipality"), pk=membership_id
    )


def supervisors_of(*, actor: Actor, center: ServiceCenter) -> QuerySet[User]:
    """Active supervisors of the centre who have an e-mail address."""
    users = access.visible(actor, User.objects.filter(is_active=True).exclude(email=""))
    return users.filter(roles__role=Role.SUPERVISOR, roles__center=center).distinct().order_by("username")


def centers_of_actor(*, actor: Actor) -> QuerySet[ServiceCenter]:
    """The centres the actor works in as agent or supervisor."""
    return ServiceCenter.objects.filter(pk__in=access.reach(actor).center_ids)


def department_list(*, actor: Actor, municipality: Municipality | None = None) -> QuerySet[Department]:
    departments = access.visible(actor, Department.objects.select_related("municipality"))
    if municipality is not None:
        departments = departments.filter(municipality=municipality)
    return departments.prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))


def department_get(*, actor: Actor, department_id: int) -> Department:
    return access.get_visible(actor, Department.objects.select_related("municipality"), pk=department_id)


def team_list(*, actor: Actor, municipality: Municipality | None = None) -> QuerySet[Team]:
    teams = access.visible(actor, Team.objects.select_related("department", "municipality"))
    if municipality is not None:
        teams = teams.filter(municipality=municipality)
    return teams


def team_get(*, actor: Actor, team_id: int) -> Team:
    return access.get_visible(actor, Team.objects.select_related("department", "municipality"), pk=team_id)


def staff_list(
    *,
    actor: Actor,
    municipality: Municipality | None = None,
    center: ServiceCenter | None = None,
    role: str | None = None,
    search: str = "",
) -> QuerySet[User]:
    """Staff the actor may see, with their roles; e-mail addresses are not part of a list."""
    users = access.visible(actor, User.objects.filter(kind=User.Kind.STAFF, is_active=True))
    if municipality is not None:
        users = users.filter(
            Q(roles__municipality=municipality) | Q(roles__center__memberships__municipality=municipality)
        )
    if center is not None:
        users = users.filter(roles__center=center)
    if role:
        users = users.filter(roles__role=role)
    if search:
        users = users.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(username__icontains=search)
        )
    roles = RoleAssignment.objects.select_related("center", "municipality", "department", "team")
    return (
        users.distinct()
        .order_by("last_name", "first_name", "username")
        .prefetch_related(Prefetch("roles", queryset=roles))
        .only("id", "username", "first_name", "last_name", "language", "kind")
    )


def staff_account(*, actor: Actor, user_id: int) -> User:
    """A staff member's account for sending them their own mail (not a read shown to anyone)."""
    return access.get_visible(actor, User.objects.filter(kind=User.Kind.STAFF), pk=user_id)


def staff_get(*, actor: Actor, user_id: int) -> User:
    """One staff member with contact details: a read of personal data, so it is audited."""
    user = access.get_visible(actor, User.objects.all(), pk=user_id)
    audit.record_read(actor=actor, obj=user, fields=["email", "first_name", "last_name"])
    return user


def role_assignment_get(*, actor: Actor, user_id: int, role_id: int) -> RoleAssignment:
    return access.get_visible(
        actor, RoleAssignment.objects.select_related("user", "municipality", "center"), pk=role_id, user_id=user_id
    )


def topic_list(
    *,
    actor: Actor,
    municipality: Municipality | None = None,
    search: str = "",
    include_inactive: bool = False,
    only_own: bool = False,
    also_ids: list[int] | None = None,
) -> QuerySet[Topic]:
    """Shared topics plus those of the municipalities the actor reaches; ``search`` matches any language
    and the external codes. ``only_own`` leaves out the shared set."""
    topics = access.visible(actor, Topic.objects.select_related("parent", "municipality"))
    if municipality is not None:
        topics = (
            topics.filter(municipality=municipality)
            if only_own
            else topics.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
        )
    if not include_inactive:
        topics = topics.filter(is_active=True)
    matches = Q()
    for word in search.split():
        matches &= (
            Q(name_en__icontains=word)
            | Q(name_da__icontains=word)
            | Q(name_sv__icontains=word)
            | Q(name_nb__icontains=word)
            | Q(key__icontains=word)
            | Q(kle_number__startswith=word)
        )
    if also_ids:
        matches |= Q(pk__in=also_ids)  # e.g. topics already ticked stay in the narrowed list
    topics = topics.filter(matches)
    return topics.order_by("municipality_id", "parent_id", "key")


def topics_by_keys(*, actor: Actor, keys: list[str], municipality: Municipality | None) -> list[Topic]:
    """Topic keys as topics in use: a municipality's own key wins over a shared one; unknown keys are
    ``Invalid``."""
    if not keys:
        return []
    if municipality is not None and access.can_view(actor, municipality):
        found = reference.topics_in_use(municipality.pk, keys)  # the hot path of logging contacts: no query
    else:
        found = {}
        candidates = access.visible(actor, Topic.objects.filter(key__in=keys, is_active=True))
        for topic in candidates.filter(municipality__isnull=True):
            found[topic.key] = topic
    missing = [key for key in keys if key not in found]
    if missing:
        raise Invalid(_("Unknown topic: %(keys)s") % {"keys": ", ".join(missing)}, field="topics")
    return [found[key] for key in keys]


def topic_get(*, actor: Actor, topic_id: int) -> Topic:
    return access.get_visible(actor, Topic.objects.select_related("parent", "municipality"), pk=topic_id)


def topic_records(*, actor: Actor, municipality: Municipality | None) -> list[TopicRecord]:
    """The taxonomy as records for export, parents before children: shared set, or one municipality's own."""
    topics = list(access.visible(actor, Topic.objects.filter(municipality=municipality).select_related("parent")))
    ids = {topic.pk for topic in topics}
    by_parent: dict[int | None, list[Topic]] = {}
    for topic in topics:
        # A municipality's topic under a shared one is a root of its own export.
        by_parent.setdefault(topic.parent_id if topic.parent_id in ids else None, []).append(topic)
    ordered: list[Topic] = []

    def walk(parent_id):
        for topic in sorted(by_parent.get(parent_id, []), key=lambda t: t.key):
            ordered.append(topic)
            walk(topic.pk)

    walk(None)
    return [
        TopicRecord(
            key=t.key,
            parent_key=t.parent.key if t.parent else None,
            names={code: getattr(t, f"name_{code}") for code in ("en", "da", "sv", "nb") if getattr(t, f"name_{code}")},
            kle=t.kle_number,
            los_uri=t.los_uri,
            notes=t.notes,
        )
        for t in ordered
    ]


def audit_search(
    *,
    actor: Actor,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor_label: str = "",
    municipality: Municipality | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The audit log, newest first: platform admins only (``access`` returns nothing to anyone else)."""
    events = access.visible(actor, AuditEvent.objects.all())
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor_label:
        events = events.filter(actor_label__icontains=actor_label)
    if municipality is not None:
        events = events.filter(municipality_id=municipality.pk)
    if since:
        events = events.filter(at__gte=since)
    if until:
        events = events.filter(at__lt=until)
    return events.order_by("-at", "-id")


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    return access.visible(actor, ApiToken.objects.select_related("center", "municipality"))


def api_token_get(*, actor: Actor, token_id: int) -> ApiToken:
    return access.get_visible(actor, ApiToken.objects.all(), pk=token_id)


LANDING_ORDER = (Role.PLATFORM_ADMIN, Role.SUPERVISOR, Role.AGENT, Role.MUNICIPALITY_ADMIN, Role.CASEWORKER)


def landing_roles(*, actor: Actor) -> list[str]:
    """The actor's roles, most encompassing first; ``portal`` for citizens and employees."""
    if getattr(actor, "kind", User.Kind.STAFF) != User.Kind.STAFF:
        return ["portal"]
    roles = access.reach(actor).roles
    return [role for role in LANDING_ORDER if role in roles]


def landing_role(*, actor: Actor) -> str:
    """Which role's first page the actor sees on signing in; ``none`` for staff without a role yet."""
    roles = landing_roles(actor=actor)
    return roles[0] if roles else "none"


def role_assignments_of(*, actor: Actor) -> QuerySet[RoleAssignment]:
    """The actor's own roles, with where they apply."""
    return RoleAssignment.objects.filter(user_id=getattr(actor, "pk", None)).select_related(
        "center", "municipality", "department", "team"
    )


def home_municipality(*, actor: Actor) -> Municipality | None:
    """The one municipality the actor belongs to, if there is exactly one (for its brand and time zone)."""
    cached = getattr(actor, "_civicdesk_home", False)
    if cached is not False:
        return cached
    found = None
    if getattr(actor, "home_municipality_id", None):
        found = Municipality.objects.filter(pk=actor.home_municipality_id).first()
    elif getattr(actor, "is_authenticated", False):
        reach = access.reach(actor)
        if len(reach.municipality_ids) == 1 and not reach.everything:
            found = Municipality.objects.filter(pk=next(iter(reach.municipality_ids))).first()
    try:
        actor._civicdesk_home = found
    except AttributeError:
        pass
    return found


def time_zone_of(*, actor: Actor) -> str | None:
    """The actor's working time zone: their municipality's, or that of the first municipality their centre serves."""
    home = home_municipality(actor=actor)
    if home is not None:
        return home.time_zone
    served = reference.municipalities_by_id(access.reach(actor).municipality_ids)
    first = min(served, key=lambda municipality: municipality.name, default=None)
    return first.time_zone if first else None


def notifications_of(*, actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's own notifications, newest first."""
    notifications = Notification.objects.filter(user_id=getattr(actor, "pk", None))
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def team_members(*, actor: Actor, team: Team) -> QuerySet[User]:
    """Caseworkers of the team, and of its department when they belong to no particular team."""
    users = access.visible(actor, User.objects.filter(is_active=True, kind=User.Kind.STAFF))
    return (
        users.filter(
            Q(roles__role=Role.CASEWORKER, roles__team=team)
            | Q(roles__role=Role.CASEWORKER, roles__department_id=team.department_id, roles__team__isnull=True)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
