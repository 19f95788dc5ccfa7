"""The one access layer: who may see or change what.

Every view, API endpoint and selector asks here. An actor is a signed-in ``User``, an ``ApiToken``
or ``SYSTEM``. What an actor reaches is the set of municipalities its roles give it:

- platform admin: everything;
- agent and supervisor: every municipality currently served by their centre;
- caseworker: the municipality of their department; municipality admin: their municipality;
- citizen and employee: their home municipality's public information only;
- API token: its municipality, or the municipalities its centre serves now.

``visible`` narrows a queryset to what the actor may see; ``can``/``require`` decide one action on one
object. Nothing outside this module decides access.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Forbidden, NotFound
from civicdesk.lib.memo import Memo
from civicdesk.organisations.models import (
    ApiToken,
    AuditEvent,
    CenterMembership,
    Department,
    Municipality,
    Role,
    RoleAssignment,
    ServiceCenter,
    Team,
    Topic,
    User,
)


class SystemActor:
    """Background work and management commands acting on behalf of the platform itself."""

    pk = None
    is_authenticated = True

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


@dataclass(frozen=True)
class PublicVisitor:
    """Someone on a municipality's public pages without signing in: reads what its citizens may read
    (published public answers, public incidents), nothing else, and changes nothing."""

    municipality_id: int
    pk = None
    is_authenticated = False
    is_active = True

    def __str__(self) -> str:
        return f"visitor of municipality {self.municipality_id}"


def public_visitor(municipality: Municipality) -> PublicVisitor:
    return PublicVisitor(municipality.pk)


Actor = User | ApiToken | SystemActor | PublicVisitor | AnonymousUser


class Action:
    VIEW = "view"
    CHANGE = "change"
    CHANGE_OWN = "change_own"  # one's own row of a centre kind (an agent's state): theirs, or a supervisor's


class Permission:
    """Named permissions an API token can carry."""

    READ = "read"
    WRITE_TOPICS = "topics:write"
    WRITE_ORGANISATION = "organisation:write"
    WRITE_CONTACTS = "contacts:write"
    WRITE_CASES = "cases:write"
    WRITE_KNOWLEDGE = "knowledge:write"
    WRITE_ROUTING = "routing:write"
    WRITE_TELEPHONY = "telephony:write"
    ALL = (
        READ,
        WRITE_TOPICS,
        WRITE_ORGANISATION,
        WRITE_CONTACTS,
        WRITE_CASES,
        WRITE_KNOWLEDGE,
        WRITE_ROUTING,
        WRITE_TELEPHONY,
    )


@dataclass(frozen=True)
class OwnedKind:
    """A kind of row from a higher package, owned by a municipality (``owner`` is the lookup path to its id).

    Work rows (contacts, cases, notes, …): every staff member who reaches the municipality may see and
    change them. Setting rows (SLA policies, mailboxes, …): staff who reach it see them, only its admins
    change them. A token needs ``token_permission`` to change either.
    """

    owner: str
    token_permission: str
    is_setting: bool = False
    public: bool = False
    internal_field: str = ""


_WORK_KINDS: dict[type[Model], OwnedKind] = {}


def register_work_kind(model: type[Model], *, owner: str = "municipality_id", token_permission: str) -> None:
    """Called from a package's ``AppConfig.ready``: the rules stay here, the package only names its rows."""
    _WORK_KINDS[model] = OwnedKind(owner=owner, token_permission=token_permission)


def register_setting_kind(
    model: type[Model], *, owner: str = "municipality_id", public: bool = False, internal_field: str = ""
) -> None:
    """Like ``register_work_kind`` for rows that only the municipality's admins change. ``public`` rows
    (the directory) are also seen by the municipality's citizens and employees, except those whose
    ``internal_field`` is true, which only staff and employees see."""
    _WORK_KINDS[model] = OwnedKind(
        owner=owner,
        token_permission=Permission.WRITE_ORGANISATION,
        is_setting=True,
        public=public,
        internal_field=internal_field,
    )


@dataclass(frozen=True)
class ScopedKind:
    """Rows of every municipality a centre serves (``municipality`` empty, ``center`` set) or of one
    municipality: the knowledge base and the incident list. Staff who reach the municipality see them;
    ``readers`` narrows what its citizens (``internal=False``) and employees (``internal=True``) see, or
    None when they see none. Its admins change the municipality's own rows; the centre's supervisors
    change its shared rows and, with ``supervisors_change_local``, those of the municipalities it serves."""

    token_permission: str
    readers: Callable[[bool], Q] | None = None
    supervisors_change_local: bool = False


_SCOPED_KINDS: dict[type[Model], ScopedKind] = {}


def register_scoped_kind(
    model: type[Model],
    *,
    token_permission: str,
    readers: Callable[[bool], Q] | None = None,
    supervisors_change_local: bool = False,
) -> None:
    _SCOPED_KINDS[model] = ScopedKind(token_permission, readers, supervisors_change_local)


@dataclass(frozen=True)
class CenterKind:
    """Rows of a centre's own work: its queues' agents, skills, duty rota, calls and alerts (``center`` is the
    lookup path to the centre's id). The centre's agents and supervisors and its tokens see them; its
    supervisors (and tokens with ``token_permission``) change them; ``self_field`` names the user a row is
    about, who may change it too (``Action.CHANGE_OWN``: an agent's own state)."""

    center: str
    token_permission: str
    self_field: str = ""


_CENTER_KINDS: dict[type[Model], CenterKind] = {}


def register_center_kind(
    model: type[Model], *, center: str = "center_id", token_permission: str, self_field: str = ""
) -> None:
    _CENTER_KINDS[model] = CenterKind(center, token_permission, self_field)


def _owner_value(obj: Model, path: str):
    value = obj
    for part in path.split("__"):
        value = getattr(value, part)
        if value is None:
            return None
    return value


@dataclass(frozen=True)
class Reach:
    """What an actor reaches: every municipality, or a set of them, and under which roles."""

    everything: bool = False
    municipality_ids: frozenset[int] = frozenset()
    center_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()
    admin_of: frozenset[int] = frozenset()
    supervises: frozenset[int] = frozenset()
    permissions: frozenset[str] = frozenset()

    def has_role(self, role: str) -> bool:
        return role in self.roles


# Which centre serves which municipality, when: a few rows read by nearly every request, kept in each
# process and renewed in all of them when a membership changes (lib/memo).
MEMBERSHIPS = Memo("centre-memberships")


def _membership_rows() -> list[tuple]:
    return MEMBERSHIPS.get(
        "all",
        lambda: list(CenterMembership.objects.values_list("center_id", "municipality_id", "joined_at", "left_at")),
    )


def current_member_ids(center_ids) -> set[int]:
    """Municipalities served now by any of the centres."""
    now = timezone.now()
    rows = _membership_rows()
    return {
        municipality_id
        for center_id, municipality_id, joined_at, left_at in rows
        if center_id in center_ids and joined_at <= now and (left_at is None or left_at > now)
    }


def centers_serving_ids(municipality_ids) -> set[int]:
    """Centres serving any of the municipalities now."""
    now = timezone.now()
    rows = _membership_rows()
    return {
        center_id
        for center_id, municipality_id, joined_at, left_at in rows
        if municipality_id in municipality_ids and joined_at <= now and (left_at is None or left_at > now)
    }


def _memberships_changed(sender, **kwargs) -> None:
    MEMBERSHIPS.bump()


for _signal in (post_save, post_delete):
    _signal.connect(_memberships_changed, sender=CenterMembership, dispatch_uid=f"access-memberships-{_signal}")


def reach(actor: Actor) -> Reach:
    """Compute (once per actor object) the municipalities and roles the actor reaches."""
    cached = getattr(actor, "_civicdesk_reach", None)
    if cached is not None:
        return cached
    result = _compute_reach(actor)
    try:
        actor._civicdesk_reach = result
    except AttributeError:
        pass
    return result


def forget_reach(actor: Actor) -> None:
    """Drop the cached reach after the actor's roles or memberships changed."""
    if hasattr(actor, "_civicdesk_reach"):
        del actor._civicdesk_reach


def _compute_reach(actor: Actor) -> Reach:
    if isinstance(actor, SystemActor):
        return Reach(everything=True, roles=frozenset({Role.PLATFORM_ADMIN}), permissions=frozenset(Permission.ALL))
    if isinstance(actor, ApiToken):
        if not actor.is_active:
            return Reach()
        ids = {actor.municipality_id} if actor.municipality_id else current_member_ids([actor.center_id])
        centers = {actor.center_id} if actor.center_id else set()
        return Reach(
            municipality_ids=frozenset(ids),
            center_ids=frozenset(centers),
            permissions=frozenset(actor.permissions),
        )
    if isinstance(actor, PublicVisitor):
        return Reach(municipality_ids=frozenset({actor.municipality_id}), roles=frozenset({"visitor"}))
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Reach()
    if actor.kind != User.Kind.STAFF:
        home = frozenset({actor.home_municipality_id}) if actor.home_municipality_id else frozenset()
        return Reach(municipality_ids=home, roles=frozenset({actor.kind}))
    assignments = list(RoleAssignment.objects.filter(user=actor))
    roles = frozenset(a.role for a in assignments)
    if Role.PLATFORM_ADMIN in roles or actor.is_superuser:
        return Reach(everything=True, roles=roles | {Role.PLATFORM_ADMIN}, permissions=frozenset(Permission.ALL))
    center_ids = {a.center_id for a in assignments if a.center_id}
    municipal = {a.municipality_id for a in assignments if a.municipality_id}
    ids = current_member_ids(center_ids) | municipal
    return Reach(
        municipality_ids=frozenset(ids),
        center_ids=frozenset(center_ids),
        roles=roles,
        admin_of=frozenset(a.municipality_id for a in assignments if a.role == Role.MUNICIPALITY_ADMIN),
        supervises=frozenset(a.center_id for a in assignments if a.role == Role.SUPERVISOR),
        permissions=frozenset({Permission.READ}),
    )


def is_staff_actor(actor: Actor) -> bool:
    return isinstance(actor, SystemActor | ApiToken) or (
        getattr(actor, "is_authenticated", False) and getattr(actor, "kind", None) == User.Kind.STAFF
    )


def is_internal_actor(actor: Actor) -> bool:
    """Staff, systems and the municipality's own employees: those who may see what is internal-only."""
    return is_staff_actor(actor) or (
        getattr(actor, "is_authenticated", False) and getattr(actor, "kind", None) == User.Kind.EMPLOYEE
    )


def works_at(actor: Actor, center: ServiceCenter) -> bool:
    """Does the actor read the centre's own work (its calls, agents, queues' live picture)? Its agents and
    supervisors, its tokens that may read, and platform admins: whoever ``visible`` shows centre kinds to."""
    r = reach(actor)
    if r.everything:
        return True
    if isinstance(actor, ApiToken) and Permission.READ not in r.permissions:
        return False
    return is_staff_actor(actor) and center.pk in r.center_ids


def is_supervisor_of(actor: Actor, center: ServiceCenter) -> bool:
    """Does the actor supervise ``center`` (or everything)?"""
    r = reach(actor)
    return r.everything or (is_staff_actor(actor) and center.pk in r.supervises)


def is_platform_admin(actor: Actor) -> bool:
    return reach(actor).everything


# --- Which municipality owns a row -------------------------------------------------------------------------------


def _user_q(ids) -> Q:
    """Users belonging to the municipalities: by role there, by their centre serving one, or by home."""
    now = timezone.now()
    centers = (
        CenterMembership.objects.filter(municipality_id__in=ids, joined_at__lte=now)
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=now))
        .values("center_id")
    )
    return Q(roles__municipality_id__in=ids) | Q(roles__center_id__in=centers) | Q(home_municipality_id__in=ids)


def _owner_q(model: type[Model], ids) -> Q:
    if model is Municipality:
        return Q(pk__in=ids)
    if model in (Department, Team, AuditEvent):
        return Q(municipality_id__in=ids)
    if model is Topic:
        return Q(municipality__isnull=True) | Q(municipality_id__in=ids)
    if model is CenterMembership:
        return Q(municipality_id__in=ids)
    if model is ServiceCenter:
        return Q(pk__in=CenterMembership.objects.filter(municipality_id__in=ids).values("center_id"))
    if model is ApiToken:
        return Q(municipality_id__in=ids)
    if model is User:
        return _user_q(ids)
    if model is RoleAssignment:
        return Q(municipality_id__in=ids) | Q(center_id__in=_centers_serving(ids))
    if model in _WORK_KINDS:
        return Q(**{f"{_WORK_KINDS[model].owner}__in": ids})
    if model in _SCOPED_KINDS:
        return Q(municipality_id__in=ids) | Q(municipality__isnull=True, center_id__in=_centers_serving(ids))
    if model in _CENTER_KINDS:
        return Q(**{f"{_CENTER_KINDS[model].center}__in": _centers_serving(ids)})
    raise TypeError(f"access: no owner rule for {model.__name__}")


def owned_by(model: type[Model], municipality_ids) -> Q:
    """Rows of ``model`` that belong to these municipalities (for scoped kinds: their own and those shared
    by a centre serving them). Narrowing only: what an actor sees is still ``visible``'s to say."""
    return _owner_q(model, municipality_ids)


def _centers_serving(ids):
    now = timezone.now()
    return (
        CenterMembership.objects.filter(municipality_id__in=ids, joined_at__lte=now)
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=now))
        .values("center_id")
    )


def owner_ids(obj: Model) -> set[int | None]:
    """The municipalities an object belongs to (``{None}`` for shared rows such as default topics)."""
    if isinstance(obj, Municipality):
        return {obj.pk}
    if isinstance(obj, Department | Team | AuditEvent | CenterMembership | Topic):
        return {obj.municipality_id}
    if isinstance(obj, ServiceCenter):
        return current_member_ids([obj.pk])
    if isinstance(obj, ApiToken):
        return {obj.municipality_id} if obj.municipality_id else current_member_ids([obj.center_id])
    if isinstance(obj, User):
        return set(reach(obj).municipality_ids)
    if isinstance(obj, RoleAssignment):
        return {obj.municipality_id} if obj.municipality_id else current_member_ids([obj.center_id])
    if type(obj) in _WORK_KINDS:
        return {_owner_value(obj, _WORK_KINDS[type(obj)].owner)}
    if type(obj) in _SCOPED_KINDS:
        return {obj.municipality_id} if obj.municipality_id else current_member_ids([obj.center_id])
    if type(obj) in _CENTER_KINDS:
        return current_member_ids([_owner_value(obj, _CENTER_KINDS[type(obj)].center)])
    raise TypeError(f"access: no owner rule for {type(obj).__name__}")


# --- Seeing -------------------------------------------------------------------------------------------------------

_STAFF_ONLY = (AuditEvent, ApiToken, User, RoleAssignment, CenterMembership, Team, Department)


def visible(actor: Actor, queryset: QuerySet) -> QuerySet:
    """The rows of ``queryset`` the actor may see."""
    model = queryset.model
    r = reach(actor)
    if model is AuditEvent:
        return queryset if r.everything else queryset.none()
    if r.everything:
        return queryset
    if isinstance(actor, ApiToken) and Permission.READ not in r.permissions:
        return queryset.none()
    center_kind = _CENTER_KINDS.get(model)
    if center_kind is not None:
        return (
            queryset.filter(**{f"{center_kind.center}__in": r.center_ids}) if is_staff_actor(actor) else queryset.none()
        )
    scoped = _SCOPED_KINDS.get(model)
    if scoped is not None and not is_staff_actor(actor):
        if scoped.readers is None:
            return queryset.none()
        return queryset.filter(_owner_q(model, r.municipality_ids)).filter(scoped.readers(is_internal_actor(actor)))
    kind = _WORK_KINDS.get(model)
    if kind is not None and kind.public and not is_staff_actor(actor):
        rows = queryset.filter(_owner_q(model, r.municipality_ids))
        if kind.internal_field and not is_internal_actor(actor):
            rows = rows.filter(**{kind.internal_field: False})
        return rows
    if not is_staff_actor(actor) and (model in _STAFF_ONLY or model in _WORK_KINDS):
        return queryset.none()
    if model is ApiToken and not r.admin_of:
        return queryset.none()
    if model is ApiToken:
        return queryset.filter(municipality_id__in=r.admin_of)
    if model is ServiceCenter and r.center_ids:
        return queryset.filter(Q(pk__in=r.center_ids) | _owner_q(model, r.municipality_ids)).distinct()
    if model is ServiceCenter:
        # A caseworker or municipality admin sees the centres serving their municipality; citizens none.
        return queryset.filter(_owner_q(model, r.municipality_ids)) if is_staff_actor(actor) else queryset.none()
    if model is User:
        return queryset.filter(_owner_q(model, r.municipality_ids), kind=User.Kind.STAFF).distinct()
    return queryset.filter(_owner_q(model, r.municipality_ids))


def visible_municipality_ids(actor: Actor) -> set[int]:
    """The ids of the municipalities ``visible`` would give, from the reach alone where it can."""
    r = reach(actor)
    if r.everything:
        return set(Municipality.objects.values_list("pk", flat=True))
    if isinstance(actor, ApiToken) and Permission.READ not in r.permissions:
        return set()
    return set(r.municipality_ids)


def can_view(actor: Actor, obj: Model) -> bool:
    if isinstance(obj, Municipality) and obj.pk is not None:
        # The commonest question, answered from the reach without a query.
        r = reach(actor)
        if isinstance(actor, ApiToken) and Permission.READ not in r.permissions:
            return False
        return r.everything or obj.pk in r.municipality_ids
    return visible(actor, type(obj)._default_manager.filter(pk=obj.pk)).exists()


# --- Changing -----------------------------------------------------------------------------------------------------


def can(actor: Actor, action: str, obj: Model) -> bool:
    """May the actor take ``action`` on ``obj``? Viewing is ``visible``; changing is decided by kind."""
    if action == Action.VIEW:
        return can_view(actor, obj)
    r = reach(actor)
    if type(obj) in _CENTER_KINDS:
        return _can_change_center_kind(actor, r, action, obj)
    if isinstance(obj, AuditEvent):
        return False
    if r.everything:
        return True
    owners = owner_ids(obj)
    if type(obj) in _WORK_KINDS:
        return _can_work_on(actor, r, type(obj), owners)
    if type(obj) in _SCOPED_KINDS:
        return _can_change_scoped(actor, r, obj, owners)
    if isinstance(actor, ApiToken):
        needed = Permission.WRITE_TOPICS if isinstance(obj, Topic) else Permission.WRITE_ORGANISATION
        if needed not in r.permissions or isinstance(obj, ServiceCenter | CenterMembership | ApiToken):
            return False
        return None not in owners and owners <= r.municipality_ids
    if isinstance(obj, ServiceCenter | CenterMembership):
        return False  # joining and leaving a centre is the platform admin's
    if isinstance(obj, User):
        # A municipality admin manages staff of their own municipality, but never a platform admin.
        return bool(obj.pk) and not reach(obj).everything and bool(owners) and owners <= r.admin_of
    if None in owners:
        return False  # shared rows (default topics) belong to the platform
    return bool(owners) and owners <= r.admin_of


def _can_work_on(actor: Actor, r: Reach, model: type[Model], owners: set) -> bool:
    if None in owners or not owners <= r.municipality_ids:
        return False
    kind = _WORK_KINDS[model]
    if isinstance(actor, ApiToken):
        return kind.token_permission in r.permissions
    if kind.is_setting:
        return owners <= r.admin_of
    return is_staff_actor(actor) and bool(r.roles)


def _can_change_center_kind(actor: Actor, r: Reach, action: str, obj: Model) -> bool:
    kind = _CENTER_KINDS[type(obj)]
    if r.everything:
        return True
    center_id = _owner_value(obj, kind.center)
    if center_id not in r.center_ids:
        return False
    if isinstance(actor, ApiToken):
        return kind.token_permission in r.permissions
    own = action == Action.CHANGE_OWN and kind.self_field and actor.pk is not None
    if own and _owner_value(obj, kind.self_field) == actor.pk:
        return True
    return is_staff_actor(actor) and center_id in r.supervises


def _can_change_scoped(actor: Actor, r: Reach, obj: Model, owners: set) -> bool:
    kind = _SCOPED_KINDS[type(obj)]
    if not owners or not owners <= r.municipality_ids:
        return False
    if isinstance(actor, ApiToken):
        return kind.token_permission in r.permissions and (
            obj.municipality_id is not None or obj.center_id in r.center_ids
        )
    supervisor = r.has_role(Role.SUPERVISOR) and is_staff_actor(actor)
    if obj.municipality_id is None:
        return supervisor and obj.center_id in r.center_ids
    return obj.municipality_id in r.admin_of or (supervisor and kind.supervisors_change_local)


def require_add_scoped(
    actor: Actor, model: type[Model], *, center: ServiceCenter | None = None, municipality: Municipality | None = None
) -> None:
    """May the actor add a row of a scoped kind, shared by ``center`` or local to ``municipality``?"""
    if municipality is not None:
        require(actor, Action.VIEW, municipality)
    elif center is None or (not reach(actor).everything and center.pk not in reach(actor).center_ids):
        raise NotFound(_("Not found."))
    if not can(actor, Action.CHANGE, model(center=center, municipality=municipality)):
        raise Forbidden(_("You do not have permission to do that."))


def require_add_center_kind(actor: Actor, model: type[Model], center: ServiceCenter) -> None:
    """May the actor add a row of a centre kind (a skill, an agent, a duty shift …) to ``center``?"""
    r = reach(actor)
    if not r.everything and center.pk not in r.center_ids:
        raise NotFound(_("Not found."))
    if not can(actor, Action.CHANGE, model(center=center)):
        raise Forbidden(_("You do not have permission to do that."))


def require(actor: Actor, action: str, obj: Model) -> None:
    """Raise ``NotFound`` when the actor may not even see ``obj``, ``Forbidden`` when it may not act on it."""
    if not can_view(actor, obj):
        raise NotFound(_("Not found."))
    if action != Action.VIEW and not can(actor, action, obj):
        raise Forbidden(_("You do not have permission to do that."))


def require_add(actor: Actor, model: type[Model], municipality: Municipality) -> None:
    """May the actor add a row of ``model`` to ``municipality``? Same rules as changing such a row."""
    require(actor, Action.VIEW, municipality)
    if not can(actor, Action.CHANGE, model(municipality=municipality)):
        raise Forbidden(_("You do not have permission to do that."))


def require_platform_admin(actor: Actor) -> None:
    if not reach(actor).everything:
        raise Forbidden(_("Only platform admins may do that."))


def get_visible(actor: Actor, queryset: QuerySet, **lookup) -> Model:
    """One row the actor may see, or ``NotFound`` whether it is missing or hidden."""
    try:
        return visible(actor, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound(_("Not found.")) from None
