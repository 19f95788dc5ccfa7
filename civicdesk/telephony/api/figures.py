"""Call figures over the API: the centre's queue visits counted per queue, municipality, centre, agent or
interval, with the definitions of docs/call-figures.md."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from civicdesk.lib.call_figures import CallCounts, add_up
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import reference
from civicdesk.routing import selectors as routing_selectors
from civicdesk.telephony import selectors

router = Router(tags=["telephony"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 422: dict}

_SPACED_OFFSET = re.compile(r"^(.*T.*) (\d\d(:?\d\d)?)$")  # "+01:00" arrives as " 01:00" when not URL-encoded


class StatsGroupOut(Schema):
    key: str | None = Field(
        description="Queue key, municipality slug, centre slug, agent code, or the interval's local start "
        "(ISO 8601 with offset); null for visits without one (unanswered visits, by agent)"
    )
    label: str
    offered: int = Field(description="Visits that ended (answered, abandoned, timed out, left by key, no agents)")
    answered: int
    answered_within_threshold: int = Field(description="Answered with wait ≤ the queue's threshold T")
    abandoned: int
    short_abandoned: int = Field(description="Abandoned with wait < the queue's short-abandon threshold s")
    abandoned_within_threshold: int
    timeouts: int
    exits_by_key: int = Field(description="Left the queue by key (callback or voicemail)")
    no_agents: int
    transferred: int
    callbacks: int
    handled: int = Field(description="Answered visits whose talk has ended")
    service_level: float | None = Field(description="A share from 0 to 1, by the variant asked for; null: none")
    abandonment_rate: float | None = Field(description="(abandoned − short) ÷ (offered − short)")
    lost: int = Field(description="offered − answered")
    lost_rate: float | None = Field(description="lost ÷ offered")
    asa_s: float | None = Field(description="Average speed of answer, seconds")
    aht_s: float | None = Field(description="Average handling time (talk + hold + wrap-up), seconds")
    longest_wait_s: float | None
    threshold_s: int | None = Field(description="T the row was counted with; null when its queues differ")
    short_abandon_s: int | None = Field(description="s the row was counted with; null when its queues differ")
    thresholds_s: list[int] = Field(description="Every T counted with")
    short_abandons_s: list[int] = Field(description="Every s counted with")


class StatsOut(Schema):
    center: str
    municipality: str | None
    queue: str | None
    agent: str | None
    time_zone: str = Field(description="The local time the intervals and dates are in")
    start: datetime = Field(description="The period is [start, end): visits that entered a queue in it")
    end: datetime
    by: str
    service_level: str = Field(description="The service-level variant: default, offered, answered, asterisk_sl2")
    groups: list[StatsGroupOut]
    total: StatsGroupOut = Field(description="Every group's counts added up")


def _group_out(key: str | None, label: str, counts: CallCounts, variant: str) -> dict:
    """Counts and figures of one group; ratios rounded to 4 places (0.0123 = 1.23 %), seconds to 1 place."""
    flat = counts.figures(variant).as_dict()
    for name in ("service_level", "abandonment_rate", "lost_rate"):
        flat[name] = None if flat[name] is None else round(flat[name], 4)
    for name in ("asa_s", "aht_s", "longest_wait_s"):
        flat[name] = None if flat[name] is None else round(flat[name], 1)
    flat["thresholds_s"] = list(flat["thresholds_s"])
    flat["short_abandons_s"] = list(flat["short_abandons_s"])
    return {"key": key, "label": label, **flat}


def _moment(value: str, tz: ZoneInfo, field: str) -> datetime:
    """An ISO 8601 date (local midnight) or date and time with its UTC offset."""
    text = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            _("Give a date (2025-03-11) or a date and time with its offset (2025-03-11T08:00:00+01:00)."),
            field=field,
        ) from None
    if moment.tzinfo is None:
        raise Invalid(_("Give the time with its UTC offset, e.g. 2025-03-11T08:00:00+01:00."), field=field)
    return moment


def _period(start: str | None, end: str | None, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[from, to): today in local time when neither is given; one day from ``from`` or up to ``to``."""
    if start is None and end is None:
        today = timezone.now().astimezone(tz).date()
        begins = datetime.combine(today, time(0), tzinfo=tz)
        return begins, begins + timedelta(days=1)
    begins = _moment(start, tz, "from") if start is not None else None
    ends = _moment(end, tz, "to") if end is not None else None
    if begins is None:
        begins = ends.astimezone(tz) - timedelta(days=1)  # wall-clock arithmetic: one local day
    if ends is None:
        ends = begins.astimezone(tz) + timedelta(days=1)
    return begins, ends


@router.get(
    "/telephony/stats",
    response={200: StatsOut, **PROBLEMS},
    summary="Call figures per queue, municipality, centre, agent or interval",
)
def call_stats(
    request,
    center: str | None = None,
    municipality: str | None = None,
    queue: str | None = None,
    agent: str | None = None,
    from_: str | None = Query(None, alias="from", description="Date (local midnight) or date-time with offset"),
    to: str | None = Query(None, description="Date (local midnight) or date-time with offset; the end is excluded"),
    by: str = Query("queue", description="queue, municipality, center, agent, 15min, hour, day or week"),
    service_level: str = Query("default", description="default, offered, answered or asterisk_sl2"),
):
    """Offered, answered, abandoned (short abandons apart), answered within the threshold, service level, ASA,
    AHT, longest wait, transfers, callbacks and lost calls of the visits that entered the centre's queues in
    [from, to) and have ended, per group, with the thresholds each group was counted with. Definitions:
    docs/call-figures.md. Without ``from`` and ``to``: today in the centre's local time; with one of them: one
    local day from or up to it. The centre is the one named, or the caller's own; its staff and its tokens may
    read its figures."""
    center_found = selectors.stats_center(actor=request.actor, slug=center)
    chosen_municipality = None
    if municipality:
        chosen_municipality = reference.municipality_by_slug(municipality)
        if chosen_municipality is None:
            raise Invalid(_("No municipality has that short name."), field="municipality")
    chosen_queue = chosen_agent = None
    try:
        if queue:
            chosen_queue = routing_selectors.queue_by_key(actor=request.actor, center=center_found, key=queue)
    except NotFound:
        raise Invalid(_("The centre has no queue with that key."), field="queue") from None
    try:
        if agent:
            chosen_agent = routing_selectors.agent_by_code(actor=request.actor, center=center_found, code=agent)
    except NotFound:
        raise Invalid(_("The centre has no agent with that code."), field="agent") from None
    tz = selectors.stats_time_zone(center=center_found, municipality=chosen_municipality)
    start, end = _period(from_, to, tz)
    rows = selectors.call_stats(
        actor=request.actor,
        center=center_found,
        municipality=chosen_municipality,
        queue=chosen_queue,
        agent=chosen_agent,
        start=start,
        end=end,
        by=by,
        service_level=service_level,
    )
    return {
        "center": center_found.slug,
        "municipality": chosen_municipality.slug if chosen_municipality else None,
        "queue": chosen_queue.key if chosen_queue else None,
        "agent": chosen_agent.code if chosen_agent else None,
        "time_zone": tz.key,
        "start": start,
        "end": end,
        "by": by,
        "service_level": service_level,
        "groups": [_group_out(row.key, row.label, row.counts, service_level) for row in rows],
        "total": _group_out(None, _("Total"), add_up(row.counts for row in rows), service_level),
    }
