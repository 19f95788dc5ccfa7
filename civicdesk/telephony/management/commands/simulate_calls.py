"""manage.py simulate_calls: a simulated phone system for a centre, for the demo and for trying an
installation. It asks civicdesk where each call goes and reports what happens, through the same route API
and webhook a real phone system uses (over HTTP with --url, else in this process)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from civicdesk.organisations.models import ServiceCenter
from civicdesk.telephony.simulator import runs
from civicdesk.telephony.simulator.lines import ClientLine, HttpLine


class Command(BaseCommand):
    help = "Simulate a centre's callers: past days at once (--history-days), then live calls until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True, help="The centre's short name, e.g. nordhordland.")
        parser.add_argument("--url", default="", help="civicdesk's address, e.g. http://127.0.0.1:8000.")
        parser.add_argument("--history-days", type=float, default=0, help="Days of past calls to send first.")
        parser.add_argument("--no-live", action="store_true", help="Send the history only.")
        parser.add_argument("--speed", type=float, default=1.0, help="Callers arrive this many times as often.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--around-the-clock", action="store_true", help="Ring at any hour (the opening hours' average rate)."
        )

    def handle(self, *args, center, url, history_days, no_live, speed, seed, around_the_clock, **options):
        found = ServiceCenter.objects.filter(slug=center).first()
        if found is None:
            raise CommandError(f"No centre is called {center!r}.")
        token, secret = runs.simulator_token(found)
        line = HttpLine(url, secret) if url else ClientLine(secret)
        try:
            if history_days:
                sent = runs.history_send(line=line, center=found, days=history_days, seed=seed)
                self.stdout.write(f"{found.slug}: {sent} events of the past {history_days:g} days sent")
            if no_live:
                return
            simulator = runs.live_simulator(
                line=line, center=found, seed=seed + 1, speed=speed, around_the_clock=around_the_clock
            )
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            self.stdout.write(f"{found.slug}: simulated callers ringing (speed ×{speed:g}); Ctrl+C stops")
            try:
                simulator.run(stop)
            except KeyboardInterrupt:
                pass
            self.stdout.write(f"{found.slug}: {simulator.sent} events sent, {simulator.errors} refused")
        finally:
            runs.simulator_token_revoke(token)
