"""manage.py export_topics [--municipality SLUG]: the shared set, or one municipality's own topics, as CSV."""

from django.core.management.base import BaseCommand, CommandError

from civicdesk.lib.errors import NotFound
from civicdesk.organisations import selectors
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.topic_formats import write_topics_csv


class Command(BaseCommand):
    help = "Write topics as CSV to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="Slug; leave out for the shared set.")

    def handle(self, *args, municipality, **options):
        try:
            target = selectors.municipality_get(actor=SYSTEM, slug=municipality) if municipality else None
        except NotFound:
            raise CommandError(f"No municipality called {municipality}.") from None
        self.stdout.write(
            write_topics_csv(selectors.topic_records(actor=SYSTEM, municipality=target), outside_parents=bool(target)),
            ending="",
        )
