"""The phone system's doors: the call events webhook, and Zammad's generic CTI events for bridges written for
Zammad. Both take a centre's token (``telephony:write``); the events are the token's centre's. A signed-in
supervisor or platform admin names the centre with ``?center=``."""

import json

import pydantic
from django.db import OperationalError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import APIKeyQuery

from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.lib.http import problem
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.api import IntegrationToken, StaffSession
from civicdesk.organisations.models import ApiToken, ServiceCenter
from civicdesk.organisations.services import api_token_authenticate
from civicdesk.telephony import services
from civicdesk.telephony.adapters import CallEventIn, EventType
from civicdesk.telephony.adapters.zammad import zammad_event, zammad_field

router = Router(tags=["telephony"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 422: dict, 429: dict, 503: dict}
MAX_EVENTS = 5000


class CallEventSchema(Schema):
    """One event of the phone system. ``at`` must carry its offset from UTC."""

    id: str = Field(min_length=1, max_length=120, description="The event's own id: the same id is kept once.")
    type: str = Field(description=", ".join(EventType.ORDER))
    call_id: str = Field("", max_length=120, description="The call's id in the phone system (all but agent.state).")
    at: pydantic.AwareDatetime = Field(description="When it happened, ISO 8601 with offset.")
    dialed_number: str | None = Field("", max_length=32, description="The number the caller dialled, +E.164.")
    caller_number: str | None = Field("", max_length=32)
    queue: str | None = Field("", max_length=60, description="The queue's key: the queue the call entered.")
    ivr_choice: str | None = Field("", max_length=40, description="The menu keys the caller pressed.")
    agent: str | None = Field("", max_length=40, description="The agent's code (extension or login).")
    target: str | None = Field(
        "", max_length=120, description="Transfers: a queue key, an agent code, or with data.external a number."
    )
    language: str | None = Field("", max_length=6, description="The language the call is held in (nb, en, pl …).")
    data: dict | None = Field(
        None,
        description="By type: exited {reason: timeout|exit_key|no_agents, callback}, hold {hold_s}, "
        "ended {reason, wrap_s}, agent.state {state, reason}, transferred {external}.",
    )


_EVENTS = pydantic.TypeAdapter(list[CallEventSchema])


class EventsRecordedOut(Schema):
    received: int
    new: int = Field(description="Events kept now.")
    duplicates: int = Field(description="Events kept before (or twice in this request): nothing changed for them.")


def _event_in(event: CallEventSchema) -> CallEventIn:
    return CallEventIn(
        event_id=event.id,
        type=event.type,
        call_id=event.call_id,
        at=event.at,
        dialed_number=event.dialed_number or "",
        caller_number=event.caller_number or "",
        queue=event.queue or "",
        ivr_choice=event.ivr_choice or "",
        agent=event.agent or "",
        target=event.target or "",
        language=event.language or "",
        data=event.data or {},
    )


def _center_of(request: HttpRequest, center: str | None) -> ServiceCenter:
    """The centre the events are about: a token's own; a signed-in person names it."""
    actor = request.actor
    if isinstance(actor, ApiToken):
        if actor.center_id is None:
            raise Forbidden(_("Send phone events with a token of the centre."))
        if center and center != actor.center.slug:
            raise NotFound(_("Not found."))
        return actor.center
    if not center:
        raise Invalid(_("Name the centre whose calls these are (?center=…)."), field="center")
    return organisation_selectors.center_get(actor=actor, slug=center)


def _schema_problem(error: pydantic.ValidationError) -> JsonResponse:
    errors = [
        {"field": ".".join(str(part) for part in e["loc"]) or None, "message": e["msg"]}
        for e in error.errors(include_url=False)
    ]
    return problem(422, "The request does not match the schema.", title="Invalid input", errors=errors)


_ONE_EVENT = CallEventSchema.model_json_schema()
_EVENTS_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"oneOf": [_ONE_EVENT, {"type": "array", "items": _ONE_EVENT}]}},
    },
}


@router.post(
    "/telephony/events",
    response={200: EventsRecordedOut, **PROBLEMS},
    summary="Record call events",
    openapi_extra={"requestBody": _EVENTS_BODY},
)
def call_events_record(request, center: str | None = Query(None, description="The centre's slug (signed in).")):
    """The phone system reports what happened: one event, or a list of up to 5,000. Idempotent: an event whose
    ``id`` is known changes nothing, so the phone system may send again whatever it is unsure of; events may
    come late or out of order, the calls end the same. Types: ``call.offered`` (entered ``queue``, after the
    menu), ``call.answered`` (by ``agent``), ``call.hold``, ``call.callback_requested``, ``call.transferred`` (to
    ``target``), ``call.exited`` (unanswered: data.reason), ``call.abandoned``, ``call.ended``, ``agent.state``.
    Anything wrong (an unknown queue or agent, a missing field, a time without offset) is a 422 naming the
    field as ``<index>.<field>``, and none of the events is kept."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return problem(422, _("Send the events as JSON."), title="Invalid input", errors=[{"field": None}])
    items = body if isinstance(body, list) else [body]
    if len(items) > MAX_EVENTS:
        message = _("Send at most %(n)s events at a time.") % {"n": MAX_EVENTS}
        return problem(422, message, title="Invalid input", errors=[{"field": None, "message": message}])
    try:
        events = _EVENTS.validate_python(items)
    except pydantic.ValidationError as error:
        return _schema_problem(error)
    target = _center_of(request, center)
    try:
        result = services.call_events_record(actor=request.actor, center=target, events=[_event_in(e) for e in events])
    except OperationalError as error:
        return _busy(error)
    return {"received": len(items), "new": result.new, "duplicates": result.duplicates}


def _busy(error: OperationalError) -> JsonResponse:
    """SQLite takes one writer at a time: a request that waited longer than its busy timeout for the others
    kept nothing and is asked to come again (503 with Retry-After), as a phone system does with any
    failed send. Other database errors are errors."""
    if "locked" not in str(error):
        raise error
    response = problem(503, _("The database is busy: nothing was kept. Send the events again."))
    response["Retry-After"] = "1"
    return response


# --- Zammad's generic CTI ------------------------------------------------------------------------------------------


class TokenInAddress(APIKeyQuery):
    """``?token=cdk_…``: Zammad's bridges carry the endpoint's token in its address."""

    param_name = "token"

    def authenticate(self, request, key):
        api_token = api_token_authenticate(secret=key or "")
        if api_token is not None:
            request.actor = api_token
        return api_token


def _zammad_payload(request: HttpRequest) -> dict:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise Invalid(_("Send the event as JSON or as a form."), field="event") from None
        if not isinstance(body, dict):
            raise Invalid(_("Send one event as a JSON object."), field="event")
        return body
    return {key.removesuffix("[]"): values if len(values) > 1 else values[0] for key, values in request.POST.lists()}


@router.post(
    "/telephony/cti/zammad",
    auth=[IntegrationToken(), TokenInAddress(), StaffSession()],
    response={200: dict, **PROBLEMS},
    summary="Record a call event sent in Zammad's generic CTI form",
)
def zammad_cti_event(
    request,
    queue: str = Query("", description="The queue of calls whose newCall names none."),
    center: str | None = Query(None, description="The centre's slug (signed in)."),
):
    """For telephony bridges written for Zammad: point them at this address instead of Zammad's
    ``/api/v1/cti/<token>`` (``?token=`` carries the token, as Zammad's address does). Takes ``newCall``,
    ``answer`` and ``hangup``, form-encoded or JSON; outbound calls are accepted and left out. Answers ``{}``
    as Zammad does when it has nothing to say back; a 422 names Zammad's field (``answeringNumber``, …)."""
    target = _center_of(request, center)
    event = zammad_event(_zammad_payload(request), at=timezone.now(), queue=queue)
    if event is not None:
        try:
            services.call_events_record(actor=request.actor, center=target, events=[event])
        except Invalid as error:
            raise Invalid(error.message, field=zammad_field(error.field)) from None
        except OperationalError as error:
            return _busy(error)
    return {}
