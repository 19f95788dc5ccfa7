"""Starting the simulated phone system for a centre: its token, its callers, its past and its live calls."""

import datetime as dt
import math
from collections import defaultdict

from django.utils import timezone

from civicdesk.organisations import access
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM, Permission
from civicdesk.organisations.models import ApiToken, ServiceCenter
from civicdesk.routing.selectors import center_time_zone
from civicdesk.telephony.models import IVRNode
from civicdesk.telephony.simulator.callers import NORDHORDLAND, PATTERNS, CallerPattern, CallerSource
from civicdesk.telephony.simulator.history import QueueStaff, history_events
from civicdesk.telephony.simulator.lines import PhoneLine
from civicdesk.telephony.simulator.live import LiveSimulator
from civicdesk.telephony.simulator.staffing import agents_of, numbers_of, staffing_of

TOKEN_NAME = "phone simulator"
HISTORY_BATCH = 500


def simulator_token(center: ServiceCenter) -> tuple[ApiToken, str]:
    """A fresh token for the simulated phone system (revoked by ``simulator_token_revoke`` when it stops)."""
    return organisation_services.api_token_create(
        actor=SYSTEM,
        name=TOKEN_NAME,
        permissions=[Permission.READ, Permission.WRITE_TELEPHONY, Permission.WRITE_ROUTING],
        center=center,
    )


def simulator_token_revoke(token: ApiToken) -> None:
    organisation_services.api_token_revoke(actor=SYSTEM, token=token)


def pattern_of(center: ServiceCenter, calls_per_week: float | None = None) -> CallerPattern:
    pattern = PATTERNS.get(center.slug, NORDHORDLAND)
    if calls_per_week:
        from dataclasses import replace

        pattern = replace(pattern, calls_per_week=calls_per_week)
    return pattern


def caller_source(center: ServiceCenter, *, seed: int = 1, calls_per_week: float | None = None) -> CallerSource:
    return CallerSource(pattern=pattern_of(center, calls_per_week), numbers=numbers_of(center), seed=seed)


def queue_staff(center: ServiceCenter, *, on_phones: float = 1.0) -> list[QueueStaff]:
    """Each phone queue of the centre, the menu digits leading to it, and the agents answering it in the
    past: every agent in the queue of their best skill, ``on_phones`` of them (a share) at a time."""
    digits = defaultdict(set)
    for digit, queue_key in IVRNode.objects.filter(
        municipality_id__in=access.current_member_ids([center.pk]), queue__isnull=False
    ).values_list("digit", "queue__key"):
        if digit:
            digits[queue_key].add(digit)
    pools = defaultdict(list)
    for agent in agents_of(center):
        skills = sorted(agent.skills.all(), key=lambda s: -s.level)
        if skills:
            pools[skills[0].skill.key].append(agent.code)
    staff = []
    for key in sorted(digits):
        agents = pools.get(key) or [code for pool in pools.values() for code in pool][:2]
        keep = max(1, math.ceil(len(agents) * on_phones))
        staff.append(QueueStaff(key=key, digits=tuple(sorted(digits[key])), agents=tuple(agents[:keep])))
    return staff


def history_send(
    *, line: PhoneLine, center: ServiceCenter, days: float, seed: int = 1, on_phones: float = 1.0, until=None
) -> int:
    """Play ``days`` of past calls up to ``until`` (now) and send their events in batches; the events sent."""
    until = until or timezone.now()
    source = caller_source(center, seed=seed)
    source.prefix = "hist"
    queues = queue_staff(center, on_phones=on_phones)
    if not queues or not source.numbers:
        return 0
    events = history_events(
        source=source,
        queues=queues,
        start=until - dt.timedelta(days=days),
        end=until,
        time_zone=str(center_time_zone(center)),
    )
    batch, sent = [], 0
    for event in events:
        batch.append(event)
        if len(batch) == HISTORY_BATCH:
            line.send(batch)
            sent, batch = sent + len(batch), []
    if batch:
        line.send(batch)
        sent += len(batch)
    return sent


def live_simulator(
    *, line: PhoneLine, center: ServiceCenter, seed: int = 2, speed: float = 1.0, around_the_clock: bool = False
) -> LiveSimulator:
    source = caller_source(center, seed=seed)
    return LiveSimulator(
        line=line,
        source=source,
        staffing=staffing_of(center),
        time_zone=str(center_time_zone(center)),
        speed=speed,
        around_the_clock=around_the_clock,
    )


def serve_helpers(url: str) -> list[list[str]]:
    """What ``manage.py serve`` starts beside the demo server: a simulated phone system for each centre with
    public numbers (``CIVICDESK_PHONE_SIMULATOR``, on in the demo), ringing at any hour so the demo is live
    whenever it runs."""
    from django.conf import settings

    from civicdesk.telephony.models import PhoneNumber

    if not settings.PHONE_SIMULATOR:
        return []
    centers = set()
    for municipality_id in PhoneNumber.objects.filter(is_active=True).values_list("municipality_id", flat=True):
        centers |= access.centers_serving_ids({municipality_id})
    helpers = []
    for center in ServiceCenter.objects.filter(pk__in=centers).order_by("slug"):
        # A small centre's few calls are sped up so the demo is lively; a large one rings as it would.
        speed = "4" if pattern_of(center).calls_per_week < 1_000 else "1"
        helpers.append(
            ["simulate_calls", "--center", center.slug, "--url", url, "--speed", speed, "--around-the-clock"]
        )
    return helpers
