"""JSON API of organisations: municipalities, centres and memberships, departments, teams, staff, topics,
the audit log and API tokens. Thin: every endpoint calls the same service or selector as its page."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import CursorPagination, paginate
from ninja.responses import Status
from ninja.security import HttpBearer, SessionAuth

from civicdesk.lib.errors import Invalid
from civicdesk.organisations import access, selectors, services
from civicdesk.organisations.models import Country, Language, Role
from civicdesk.organisations.topic_formats import TopicFormatError, parse_topics, write_topics_csv

router = Router(tags=["organisations"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


# --- Who is calling ---


class StaffSession(SessionAuth):
    """The browser's session (with CSRF on writes); the signed-in user becomes the actor."""

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            request.actor = request.user
            return request.user
        return None


class IntegrationToken(HttpBearer):
    """``Authorization: Bearer cdk_…``: a token scoped to a municipality or centre becomes the actor."""

    openapi_description = "An API token made with `manage.py create_api_token` or on the platform pages."

    def authenticate(self, request, token):
        api_token = services.api_token_authenticate(secret=token)
        if api_token is not None:
            request.actor = api_token
        return api_token


def anyone(request) -> bool:
    """Public endpoints: a caller without a token or session is let in with no actor (the endpoint reads as a
    municipality's public visitor); one that sent credentials which did not authenticate is not."""
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    request.actor = None
    return True


PUBLIC = [IntegrationToken(), StaffSession(), anyone]


# --- Schemas ---


class MunicipalityOut(Schema):
    slug: str
    name: str
    country: str
    language: str
    time_zone: str
    brand_colour: str


class MunicipalityCreateIn(Schema):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)
    name: str = Field(min_length=1, max_length=120)
    country: Country
    language: Language | None = None
    time_zone: str | None = None
    brand_colour: str = "#0062ba"


class MunicipalityUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    language: Language | None = None
    time_zone: str | None = None
    brand_colour: str | None = None


class MembershipOut(Schema):
    municipality: str = Field(alias="municipality.slug")
    joined_at: datetime
    left_at: datetime | None


class CenterOut(Schema):
    slug: str
    name: str
    is_internal: bool


class CenterDetailOut(CenterOut):
    memberships: list[MembershipOut]


class MembershipJoinIn(Schema):
    municipality: str
    joined_at: datetime | None = None


class MembershipLeaveIn(Schema):
    left_at: datetime | None = None


class TeamOut(Schema):
    id: int
    name: str
    department_id: int


class DepartmentOut(Schema):
    id: int
    name: str
    municipality: str = Field(alias="municipality.slug")
    teams: list[TeamOut]


class DepartmentCreateIn(Schema):
    municipality: str
    name: str = Field(min_length=1, max_length=120)


class TeamCreateIn(Schema):
    department_id: int
    name: str = Field(min_length=1, max_length=120)


class RoleOut(Schema):
    id: int
    role: str
    center: str | None = Field(None, alias="center.slug")
    municipality: str | None = Field(None, alias="municipality.slug")
    department_id: int | None
    team_id: int | None


class StaffOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    roles: list[RoleOut]


class StaffDetailOut(StaffOut):
    email: str
    language: str


class RoleGrantIn(Schema):
    role: Role
    center: str | None = Field(None, description="Centre slug, for agents and supervisors.")
    municipality: str | None = Field(None, description="Municipality slug, for municipality admins.")
    department_id: int | None = Field(None, description="For caseworkers (or give team_id).")
    team_id: int | None = None


class StaffOnboardIn(RoleGrantIn):
    username: str = Field(min_length=1, max_length=150)
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)
    email: str = Field(min_length=3, max_length=254)
    language: Language | None = None


class MeOut(Schema):
    username: str
    kind: str
    language: str
    roles: list[str]
    municipalities: list[str]


class TopicOut(Schema):
    id: int
    key: str
    municipality: str | None = Field(None, alias="municipality.slug")
    parent_key: str | None = Field(None, alias="parent.key")
    name_en: str
    name_da: str
    name_sv: str
    name_nb: str
    kle_number: str
    los_uri: str
    is_active: bool


class TopicCreateIn(Schema):
    municipality: str | None = Field(None, description="Slug; leave out for the shared set (platform admins).")
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    parent_key: str | None = None
    name_en: str = ""
    name_da: str = ""
    name_sv: str = ""
    name_nb: str = ""
    kle_number: str = ""
    los_uri: str = ""
    notes: str = ""


class TopicUpdateIn(Schema):
    name_en: str | None = None
    name_da: str | None = None
    name_sv: str | None = None
    name_nb: str | None = None
    kle_number: str | None = None
    los_uri: str | None = None
    notes: str | None = None
    is_active: bool | None = None


class TopicImportIn(Schema):
    municipality: str | None = None
    format: str = Field(pattern="^(csv|kle|los)$")
    content: str = Field(description="CSV text, or the XML document as text.", max_length=5 * 1024 * 1024)


class ImportResultOut(Schema):
    created: int
    updated: int


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    municipality_id: int | None
    address: str | None
    details: dict


class AuditFilter(Schema):
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor_label: str = ""
    since: datetime | None = None
    until: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    center: str | None = Field(None, alias="center.slug")
    municipality: str | None = Field(None, alias="municipality.slug")
    permissions: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    center: str | None = None
    municipality: str | None = None
    permissions: list[str]


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="Shown once; only a hash is kept.")


# --- Endpoints ---


@router.get("/me", response={200: MeOut, **PROBLEMS}, summary="Who is asking, and what they reach")
def me(request):
    actor = request.actor
    reach = access.reach(actor)
    municipalities = selectors.municipality_list(actor=actor).values_list("slug", flat=True)
    return {
        "username": getattr(actor, "username", f"token:{getattr(actor, 'prefix', '')}"),
        "kind": getattr(actor, "kind", "integration"),
        "language": getattr(actor, "language", ""),
        "roles": sorted(reach.roles),
        "municipalities": sorted(municipalities),
    }


@router.get("/municipalities", response={200: list[MunicipalityOut], **PROBLEMS}, summary="List municipalities")
def municipality_list(request):
    return selectors.municipality_list(actor=request.actor)


@router.post("/municipalities", response={201: MunicipalityOut, **PROBLEMS}, summary="Add a municipality")
def municipality_create(request, body: MunicipalityCreateIn):
    data = body.dict(exclude_none=True)
    return Status(201, services.municipality_create(actor=request.actor, **data))


@router.get("/municipalities/{slug}", response={200: MunicipalityOut, **PROBLEMS}, summary="One municipality")
def municipality_get(request, slug: str):
    return selectors.municipality_get(actor=request.actor, slug=slug)


@router.patch("/municipalities/{slug}", response={200: MunicipalityOut, **PROBLEMS}, summary="Change a municipality")
def municipality_update(request, slug: str, body: MunicipalityUpdateIn):
    municipality = selectors.municipality_get(actor=request.actor, slug=slug)
    return services.municipality_update(actor=request.actor, municipality=municipality, **body.dict(exclude_none=True))


@router.get("/centers", response={200: list[CenterOut], **PROBLEMS}, summary="List service centres")
def center_list(request):
    return selectors.center_list(actor=request.actor)


@router.get(
    "/centers/{slug}",
    response={200: CenterDetailOut, **PROBLEMS},
    summary="A centre and its membership history",
)
def center_get(request, slug: str):
    center = selectors.center_get(actor=request.actor, slug=slug)
    memberships = list(selectors.center_memberships(actor=request.actor, center=center))
    return {"slug": center.slug, "name": center.name, "is_internal": center.is_internal, "memberships": memberships}


@router.post(
    "/centers/{slug}/memberships",
    response={201: MembershipOut, **PROBLEMS},
    summary="A municipality joins a centre",
)
def municipality_join_center(request, slug: str, body: MembershipJoinIn):
    access.require_platform_admin(request.actor)
    center = selectors.center_get(actor=request.actor, slug=slug)
    municipality = selectors.municipality_get(actor=request.actor, slug=body.municipality)
    membership = services.municipality_join_center(
        actor=request.actor, municipality=municipality, center=center, at=body.joined_at
    )
    return Status(201, membership)


@router.post(
    "/centers/{slug}/memberships/{municipality}/leave",
    response={200: MembershipOut, **PROBLEMS},
    summary="A municipality leaves a centre",
)
def municipality_leave_center(request, slug: str, municipality: str, body: MembershipLeaveIn):
    access.require_platform_admin(request.actor)
    center = selectors.center_get(actor=request.actor, slug=slug)
    member = selectors.municipality_get(actor=request.actor, slug=municipality)
    return services.municipality_leave_center(actor=request.actor, municipality=member, center=center, at=body.left_at)


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **PROBLEMS},
    summary="List departments and their teams",
)
def department_list(request, municipality: str | None = None):
    scope = selectors.municipality_get(actor=request.actor, slug=municipality) if municipality else None
    return selectors.department_list(actor=request.actor, municipality=scope)


@router.post("/departments", response={201: DepartmentOut, **PROBLEMS}, summary="Add a department")
def department_create(request, body: DepartmentCreateIn):
    municipality = selectors.municipality_get(actor=request.actor, slug=body.municipality)
    department = services.department_create(actor=request.actor, municipality=municipality, name=body.name)
    return Status(201, selectors.department_get(actor=request.actor, department_id=department.pk))


@router.post("/teams", response={201: TeamOut, **PROBLEMS}, summary="Add a team to a department")
def team_create(request, body: TeamCreateIn):
    department = selectors.department_get(actor=request.actor, department_id=body.department_id)
    return Status(201, services.team_create(actor=request.actor, department=department, name=body.name))


@router.get("/staff", response={200: list[StaffOut], **PROBLEMS}, summary="List staff")
@paginate(CursorPagination, ordering=("id",))
def staff_list(request, municipality: str | None = None, role: Role | None = None, q: str = ""):
    scope = selectors.municipality_get(actor=request.actor, slug=municipality) if municipality else None
    return selectors.staff_list(actor=request.actor, municipality=scope, role=role, search=q)


def _role_places(request, body: RoleGrantIn) -> dict:
    """Turn the slugs and ids of a role's place into objects the actor may see."""
    actor = request.actor
    return {
        "center": selectors.center_get(actor=actor, slug=body.center) if body.center else None,
        "municipality": selectors.municipality_get(actor=actor, slug=body.municipality) if body.municipality else None,
        "department": selectors.department_get(actor=actor, department_id=body.department_id)
        if body.department_id
        else None,
        "team": selectors.team_get(actor=actor, team_id=body.team_id) if body.team_id else None,
    }


@router.post(
    "/staff", response={201: StaffDetailOut, **PROBLEMS}, summary="Add a colleague with a first role; invites by e-mail"
)
def staff_onboard(request, body: StaffOnboardIn):
    user = services.staff_onboard(
        actor=request.actor,
        username=body.username,
        first_name=body.first_name,
        last_name=body.last_name,
        email=body.email,
        language=body.language or "",
        role=body.role,
        **_role_places(request, body),
    )
    return Status(201, user)


@router.post("/staff/{user_id}/roles", response={201: RoleOut, **PROBLEMS}, summary="Give a staff member a role")
def role_grant(request, user_id: int, body: RoleGrantIn):
    user = selectors.staff_account(actor=request.actor, user_id=user_id)
    return Status(
        201, services.role_grant(actor=request.actor, user=user, role=body.role, **_role_places(request, body))
    )


@router.delete("/staff/{user_id}/roles/{role_id}", response={204: None, **PROBLEMS}, summary="Take a role back")
def role_revoke(request, user_id: int, role_id: int):
    assignment = selectors.role_assignment_get(actor=request.actor, user_id=user_id, role_id=role_id)
    services.role_revoke(actor=request.actor, assignment=assignment)
    return Status(204, None)


@router.get("/staff/{user_id}", response={200: StaffDetailOut, **PROBLEMS}, summary="One staff member (audited)")
def staff_get(request, user_id: int):
    return selectors.staff_get(actor=request.actor, user_id=user_id)


@router.get("/topics", response={200: list[TopicOut], **PROBLEMS}, summary="List and search topics")
@paginate(CursorPagination, ordering=("id",))
def topic_list(request, municipality: str | None = None, q: str = "", include_inactive: bool = False):
    scope = selectors.municipality_get(actor=request.actor, slug=municipality) if municipality else None
    return selectors.topic_list(actor=request.actor, municipality=scope, search=q, include_inactive=include_inactive)


@router.get("/topics/{topic_id}", response={200: TopicOut, **PROBLEMS}, summary="One topic")
def topic_get(request, topic_id: int):
    return selectors.topic_get(actor=request.actor, topic_id=topic_id)


@router.post("/topics", response={201: TopicOut, **PROBLEMS}, summary="Add a topic")
def topic_create(request, body: TopicCreateIn):
    municipality = (
        selectors.municipality_get(actor=request.actor, slug=body.municipality) if body.municipality else None
    )
    topic = services.topic_create(
        actor=request.actor,
        municipality=municipality,
        key=body.key,
        names={code: getattr(body, f"name_{code}") for code in ("en", "da", "sv", "nb")},
        parent_key=body.parent_key,
        kle_number=body.kle_number,
        los_uri=body.los_uri,
        notes=body.notes,
    )
    return Status(201, topic)


@router.patch("/topics/{topic_id}", response={200: TopicOut, **PROBLEMS}, summary="Change or retire a topic")
def topic_update(request, topic_id: int, body: TopicUpdateIn):
    topic = selectors.topic_get(actor=request.actor, topic_id=topic_id)
    return services.topic_update(actor=request.actor, topic=topic, **body.dict(exclude_none=True))


@router.get("/topics-export.csv", summary="Export a taxonomy as CSV", response={200: None, **PROBLEMS})
def topics_export(request, municipality: str | None = None):
    scope = selectors.municipality_get(actor=request.actor, slug=municipality) if municipality else None
    csv_text = write_topics_csv(
        selectors.topic_records(actor=request.actor, municipality=scope), outside_parents=scope is not None
    )
    return HttpResponse(csv_text, content_type="text/csv; charset=utf-8")


@router.post("/topics-import", response={200: ImportResultOut, **PROBLEMS}, summary="Import a taxonomy (CSV, KLE, LOS)")
def topics_import(request, body: TopicImportIn):
    municipality = (
        selectors.municipality_get(actor=request.actor, slug=body.municipality) if body.municipality else None
    )
    try:
        records = parse_topics(body.format, body.content.encode())
    except (TopicFormatError, ValueError) as error:
        raise Invalid(str(error), field="content") from None
    return services.topics_import(actor=request.actor, municipality=municipality, records=records)


@router.get(
    "/audit-events",
    response={200: list[AuditEventOut], **PROBLEMS},
    summary="Search the audit log (platform admins)",
)
@paginate(CursorPagination, ordering=("-id",))
def audit_search(request, filters: Query[AuditFilter]):
    access.require_platform_admin(request.actor)
    return selectors.audit_search(actor=request.actor, **filters.dict(exclude_none=True))


@router.get("/tokens", response={200: list[TokenOut], **PROBLEMS}, summary="List API tokens")
def api_token_list(request):
    return selectors.api_token_list(actor=request.actor)


@router.post("/tokens", response={201: TokenCreatedOut, **PROBLEMS}, summary="Make an API token (secret shown once)")
def api_token_create(request, body: TokenCreateIn):
    center = selectors.center_get(actor=request.actor, slug=body.center) if body.center else None
    municipality = (
        selectors.municipality_get(actor=request.actor, slug=body.municipality) if body.municipality else None
    )
    token, secret = services.api_token_create(
        actor=request.actor,
        name=body.name,
        permissions=body.permissions,
        center=center,
        municipality=municipality,
    )
    token.secret = secret
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **PROBLEMS}, summary="Revoke an API token")
def api_token_revoke(request, token_id: int):
    token = selectors.api_token_get(actor=request.actor, token_id=token_id)
    return services.api_token_revoke(actor=request.actor, token=token)
