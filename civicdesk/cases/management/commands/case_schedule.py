"""manage.py case_schedule [--once] [--every SECONDS]: enqueue the periodic work for the task worker: the SLA
watch, a poll of every IMAP mailbox and the knowledge base's review reminders. Run it once a minute from cron
with --once, or leave it running; the demo's ``serve`` runs it beside the server."""

import time

from django.core.management.base import BaseCommand

from civicdesk.cases import selectors, tasks
from civicdesk.knowledge import tasks as knowledge_tasks


class Command(BaseCommand):
    help = "Enqueue the SLA watch, IMAP polls and review reminders for the task worker, once or every N seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--every", type=int, default=60)

    def handle(self, *args, once, every, **options):
        while True:
            tasks.sla_check.enqueue()
            knowledge_tasks.review_reminders.enqueue()
            polled = 0
            for mailbox_id in selectors.mailboxes_pollable().values_list("pk", flat=True):
                tasks.mailbox_poll.enqueue(mailbox_id=mailbox_id)
                polled += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"Enqueued the SLA watch and {polled} mailbox polls.")
            if once:
                return
            time.sleep(every)
