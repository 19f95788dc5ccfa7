"""Call statistics: queue visits counted by queue, municipality, centre, agent or interval, summed in the
database and turned into figures by the one definition of call figures (``lib/call_figures``,
docs/call-figures.md)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import ExtractMinute, Trunc
from django.utils.translation import gettext as _

from civicdesk.lib.call_figures import SERVICE_LEVELS, CallCounts, CallFigures
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import access, reference
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, ServiceCenter
from civicdesk.routing.models import Agent, Queue
from civicdesk.telephony.models import QueueVisit, VisitOutcome

__all__ = [
    "STATS_BY",
    "STATS_MAX_DAYS",
    "StatsRow",
    "call_stats",
    "stats_center",
    "stats_time_zone",
]

STATS_BY = ("queue", "municipality", "center", "agent", "15min", "hour", "day", "week")
STATS_MAX_DAYS = 400
_INTERVALS = ("15min", "hour", "day", "week")


@dataclass(frozen=True)
class StatsRow:
    """One group of a call report: its key (queue key, municipality slug, centre slug, agent code, or the
    interval's start as ISO 8601 in local time; ``None`` for visits without one, such as unanswered visits
    by agent), a label for people, the counts, and — for intervals — the interval's local start."""

    key: str | None
    label: str
    counts: CallCounts
    service_level_variant: str = "default"
    start: datetime | None = None

    @property
    def figures(self) -> CallFigures:
        return self.counts.figures(self.service_level_variant)


def stats_center(*, actor: Actor, slug: str | None = None) -> ServiceCenter:
    """The centre whose calls the actor asks about: the one named, or the actor's own when it works in
    exactly one. ``NotFound`` when the actor may not read that centre's calls."""
    if slug:
        center = ServiceCenter.objects.filter(slug=slug).first()
    else:
        center_ids = access.reach(actor).center_ids
        if len(center_ids) != 1:
            raise Invalid(_("Name the centre whose calls you want figures of."), field="center")
        center = ServiceCenter.objects.filter(pk=next(iter(center_ids))).first()
    if center is None or not access.works_at(actor, center):
        raise NotFound(_("Not found."))
    return center


def stats_time_zone(*, center: ServiceCenter, municipality: Municipality | None = None) -> ZoneInfo:
    """The local time of a report: the municipality's, or else that of the first municipality (by name) the
    centre serves (a centre has no time zone of its own)."""
    if municipality is not None:
        return ZoneInfo(municipality.time_zone)
    served = reference.municipalities_by_id(access.current_member_ids([center.pk]))
    first = min(served, key=lambda m: m.name, default=None)
    return ZoneInfo(first.time_zone if first else settings.TIME_ZONE)


def _aggregates() -> dict:
    """The counts of ``CallCounts`` as SQL aggregates, each visit against its own queue's T and s."""
    answered = Q(outcome=VisitOutcome.ANSWERED)
    abandoned = Q(outcome=VisitOutcome.ABANDONED)
    handled = answered & Q(talk_s__isnull=False)
    within = Q(wait_s__lte=F("queue__service_level_s"))
    return {
        "offered": Count("pk"),
        "answered": Count("pk", filter=answered),
        "answered_within_threshold": Count("pk", filter=answered & within),
        "abandoned": Count("pk", filter=abandoned),
        "abandoned_within_threshold": Count("pk", filter=abandoned & within),
        "short_abandoned": Count("pk", filter=abandoned & Q(wait_s__lt=F("queue__short_abandon_s"))),
        "timeouts": Count("pk", filter=Q(outcome=VisitOutcome.TIMEOUT)),
        "exits_by_key": Count("pk", filter=Q(outcome=VisitOutcome.EXIT_KEY)),
        "no_agents": Count("pk", filter=Q(outcome=VisitOutcome.NO_AGENTS)),
        "transferred": Count("pk", filter=Q(transferred=True)),
        "callbacks": Count("pk", filter=Q(callback=True)),
        "total_wait_answered_s": Sum("wait_s", filter=answered),
        "handled": Count("pk", filter=handled),
        "total_handling_s": Sum(F("talk_s") + F("hold_s") + F("wrap_s"), filter=handled),
        "longest_wait_s": Max("wait_s"),
    }


def _group_columns(by: str, tz: ZoneInfo) -> tuple[dict, tuple[str, ...]]:
    """(expressions to annotate, columns to group by) for ``by``.

    15 minutes and hours are grouped by the UTC hour and its quarter, and moved to local time in Python:
    every time zone's offset is a whole number of quarter hours, so a UTC quarter is a local quarter, and the
    hour 02:00 that happens twice on the night daylight saving ends stays two hours. Days and weeks are
    truncated in local time in the database (Monday-based weeks on both engines)."""
    if by == "queue":
        return {}, ("queue_id", "queue__key", "queue__name")
    if by == "municipality":
        return {}, ("municipality_id",)
    if by == "center":
        return {}, ("center_id",)
    if by == "agent":
        return {}, (
            "agent_id",
            "agent__code",
            "agent__user__first_name",
            "agent__user__last_name",
            "agent__user__username",
        )
    if by in ("15min", "hour"):
        minute = ExtractMinute("entered_at", tzinfo=UTC)
        quarter = Case(
            When(minute__lt=15, then=Value(0)),
            When(minute__lt=30, then=Value(15)),
            When(minute__lt=45, then=Value(30)),
            default=Value(45),
            output_field=IntegerField(),
        )
        return {"minute": minute, "utc_hour": Trunc("entered_at", "hour", tzinfo=UTC), "quarter": quarter}, (
            "utc_hour",
            "quarter",
        )
    return {"bucket": Trunc("entered_at", by, tzinfo=tz)}, ("bucket",)


def _interval_label(start: datetime, by: str) -> str:
    if by == "week":
        year, week, _day = start.isocalendar()
        return _("Week %(week)d, %(year)d") % {"week": week, "year": year}
    if by == "day":
        return start.strftime("%Y-%m-%d")
    label = start.strftime("%Y-%m-%d %H:%M")
    if start.replace(fold=1 - start.fold).utcoffset() != start.utcoffset():
        label += start.strftime(" (UTC%z)")  # the hour that happens twice when daylight saving ends
    return label


def _group_of(row: dict, by: str, tz: ZoneInfo, center: ServiceCenter):
    """(sort key, key, label, local start) of one database row's group."""
    if by == "queue":
        return (row["queue__key"],), row["queue__key"], row["queue__name"], None
    if by == "municipality":
        found = reference.municipality_by_id(row["municipality_id"]) if row["municipality_id"] else None
        if found is None:
            return ("\uffff",), None, _("No municipality"), None
        return (found.slug,), found.slug, found.name, None
    if by == "center":
        return (center.slug,), center.slug, center.name, None
    if by == "agent":
        if row["agent_id"] is None:
            return ("\uffff",), None, _("Not answered"), None
        name = f"{row['agent__user__first_name']} {row['agent__user__last_name']}".strip()
        return (row["agent__code"],), row["agent__code"], name or row["agent__user__username"], None
    if by in ("15min", "hour"):
        local = (row["utc_hour"] + timedelta(minutes=row["quarter"])).astimezone(tz)
        start = local if by == "15min" else local.replace(minute=0)
    else:
        start = row["bucket"].astimezone(tz)
    return (start.astimezone(UTC),), start.isoformat(), _interval_label(start, by), start


def call_stats(
    *,
    actor: Actor,
    center: ServiceCenter | None = None,
    municipality: Municipality | None = None,
    queue: Queue | None = None,
    agent: Agent | None = None,
    start: datetime,
    end: datetime,
    by: str,
    service_level: str = "default",
) -> list[StatsRow]:
    """The centre's queue visits that entered a queue in [start, end) and have ended (a visit still waiting
    is in progress, not offered yet), narrowed to the municipality, queue or agent given, counted per group
    (``STATS_BY``; intervals in the centre's local time, see ``stats_time_zone``) and sorted by the group's
    key. Each visit counts against its own queue's thresholds, and each row says which ones it used.

    The centre is the one given, or the queue's, the agent's, or the actor's own; ``NotFound`` when the actor
    may not read its calls. ``Invalid`` names the field for an unknown ``by`` or ``service_level``, a range
    that ends before it starts or is longer than ``STATS_MAX_DAYS`` days, and a queue or agent of another
    centre."""
    if by not in STATS_BY:
        raise Invalid(_("Group by one of: %(choices)s.") % {"choices": ", ".join(STATS_BY)}, field="by")
    if service_level not in SERVICE_LEVELS:
        raise Invalid(
            _("The service level is one of: %(choices)s.") % {"choices": ", ".join(SERVICE_LEVELS)},
            field="service_level",
        )
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid(_("Give the time with its UTC offset."), field="from" if start.tzinfo is None else "to")
    if end <= start:
        raise Invalid(_("The end must be after the start."), field="to")
    if end - start > timedelta(days=STATS_MAX_DAYS):
        raise Invalid(_("Ask for at most %(days)d days at a time.") % {"days": STATS_MAX_DAYS}, field="to")
    if center is None:
        known = queue.center if queue is not None else agent.center if agent is not None else None
        center = stats_center(actor=actor, slug=known.slug if known is not None else None)
    elif not access.works_at(actor, center):
        raise NotFound(_("Not found."))
    if queue is not None and queue.center_id != center.pk:
        raise Invalid(_("Choose a queue of this centre."), field="queue")
    if agent is not None and agent.center_id != center.pk:
        raise Invalid(_("Choose an agent of this centre."), field="agent")

    visits = access.visible(
        actor, QueueVisit.objects.filter(center=center, entered_at__gte=start, entered_at__lt=end)
    ).exclude(outcome=VisitOutcome.WAITING)
    if municipality is not None:
        visits = visits.filter(municipality=municipality)
    if queue is not None:
        visits = visits.filter(queue=queue)
    if agent is not None:
        visits = visits.filter(agent=agent)

    tz = stats_time_zone(center=center, municipality=municipality)
    annotations, columns = _group_columns(by, tz)
    thresholds = ("queue__service_level_s", "queue__short_abandon_s")
    rows = visits.annotate(**annotations).values(*columns, *thresholds).annotate(**_aggregates()).order_by()

    groups: dict[tuple, tuple] = {}
    for row in rows:
        sort_key, key, label, local_start = _group_of(row, by, tz, center)
        counts = CallCounts(
            offered=row["offered"],
            answered=row["answered"],
            answered_within_threshold=row["answered_within_threshold"],
            abandoned=row["abandoned"],
            abandoned_within_threshold=row["abandoned_within_threshold"],
            short_abandoned=row["short_abandoned"],
            timeouts=row["timeouts"],
            exits_by_key=row["exits_by_key"],
            no_agents=row["no_agents"],
            transferred=row["transferred"],
            callbacks=row["callbacks"],
            total_wait_answered_s=row["total_wait_answered_s"] or 0.0,
            total_handling_s=row["total_handling_s"] or 0.0,
            handled=row["handled"],
            longest_wait_s=row["longest_wait_s"],
            threshold_s=row["queue__service_level_s"],
            short_abandon_s=row["queue__short_abandon_s"],
        )
        if sort_key in groups:
            counts = groups[sort_key][2] + counts
        groups[sort_key] = (key, label, counts, local_start)
    return [
        StatsRow(key=key, label=label, counts=counts, service_level_variant=service_level, start=local_start)
        for _sort, (key, label, counts, local_start) in sorted(groups.items())
    ]
