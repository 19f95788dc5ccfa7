"""manage.py import_queue_log FILE --center SLUG [--dry-run] [--time-zone ZONE] [--open-contacts]: bring an
Asterisk ``queue_log`` into the centre's calls and queue visits, as SYSTEM.

The file is read line by line and recorded 500 events at a time, through the same service as the phone
system's webhook, so importing it again (or a log that has grown since) adds only what is new. A line that
cannot be read (a malformed line, an unknown queue or agent) is reported on stderr with its number and left
out; the import goes on. ``--dry-run`` reads and checks everything and keeps nothing. Old calls open no
contacts unless ``--open-contacts`` (calls answered in the last 12 hours do then)."""

import zoneinfo
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from civicdesk.lib.errors import DomainError, Invalid, NotFound
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import SYSTEM
from civicdesk.routing import selectors as routing_selectors
from civicdesk.telephony import services
from civicdesk.telephony.adapters.asterisk import AgentNames, LineProblem, QueueLogReader

CHUNK = 500


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import an Asterisk queue_log file into a centre's calls (idempotent: a second import adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--center", required=True, help="Slug of the centre whose phone system wrote the log.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, keep nothing.")
        parser.add_argument(
            "--time-zone", default="", help="For times written as dates (the realtime table): default TIME_ZONE."
        )
        parser.add_argument("--open-contacts", action="store_true", help="Open contacts for recent answered calls.")

    def handle(self, *args, path, center, dry_run, time_zone, open_contacts, **options):
        try:
            target = organisation_selectors.center_get(actor=SYSTEM, slug=center)
        except NotFound:
            raise CommandError(f"No centre called {center}.") from None
        try:
            zone = zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"Unknown time zone {time_zone}.") from None
        self.counts = {"lines": 0, "events": 0, "new": 0, "duplicates": 0, "ignored": 0, "problems": 0, "calls": 0}
        self.center, self.open_contacts = target, open_contacts
        reader = QueueLogReader(queues=_queue_keys(target), agents=_agent_names(target), time_zone=zone)
        # Each chunk is kept as it is recorded (a second run adds what is still missing); a dry run is one
        # transaction that is rolled back.
        try:
            with (
                path.open(encoding="utf-8", errors="replace") as lines,
                transaction.atomic() if dry_run else nullcontext(),
            ):
                self._import(reader.read(lines))
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except DomainError as error:
            raise CommandError(error.message) from None
        c = self.counts
        self.stdout.write(
            f"{c['lines']} lines: {c['events']} events ({c['new']} new, {c['duplicates']} already known), "
            f"{c['ignored']} lines without bearing on calls, {c['problems']} lines left out; "
            f"{c['calls']} calls rebuilt." + (" Dry run: nothing was kept." if dry_run else "")
        )

    def _import(self, lines) -> None:
        chunk: list[tuple[int, object]] = []
        for number, read in lines:
            self.counts["lines"] += 1
            if isinstance(read, LineProblem):
                self._problem(read.line, read.message)
            elif read is None:
                self.counts["ignored"] += 1
            else:
                chunk.append((number, read))
                if len(chunk) >= CHUNK:
                    self._record(chunk)
                    chunk = []
        if chunk:
            self._record(chunk)

    def _record(self, chunk: list) -> None:
        """Record a chunk; an event the service refuses is reported with its line and left out."""
        while chunk:
            try:
                result = services.call_events_record(
                    actor=SYSTEM,
                    center=self.center,
                    events=[event for _, event in chunk],
                    open_contacts=self.open_contacts,
                )
            except Invalid as error:
                index, _, field = (error.field or "").partition(".")
                if not index.isdigit() or int(index) >= len(chunk):
                    raise
                number, _event = chunk.pop(int(index))
                self._problem(number, f"{field}: {error.message}")
                continue
            self.counts["events"] += len(chunk)
            self.counts["new"] += result.new
            self.counts["duplicates"] += result.duplicates
            self.counts["calls"] += len(result.calls)
            return

    def _problem(self, number: int, message: str) -> None:
        self.counts["problems"] += 1
        self.stderr.write(f"line {number}: {message}")


def _queue_keys(center) -> set[str]:
    return set(
        routing_selectors.queue_list(actor=SYSTEM, center=center, include_inactive=True).values_list("key", flat=True)
    )


def _agent_names(center) -> AgentNames:
    """The centre's agents by code, and by the names a log may use for them (full name, user name)."""
    agents = list(routing_selectors.agent_list(actor=SYSTEM, center=center).prefetch_related(None))
    names = {}
    for agent in agents:
        names[agent.user.get_full_name()] = agent.code
        names[agent.user.username] = agent.code
    return AgentNames([agent.code for agent in agents], names)
