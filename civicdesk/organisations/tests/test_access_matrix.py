"""The permission matrix: every role × every kind of object × own municipality / another municipality
(of the same centre, where the actor has one) / another centre, each cell allowed or denied, for seeing
and for changing. Decided in one place (``organisations.access``), so this one table covers every door."""

import pytest

from civicdesk.organisations import access, audit, services
from civicdesk.organisations.access import SYSTEM, Action
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

OWN, OTHER_MUNICIPALITY, OTHER_CENTER = "own", "other municipality", "other centre"
ALL = {OWN, OTHER_MUNICIPALITY, OTHER_CENTER}
CENTRE = {OWN, OTHER_MUNICIPALITY}  # an agent's centre serves both
ONLY_OWN = {OWN}
NONE: set[str] = set()

KINDS = [
    "municipality",
    "department",
    "team",
    "topic",
    "staff",
    "role",
    "membership",
    "centre",
    "audit event",
    "api token",
    # registered by higher packages (directory, contacts, cases): work rows and setting rows
    "directory unit",
    "internal unit",
    "unit hours",
    "change request",
    "entry version",
    "directory policy",
    "shared article",
    "local article",
    "internal article",
    "draft article",
    "incident",
    "internal incident",
    "synonyms",
    "contact",
    "person",
    "case",
    "case note",
    "sla policy",
    # registered by routing and telephony: centre rows (agents, the rota, calls), queues shared by a centre or
    # one municipality's own, and a municipality's numbers and menu steps (settings)
    "queue",
    "local queue",
    "agent",
    "duty shift",
    "call",
    "phone number",
    "ivr step",
]
WORK = ("contact", "person", "case", "case note", "change request")
PUBLIC_DIRECTORY = ("directory unit", "unit hours")
CENTRE_KINDS = ("agent", "duty shift", "call")  # a centre's own work: its staff and tokens only

# role -> (username or token, (own, other municipality, other centre) slugs)
ACTORS = {
    "platform admin": ("admin", ("gulen", "osteroy", "orebro")),
    "supervisor": ("nh.supervisor", ("gulen", "osteroy", "orebro")),
    "agent": ("nh.agent", ("gulen", "osteroy", "orebro")),
    "caseworker": ("gulen.caseworker", ("gulen", "osteroy", "orebro")),
    "municipality admin": ("gulen.admin", ("gulen", "osteroy", "orebro")),
    "citizen": ("gulen.citizen", ("gulen", "osteroy", "orebro")),
    "employee": ("holbaek.employee", ("holbaek", "gulen", "orebro")),
    "public visitor": ("visitor:gulen", ("gulen", "osteroy", "orebro")),
    "centre token": ("token:nordhordland:read", ("gulen", "osteroy", "orebro")),
    "municipality token": ("token:gulen:read,topics:write", ("gulen", "osteroy", "orebro")),
}


def expect(view: dict[str, set], change: dict[str, set] | None = None) -> dict[str, tuple[set, set]]:
    change = change or {}
    return {kind: (view.get(kind, NONE), change.get(kind, NONE)) for kind in KINDS}


CENTRE_STAFF_VIEW = {kind: CENTRE for kind in KINDS if kind not in ("audit event", "api token")}
# A centre's shared knowledge belongs to every municipality it serves, so it is "seen" for the other
# municipality of the same centre too.
SHARED = {"shared article": CENTRE}
MUNICIPAL_VIEW = {
    **{kind: ONLY_OWN for kind in KINDS if kind not in ("audit event", "api token", *CENTRE_KINDS)},
    "centre": CENTRE,
    **SHARED,
    # A centre's shared queue serves every municipality it serves; their staff see it (citizens do not).
    "queue": CENTRE,
}
KNOWLEDGE_LOCAL = ("local article", "internal article", "draft article", "incident", "internal incident", "synonyms")
CENTRE_WORK = {kind: CENTRE for kind in WORK}
OWN_WORK = {kind: ONLY_OWN for kind in WORK}

EXPECTED = {
    "platform admin": expect({kind: ALL for kind in KINDS}, {kind: ALL for kind in KINDS if kind != "audit event"}),
    # Supervisors keep the centre's shared articles and raise incidents for any municipality it serves; they keep
    # its queues (shared and each municipality's own), agents, rota and calls, not the municipalities' numbers.
    "supervisor": expect(
        CENTRE_STAFF_VIEW,
        {
            **CENTRE_WORK,
            **SHARED,
            "incident": CENTRE,
            "internal incident": CENTRE,
            "queue": CENTRE,
            "local queue": CENTRE,
            **{kind: CENTRE for kind in CENTRE_KINDS},
        },
    ),
    "agent": expect(CENTRE_STAFF_VIEW, CENTRE_WORK),
    "caseworker": expect(MUNICIPAL_VIEW, OWN_WORK),
    "municipality admin": expect(
        {**MUNICIPAL_VIEW, "api token": ONLY_OWN},
        {
            kind: ONLY_OWN
            for kind in (
                "municipality",
                "department",
                "team",
                "topic",
                "staff",
                "role",
                "api token",
                "sla policy",
                "directory unit",
                "internal unit",
                "unit hours",
                "entry version",
                "directory policy",
                *KNOWLEDGE_LOCAL,
                *WORK,
                "local queue",
                "phone number",
                "ivr step",
            )
        },
    ),
    # The directory is public to a municipality's own citizens and employees (internal-only entries to
    # its employees only); change requests, versions and the confirm period are not.
    # Knowledge: citizens read published public answers and public incidents; employees internal ones too.
    "citizen": expect(
        {kind: ONLY_OWN for kind in ("municipality", "topic", *PUBLIC_DIRECTORY, "local article", "incident")} | SHARED
    ),
    # Someone on a municipality's public pages without signing in reads what its citizens read.
    "public visitor": expect(
        {kind: ONLY_OWN for kind in ("municipality", "topic", *PUBLIC_DIRECTORY, "local article", "incident")} | SHARED
    ),
    "employee": expect(
        {
            kind: ONLY_OWN
            for kind in (
                "municipality",
                "topic",
                "internal unit",
                *PUBLIC_DIRECTORY,
                "shared article",
                "local article",
                "internal article",
                "incident",
                "internal incident",
            )
        }
    ),
    "centre token": expect(CENTRE_STAFF_VIEW),
    "municipality token": expect(MUNICIPAL_VIEW, {"topic": ONLY_OWN}),
}


def _actor(name: str):
    if name.startswith("visitor:"):
        return access.public_visitor(Municipality.objects.get(slug=name.split(":")[1]))
    if not name.startswith("token:"):
        return User.objects.get(username=name)
    _, scope, permissions = name.split(":", 2)
    center = ServiceCenter.objects.filter(slug=scope).first()
    municipality = None if center else Municipality.objects.get(slug=scope)
    token, _secret = services.api_token_create(
        actor=SYSTEM, name="matrix", permissions=permissions.split(","), center=center, municipality=municipality
    )
    return ApiToken.objects.get(pk=token.pk)


def _object_of(kind: str, slug: str):
    """One object of ``kind`` that belongs to the municipality ``slug``."""
    municipality = Municipality.objects.get(slug=slug)
    caseworker_role = RoleAssignment.objects.filter(role=Role.CASEWORKER, municipality=municipality).first()
    if kind == "municipality":
        return municipality
    if kind == "department":
        return Department.objects.filter(municipality=municipality).first()
    if kind == "team":
        return Team.objects.filter(municipality=municipality).first()
    if kind == "topic":
        topic = Topic.objects.filter(municipality=municipality).first()
        return topic or services.topic_create(
            actor=SYSTEM, municipality=municipality, key="local", names={"en": "Local matter"}
        )
    if kind == "staff":
        return caseworker_role.user
    if kind == "role":
        return caseworker_role
    if kind == "membership":
        return CenterMembership.objects.filter(municipality=municipality, left_at__isnull=True).first()
    if kind == "centre":
        return CenterMembership.objects.filter(municipality=municipality, left_at__isnull=True).first().center
    if kind == "audit event":
        return audit.record(actor=SYSTEM, action="matrix.probe", obj=municipality)
    if kind == "api token":
        token, _ = services.api_token_create(
            actor=SYSTEM, name="probe", permissions=["read"], municipality=municipality
        )
        return token
    if kind in ("contact", "person"):
        from civicdesk.contacts import services as contact_services
        from civicdesk.contacts.services import CallerDetails

        contact = contact_services.contact_log(
            actor=SYSTEM, municipality=municipality, channel="phone", caller=CallerDetails(name="Probe")
        )
        return contact if kind == "contact" else contact.person
    if kind in ("case", "case note"):
        from civicdesk.cases import services as case_services

        case = case_services.case_open(actor=SYSTEM, municipality=municipality, title="Probe")
        return case if kind == "case" else case_services.case_note_add(actor=SYSTEM, case=case, text="Probe")
    if kind == "sla policy":
        from civicdesk.cases import services as case_services

        return case_services.sla_policy_set(actor=SYSTEM, municipality=municipality, resolve_minutes=450)
    if kind in ("directory unit", "internal unit", "unit hours"):
        from civicdesk.directory import services as directory_services

        unit = directory_services.unit_create(
            actor=SYSTEM, municipality=municipality, name=f"Servicetorget {slug}", internal_only=kind == "internal unit"
        )
        if kind != "unit hours":
            return unit
        return directory_services.unit_hours_set(actor=SYSTEM, unit=unit, channel="phone", hours="mon 08:00-16:00")[0]
    if kind in ("change request", "entry version", "directory policy"):
        from django.apps import apps

        from civicdesk.directory import services as directory_services

        if kind == "directory policy":
            return directory_services.directory_policy_set(
                actor=SYSTEM, municipality=municipality, confirm_every_days=90
            )
        unit = directory_services.unit_create(actor=SYSTEM, municipality=municipality, name=f"Kundetorg {slug}")
        if kind == "entry version":
            return apps.get_model("directory", "EntryVersion").objects.get(entry_kind="unit", entry_id=unit.pk)
        return directory_services.change_request_submit(
            actor=SYSTEM, municipality=municipality, kind="unit_change", unit=unit, proposed={"name": "Probe"}
        )
    if kind in ("shared article", "local article", "internal article", "draft article"):
        return _article(kind, municipality)
    if kind in ("incident", "internal incident"):
        from django.apps import apps
        from django.utils import timezone

        incident = apps.get_model("knowledge", "Incident").objects.create(
            municipality=municipality, title="Vannbrudd", is_public=kind == "incident", starts_at=timezone.now()
        )
        incident.municipalities.add(municipality)
        return incident
    if kind in ("queue", "local queue", "agent", "duty shift", "call"):
        return _routing_row(kind, municipality)
    if kind in ("phone number", "ivr step"):
        from django.apps import apps

        if kind == "ivr step":
            return apps.get_model("telephony", "IVRNode").objects.create(municipality=municipality, label="Probe")
        number = f"+99{municipality.pk:08d}"
        return apps.get_model("telephony", "PhoneNumber").objects.create(municipality=municipality, number=number)
    if kind == "synonyms":
        from django.apps import apps

        return apps.get_model("knowledge", "SynonymGroup").objects.create(
            municipality=municipality, terms="storskrald = grovaffald"
        )
    raise AssertionError(kind)


def _routing_row(kind: str, municipality: Municipality):
    """A queue, agent, duty shift or call of the centre serving ``municipality`` (plain rows: the rules under
    test are the access layer's, not the services')."""
    from datetime import timedelta

    from django.apps import apps
    from django.utils import timezone

    center = CenterMembership.objects.filter(municipality=municipality, left_at__isnull=True).first().center
    if kind in ("queue", "local queue"):
        skill, _created = apps.get_model("routing", "Skill").objects.get_or_create(
            center=center, key="probe", defaults={"name": "Probe"}
        )
        return apps.get_model("routing", "Queue").objects.create(
            center=center,
            municipality=municipality if kind == "local queue" else None,
            key=f"probe-{municipality.slug}",
            name="Probe",
            skill=skill,
        )
    if kind == "call":
        return apps.get_model("telephony", "Call").objects.create(
            center=center, municipality=municipality, call_id=f"probe-{municipality.slug}", started_at=timezone.now()
        )
    user = User.objects.create(username=f"probe.agent.{municipality.slug}", kind=User.Kind.STAFF)
    agent = apps.get_model("routing", "Agent").objects.create(center=center, user=user, code=municipality.slug)
    if kind == "agent":
        return agent
    now = timezone.now()
    return apps.get_model("routing", "DutyShift").objects.create(
        center=center, agent=agent, starts_at=now, ends_at=now + timedelta(hours=8)
    )


def _article(kind: str, municipality: Municipality):
    from django.apps import apps

    center = CenterMembership.objects.filter(municipality=municipality, left_at__isnull=True).first().center
    status = "draft" if kind == "draft article" else "published"
    return apps.get_model("knowledge", "Article").objects.create(
        center=center if kind == "shared article" else None,
        municipality=None if kind == "shared article" else municipality,
        slug=f"probe-{kind.split()[0]}-{municipality.slug}",
        title="Probe",
        body="Probe",
        language="nb",
        audience="internal" if kind == "internal article" else "public",
        status=status,
    )


CELLS = [(role, kind) for role in ACTORS for kind in KINDS]


@pytest.mark.parametrize(("role", "kind"), CELLS, ids=[f"{r}-{k}" for r, k in CELLS])
def test_access_matrix(db, role, kind):
    name, (own, other_municipality, other_center) = ACTORS[role]
    actor = _actor(name)
    expected_view, expected_change = EXPECTED[role][kind]
    seen, changeable = set(), set()
    for column, slug in ((OWN, own), (OTHER_MUNICIPALITY, other_municipality), (OTHER_CENTER, other_center)):
        obj = _object_of(kind, slug)
        if access.can(actor, Action.VIEW, obj):
            seen.add(column)
        if access.can(actor, Action.CHANGE, obj):
            changeable.add(column)
    assert (seen, changeable) == (expected_view, expected_change)


def test_matrix_covers_every_role_and_every_kind_of_object():
    assert {r.label.lower() for r in Role} <= set(EXPECTED)
    assert {"citizen", "employee"} <= set(EXPECTED)
    assert {
        m._meta.model_name
        for m in (
            Municipality,
            Department,
            Team,
            Topic,
            User,
            RoleAssignment,
            CenterMembership,
            ServiceCenter,
            AuditEvent,
            ApiToken,
        )
    } == {
        "municipality",
        "department",
        "team",
        "topic",
        "user",
        "roleassignment",
        "centermembership",
        "servicecenter",
        "auditevent",
        "apitoken",
    }
    assert all(set(EXPECTED[role]) == set(KINDS) for role in EXPECTED)


def test_visible_lists_agree_with_the_matrix_for_an_agent(agent, gulen, osteroy, orebro):
    slugs = set(access.visible(agent, Municipality.objects.all()).values_list("slug", flat=True))
    assert {"gulen", "osteroy", "samnanger", "aurland"} == slugs


def test_municipality_that_left_the_centre_is_no_longer_seen_by_its_agents(agent, samnanger_left):
    access.forget_reach(agent)
    slugs = set(access.visible(agent, Municipality.objects.all()).values_list("slug", flat=True))
    assert "samnanger" not in slugs
    assert "gulen" in slugs


@pytest.fixture
def samnanger_left(nordhordland):
    samnanger = Municipality.objects.get(slug="samnanger")
    return services.municipality_leave_center(actor=SYSTEM, municipality=samnanger, center=nordhordland)


def test_an_agent_changes_their_own_state_but_not_a_colleagues_and_a_supervisor_changes_both(
    phone_world, agent, supervisor
):
    own, colleague = phone_world.agents["1001"], phone_world.agents["1002"]
    assert access.can(agent, Action.CHANGE_OWN, own)
    assert not access.can(agent, Action.CHANGE_OWN, colleague)
    assert not access.can(agent, Action.CHANGE, own)  # their skills and rota are the supervisor's
    assert access.can(supervisor, Action.CHANGE_OWN, own)
    assert access.can(supervisor, Action.CHANGE_OWN, colleague)


def test_a_centres_token_with_routing_write_changes_agents_states_and_one_with_read_only_does_not(
    phone_world, center_token
):
    read_only, _secret = center_token
    assert access.can(phone_world.token, Action.CHANGE_OWN, phone_world.agents["1002"])
    assert not access.can(read_only, Action.CHANGE_OWN, phone_world.agents["1002"])
