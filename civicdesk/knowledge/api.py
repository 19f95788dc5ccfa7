"""JSON API of the knowledge base."""

import json
from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from civicdesk.knowledge import formats, imports, markdown, selectors, services
from civicdesk.knowledge.models import Incident, Language
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.lib.http import problem
from civicdesk.lib.ratelimit import CallerThrottle, VisitorThrottle
from civicdesk.organisations import access, reference
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.api import PUBLIC

router = Router(tags=["knowledge"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict, 429: dict}
PUBLIC_THROTTLES = [CallerThrottle(), VisitorThrottle()]


def _reader(request, municipality: str | None):
    """(the actor, the municipality) of a call: a caller without sign-in reads as the municipality's public
    visitor and must name it."""
    if request.actor is None:
        found = reference.municipality_by_slug(municipality or "")
        if found is None:
            raise NotFound(_("Name the municipality (its slug) whose public knowledge you search."))
        return access.public_visitor(found), found
    if not municipality:
        return request.actor, None
    return request.actor, organisation_selectors.municipality_get(actor=request.actor, slug=municipality)


# --- Search --------------------------------------------------------------------------------------------------


class SearchHitOut(Schema):
    kind: str = Field(description="article or incident")
    slug: str = Field(description="The article's slug, or the incident's id")
    title: str
    snippet: str = Field(description="HTML: escaped text with <mark> around the words that matched")
    score: float
    municipality: str | None = Field(description="Slug of the municipality whose own it is; null when shared")


@router.get(
    "/knowledge/search",
    auth=PUBLIC,
    throttle=PUBLIC_THROTTLES,
    response={200: list[SearchHitOut], **PROBLEMS},
    summary="Search articles and incidents",
)
def knowledge_search(
    request,
    q: str = Query(..., min_length=1, max_length=200),
    municipality: str | None = None,
    language: Language | None = None,
    limit: int = Query(10, ge=1, le=50),
):
    """Ranked articles and incidents answering ``q`` for ``municipality`` (its local variant instead of the shared
    article it answers differently), in what the caller may read: without sign-in the municipality's public
    answers and public incidents (``municipality`` required), for staff and tokens also internal ones. The
    question may be in Danish, Swedish, Norwegian or English; ``language`` (default the municipality's) is the one
    answers are preferred in."""
    actor, chosen = _reader(request, municipality)
    found = selectors.knowledge_search(actor=actor, query=q, municipality=chosen, language=language or "", limit=limit)
    return [
        {
            "kind": hit.kind,
            "slug": hit.slug,
            "title": hit.title,
            "snippet": hit.snippet,
            "score": hit.score,
            "municipality": _slug_of(hit.entry.municipality_id),
        }
        for hit in found
    ]


def _slug_of(municipality_id: int | None) -> str | None:
    found = reference.municipality_by_id(municipality_id) if municipality_id else None
    return found.slug if found else None


# --- Articles as a municipality's readers see them ----------------------------------------------------------------


class ArticleOut(Schema):
    id: int
    slug: str
    title: str
    body: str = Field(description="Markdown")
    html: str = Field(description="The body rendered and sanitised")
    language: str
    audience: str
    status: str
    municipality: str | None
    variant_of: str | None = Field(description="Slug of the shared article this local variant answers instead")
    topics: list[str]
    links: list[dict]
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_html(article):
        return markdown.render(article.body)

    @staticmethod
    def resolve_municipality(article):
        return _slug_of(article.municipality_id)

    @staticmethod
    def resolve_variant_of(article):
        return article.variant_of.slug if article.variant_of_id else None

    @staticmethod
    def resolve_topics(article):
        return sorted(topic.key for topic in article.topics.all())


@router.get(
    "/knowledge/answers/{municipality}/{slug}",
    auth=PUBLIC,
    throttle=PUBLIC_THROTTLES,
    response={200: ArticleOut, **PROBLEMS},
    summary="An article as it answers for a municipality",
)
def article_answer(request, municipality: str, slug: str):
    """The published article ``slug`` as it answers for ``municipality``: its local variant when it has one,
    else the shared article."""
    actor, chosen = _reader(request, municipality)
    return selectors.article_for(actor=actor, municipality=chosen, slug=slug)


class FeedbackIn(Schema):
    helped: bool
    municipality: str | None = None
    query: str = Field("", max_length=200)


class FeedbackOut(Schema):
    recorded: bool


@router.post(
    "/knowledge/articles/{article_id}/feedback",
    auth=PUBLIC,
    throttle=PUBLIC_THROTTLES,
    response={201: FeedbackOut, **PROBLEMS},
    summary="Say whether an article answered the question",
)
def answer_feedback(request, article_id: int, payload: FeedbackIn):
    """An agent on a call or a citizen on the web says whether the article answered them (with the question asked,
    if known); it feeds the answer rates editors see."""
    actor, chosen = _reader(request, payload.municipality)
    article = selectors.article_get(actor=actor, article_id=article_id)
    services.answer_feedback_give(
        actor=actor, article=article, helped=payload.helped, municipality=chosen, query=payload.query
    )
    return Status(201, {"recorded": True})


# --- Incidents -------------------------------------------------------------------------------------------------


class IncidentUpdateOut(Schema):
    at: datetime
    public_message: str


class IncidentOut(Schema):
    id: int
    title: str
    public_message: str
    severity: str
    municipalities: list[str]
    areas: str
    topics: list[str]
    starts_at: datetime
    expected_end_at: datetime | None
    resolved_at: datetime | None
    updates: list[IncidentUpdateOut]

    @staticmethod
    def resolve_municipalities(incident):
        return sorted(m.slug for m in incident.municipalities.all())

    @staticmethod
    def resolve_topics(incident):
        return sorted(topic.key for topic in incident.topics.all())

    @staticmethod
    def resolve_updates(incident):
        return [update for update in incident.updates.all() if update.public_message]


class StaffIncidentOut(IncidentOut):
    agent_script: str = Field(description="What agents say; empty for callers without sign-in")
    is_public: bool

    @staticmethod
    def resolve_agent_script(incident, context):
        actor = context["request"].actor
        return incident.agent_script if actor is not None and access.is_internal_actor(actor) else ""


@router.get(
    "/knowledge/incidents",
    auth=PUBLIC,
    throttle=PUBLIC_THROTTLES,
    response={200: list[StaffIncidentOut], **PROBLEMS},
    summary="Incidents going on now",
)
def incidents_active(request, municipality: str | None = None, topic: str = ""):
    """Incidents going on now that affect ``municipality`` or concern one of the ``topic`` keys (comma-separated),
    the most severe first. Without sign-in: a municipality's public incidents (``municipality`` required),
    without the agents' script. Staff and tokens also see internal incidents and what agents say."""
    actor, chosen = _reader(request, municipality)
    keys = [key.strip() for key in topic.split(",") if key.strip()]
    topics = organisation_selectors.topics_by_keys(actor=actor, keys=keys, municipality=chosen)
    return selectors.active_incidents(actor=actor, municipality=chosen, topics=topics)


class IncidentIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    municipalities: list[str] = Field(min_length=1, description="Slugs of the affected municipalities")
    center: str | None = Field(None, description="The centre's slug, when several municipalities are affected")
    public_message: str = ""
    agent_script: str = ""
    severity: Incident.Severity = Incident.Severity.MINOR
    topics: list[str] = []
    areas: str = Field("", max_length=400)
    is_public: bool = True
    starts_at: datetime | None = None
    expected_end_at: datetime | None = None


@router.post("/knowledge/incidents", response={201: StaffIncidentOut, **PROBLEMS}, summary="Raise an incident")
def incident_raise(request, payload: IncidentIn):
    """Something is going on that callers will ask about. One municipality: its own incident; several: the
    ``center``'s that serves them all."""
    municipalities = [
        organisation_selectors.municipality_get(actor=request.actor, slug=slug) for slug in payload.municipalities
    ]
    center = organisation_selectors.center_get(actor=request.actor, slug=payload.center) if payload.center else None
    topics = organisation_selectors.topics_by_keys(
        actor=request.actor, keys=payload.topics, municipality=municipalities[0] if len(municipalities) == 1 else None
    )
    incident = services.incident_raise(
        actor=request.actor,
        title=payload.title,
        municipalities=municipalities,
        center=center,
        public_message=payload.public_message,
        agent_script=payload.agent_script,
        severity=payload.severity,
        topics=topics,
        areas=payload.areas,
        is_public=payload.is_public,
        starts_at=payload.starts_at,
        expected_end_at=payload.expected_end_at,
    )
    return Status(201, incident)


class IncidentNewsIn(Schema):
    public_message: str = ""
    agent_note: str = ""


@router.post(
    "/knowledge/incidents/{incident_id}/updates",
    response={201: StaffIncidentOut, **PROBLEMS},
    summary="Post news on an incident",
)
def incident_update(request, incident_id: int, payload: IncidentNewsIn):
    """News: a public message (it replaces the current one) and/or a note for agents."""
    incident = selectors.incident_get(actor=request.actor, incident_id=incident_id)
    services.incident_update(
        actor=request.actor, incident=incident, public_message=payload.public_message, agent_note=payload.agent_note
    )
    return Status(201, selectors.incident_get(actor=request.actor, incident_id=incident_id))


class IncidentResolveIn(Schema):
    public_message: str = ""


@router.post(
    "/knowledge/incidents/{incident_id}/resolve",
    response={200: StaffIncidentOut, **PROBLEMS},
    summary="Resolve an incident",
)
def incident_resolve(request, incident_id: int, payload: IncidentResolveIn):
    incident = selectors.incident_get(actor=request.actor, incident_id=incident_id)
    return services.incident_resolve(actor=request.actor, incident=incident, public_message=payload.public_message)


# --- Import and export ---------------------------------------------------------------------------------------


class ImportProblemOut(Schema):
    where: str
    message: str


class KnowledgeImportOut(Schema):
    applied: bool
    created: int
    updated: int
    unchanged: int
    topics_created: list[str]
    problems: list[ImportProblemOut]


def _import_out(result: imports.ImportResult) -> dict:
    return {
        "applied": result.applied,
        **result.counts,
        "topics_created": result.topics_created,
        "problems": [{"where": p.where, "message": p.message} for p in result.problems],
    }


def _markdown_files(body: bytes) -> dict[str, str]:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise Invalid(_('Send the Markdown files as JSON: {"files": {"name.md": "text"}}.'), field="files")
    return files


@router.post(
    "/knowledge/import",
    response={200: KnowledgeImportOut, **PROBLEMS},
    summary="Import knowledge articles (Markdown or JSON Lines)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "description": "format=jsonl"}},
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "format=markdown: file name → the file's text",
                        "properties": {"files": {"type": "object", "additionalProperties": {"type": "string"}}},
                        "required": ["files"],
                    }
                },
            },
        }
    },
)
def knowledge_import(
    request,
    center: str,
    format: str = Query(..., pattern="^(markdown|jsonl)$"),
    only_valid: bool = False,
    publish: bool = True,
):
    """Articles into the centre's knowledge base, updated in place by slug. ``format=jsonl``: the JSON Lines file is
    the raw request body; ``format=markdown``: ``{"files": {"name.md": "text"}}``. Any problem means nothing is
    imported and the answer is 422 problem+json listing every ``problems`` entry (``where``: a file or ``line N``),
    unless ``only_valid``: then the rows without problems go in and the others are listed. New articles are
    published unless ``publish=false``."""
    target = organisation_selectors.center_get(actor=request.actor, slug=center)
    if format == "jsonl":
        records, problems = formats.read_json_lines(request.body)
    else:
        records, problems = formats.read_markdown_files(_markdown_files(request.body))
    result = imports.knowledge_import(
        actor=request.actor,
        center=target,
        records=records,
        problems=problems,
        only_valid=only_valid,
        publish=publish,
    )
    if not result.applied:
        detail = _("Nothing was imported: %(count)s problem(s).") % {"count": len(result.problems)}
        return problem(422, detail, title="Invalid input", **_import_out(result))
    return _import_out(result)


@router.get("/knowledge/export", response={200: None, **PROBLEMS}, summary="Export knowledge articles")
def knowledge_export(request, center: str, format: str = Query("jsonl", pattern="^(markdown|jsonl)$")):
    """The centre's shared articles and those of the municipalities it serves, as far as you may see them
    (archived ones left out), in the format the import reads: ``jsonl`` as ``application/x-ndjson``, or
    ``markdown`` as ``{"files": {"slug.md": "text"}}``."""
    target = organisation_selectors.center_get(actor=request.actor, slug=center)
    records = imports.knowledge_export(actor=request.actor, center=target)
    if format == "markdown":
        files = dict(formats.markdown_file(record) for record in records)
        return HttpResponse(
            json.dumps({"files": files}, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
    response = HttpResponse(formats.write_json_lines(records), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="knowledge-{target.slug}.jsonl"'
    return response
