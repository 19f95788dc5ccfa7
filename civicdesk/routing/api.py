"""JSON API of routing: queues, agents and their states, the duty rota, pulling in reinforcements. Thin: every
endpoint calls the same service or selector as its page. The centre is ``?center=<slug>`` (or ``center`` in
the body) when the caller works in several; otherwise the one they work in."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from civicdesk.lib.errors import Invalid
from civicdesk.routing import selectors, services
from civicdesk.routing.models import AgentState, Duty, QueueChannel

router = Router(tags=["routing"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}
LONGEST_SHIFT_LIST = timedelta(days=31)
FROM = Query(..., alias="from", description="ISO 8601 with offset")
TO = Query(..., alias="to", description="ISO 8601 with offset; at most 31 days after from")


# --- Queues ---------------------------------------------------------------------------------------------------


class QueueOut(Schema):
    key: str = Field(description="The name the phone system uses for the queue")
    name: str
    municipality: str | None = Field(description="Slug of the municipality whose own queue it is; null when shared")
    channel: str
    skill: str = Field(description="Key of the skill an agent needs")
    languages: list[str] = Field(description="Languages answered in, the first the fallback; empty: any")
    service_level_s: int
    short_abandon_s: int
    alert_wait_s: int
    alert_length: int
    callback_offer_s: int
    is_active: bool

    @staticmethod
    def resolve_municipality(queue):
        return queue.municipality.slug if queue.municipality_id else None

    @staticmethod
    def resolve_skill(queue):
        return queue.skill.key


@router.get("/routing/queues", response={200: list[QueueOut], **PROBLEMS}, summary="List the centre's queues")
def queue_list(request, center: str | None = None, channel: QueueChannel | None = None, include_inactive: bool = False):
    """Every queue of the centre (shared and each municipality's own) with the skill and languages it needs and
    its thresholds."""
    chosen = selectors.routing_center(actor=request.actor, slug=center)
    return selectors.queue_list(
        actor=request.actor, center=chosen, channel=channel or None, include_inactive=include_inactive
    )


# --- Agents ---------------------------------------------------------------------------------------------------


class AgentSkillOut(Schema):
    skill: str
    level: int


class AgentOut(Schema):
    code: str = Field(description="The extension or login the phone system knows the agent by")
    name: str
    state: str
    state_since: datetime
    wrap_up_until: datetime | None
    idle_since: datetime | None
    current_call: str
    is_reinforcement: bool
    on_phone_duty: bool = Field(description="On a phone shift now, or pulled in")
    pulled_in_until: datetime | None
    languages: list[str]
    skills: list[AgentSkillOut]


def _agent_out(agent, on_duty: set[int]) -> dict:
    return {
        "code": agent.code,
        "name": agent.user.get_full_name() or agent.user.username,
        "state": agent.state,
        "state_since": agent.state_since,
        "wrap_up_until": agent.wrap_up_until,
        "idle_since": agent.idle_since,
        "current_call": agent.current_call,
        "is_reinforcement": agent.is_reinforcement,
        "on_phone_duty": agent.pk in on_duty,
        "pulled_in_until": agent.pulled_in_until,
        "languages": sorted(row.language for row in agent.languages.all()),
        "skills": sorted(
            ({"skill": row.skill.key, "level": row.level} for row in agent.skills.all()), key=lambda s: s["skill"]
        ),
    }


def _one_agent_out(request, center, code: str) -> dict:
    agent = selectors.agent_list(actor=request.actor, center=center).get(code=code)
    return _agent_out(agent, selectors.agent_ids_on_phone_duty(center=center))


@router.get("/routing/agents", response={200: list[AgentOut], **PROBLEMS}, summary="List the centre's agents")
def agent_list(
    request,
    center: str | None = None,
    state: AgentState | None = None,
    language: str | None = None,
    skill: str | None = None,
    is_reinforcement: bool | None = None,
):
    """The centre's agents by code: their state, languages, skills with levels and whether they are on the
    phones now."""
    chosen = selectors.routing_center(actor=request.actor, slug=center)
    agents = selectors.agent_list(
        actor=request.actor,
        center=chosen,
        state=state or None,
        language=language,
        skill=skill,
        is_reinforcement=is_reinforcement,
    )
    on_duty = selectors.agent_ids_on_phone_duty(center=chosen)
    return [_agent_out(agent, on_duty) for agent in agents]


class AgentStateIn(Schema):
    state: AgentState
    reason: str = Field("", max_length=40, description="Why, e.g. meeting or training (kept in the history)")


@router.post("/routing/agents/{code}/state", response={200: AgentOut, **PROBLEMS}, summary="Change an agent's state")
def agent_state_set(request, code: str, body: AgentStateIn, center: str | None = None):
    """The agent themself (from their screen), a supervisor of the centre, or a centre's token with routing:write
    sets the agent's state now: available, other work, break, offline … Setting the state the agent is in
    already changes nothing."""
    chosen = selectors.routing_center(actor=request.actor, slug=center)
    agent = selectors.agent_by_code(actor=request.actor, center=chosen, code=code)
    services.agent_state_set(actor=request.actor, agent=agent, state=body.state, reason=body.reason)
    return _one_agent_out(request, chosen, code)


class PullInIn(Schema):
    until: datetime = Field(description="When the agent goes back to their other work (ISO 8601 with offset)")


@router.post(
    "/routing/agents/{code}/pull-in", response={200: AgentOut, **PROBLEMS}, summary="Pull an agent in to the phones"
)
def reinforcement_pull_in(request, code: str, body: PullInIn, center: str | None = None):
    """A supervisor puts the agent on the phones until ``until``, whatever the rota says; the agent is told."""
    chosen = selectors.routing_center(actor=request.actor, slug=center)
    agent = selectors.agent_by_code(actor=request.actor, center=chosen, code=code)
    services.reinforcement_pull_in(actor=request.actor, agent=agent, until=_aware(body.until, "until"))
    return _one_agent_out(request, chosen, code)


@router.delete(
    "/routing/agents/{code}/pull-in", response={200: AgentOut, **PROBLEMS}, summary="Let a pulled-in agent go"
)
def reinforcement_release(request, code: str, center: str | None = None):
    """A supervisor sends a pulled-in agent back to their other work; from then the rota decides again."""
    chosen = selectors.routing_center(actor=request.actor, slug=center)
    agent = selectors.agent_by_code(actor=request.actor, center=chosen, code=code)
    services.reinforcement_release(actor=request.actor, agent=agent)
    return _one_agent_out(request, chosen, code)


# --- The duty rota ---------------------------------------------------------------------------------------------


class ShiftOut(Schema):
    id: int
    agent: str = Field(description="The agent's code")
    duty: str
    starts_at: datetime
    ends_at: datetime
    note: str

    @staticmethod
    def resolve_agent(shift):
        return shift.agent.code


def _aware(moment: datetime, field: str) -> datetime:
    if timezone.is_naive(moment):
        raise Invalid(_("Give the time with its offset, e.g. 2026-03-02T08:00:00+01:00."), field=field)
    return moment


@router.get("/routing/shifts", response={200: list[ShiftOut], **PROBLEMS}, summary="List the rota's shifts")
def shift_list(
    request,
    start: datetime = FROM,
    end: datetime = TO,
    center: str | None = None,
    agent: str | None = None,
    duty: Duty | None = None,
):
    """The centre's shifts that overlap ``from``–``to`` (at most 31 days), in the order they start."""
    start, end = _aware(start, "from"), _aware(end, "to")
    if end - start > LONGEST_SHIFT_LIST:
        raise Invalid(_("Ask for at most 31 days at a time."), field="to")
    chosen = selectors.routing_center(actor=request.actor, slug=center)
    found = selectors.agent_by_code(actor=request.actor, center=chosen, code=agent) if agent else None
    return selectors.shift_list(actor=request.actor, center=chosen, start=start, end=end, agent=found, duty=duty)


class ShiftAddIn(Schema):
    center: str | None = None
    agent: str = Field(description="The agent's code")
    duty: Duty = Duty.PHONE
    starts_at: datetime
    ends_at: datetime
    note: str = Field("", max_length=200)


@router.post("/routing/shifts", response={201: ShiftOut, **PROBLEMS}, summary="Add a shift to the rota")
def shift_add(request, body: ShiftAddIn):
    """A supervisor (or a centre's token with routing:write, e.g. a staffing tool) adds a stretch of duty; it
    ends after it starts, at most 24 hours later."""
    chosen = selectors.routing_center(actor=request.actor, slug=body.center)
    agent = selectors.agent_by_code(actor=request.actor, center=chosen, code=body.agent)
    shift = services.shift_add(
        actor=request.actor,
        agent=agent,
        starts_at=_aware(body.starts_at, "starts_at"),
        ends_at=_aware(body.ends_at, "ends_at"),
        duty=body.duty,
        note=body.note,
    )
    return Status(201, shift)


@router.delete("/routing/shifts/{int:shift_id}", response={204: None, **PROBLEMS}, summary="Remove a shift")
def shift_remove(request, shift_id: int, center: str | None = None):
    """A supervisor takes a shift off the rota."""
    chosen = selectors.routing_center(actor=request.actor, slug=center)
    services.shift_remove(
        actor=request.actor, shift=selectors.shift_get(actor=request.actor, center=chosen, shift_id=shift_id)
    )
    return Status(204, None)
