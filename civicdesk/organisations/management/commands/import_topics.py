"""manage.py import_topics FILE --format csv|kle|los [--municipality SLUG]: load a taxonomy from a file.

Without --municipality the records go into the shared set. KLE is licensed by KL: import only your
municipality's own copy. LOS (Norway) is open.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicdesk.lib.errors import DomainError, NotFound
from civicdesk.organisations import selectors, services
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.topic_formats import FORMATS, TopicFormatError, parse_topics


class Command(BaseCommand):
    help = "Import topics from a civicdesk CSV, a KLE XML file or the LOS vocabulary (SKOS RDF/XML)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--municipality", help="Slug; leave out to import into the shared set.")
        parser.add_argument("--los-words", action="store_true", help="LOS: also import words under their themes.")

    def handle(self, *args, file, format, municipality, los_words, **options):
        try:
            target = selectors.municipality_get(actor=SYSTEM, slug=municipality) if municipality else None
            records = parse_topics(format, file.read_bytes(), los_words=los_words)
            result = services.topics_import(actor=SYSTEM, municipality=target, records=records)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except NotFound:
            raise CommandError(f"No municipality called {municipality}.") from None
        except TopicFormatError as error:
            raise CommandError(f"{file}: {error}") from None
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{result['created']} topics added, {result['updated']} updated.")
