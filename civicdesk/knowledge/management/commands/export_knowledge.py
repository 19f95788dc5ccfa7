"""manage.py export_knowledge --center SLUG --format markdown|jsonl OUT: write a centre's knowledge base (its
shared articles and those of the municipalities it serves) as a folder of Markdown files or a JSON Lines file,
in the formats ``import_knowledge`` reads. OUT ``-`` writes JSON Lines to standard output."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicdesk.knowledge import formats, imports
from civicdesk.lib.errors import NotFound
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import SYSTEM


class Command(BaseCommand):
    help = "Export a centre's knowledge articles as a folder of Markdown files or a JSON Lines file."

    def add_arguments(self, parser):
        parser.add_argument("out", help="A folder (markdown) or a file (jsonl); - for standard output (jsonl).")
        parser.add_argument("--center", required=True, help="Slug of the centre.")
        parser.add_argument("--format", required=True, choices=["markdown", "jsonl"])

    def handle(self, *args, out, center, format, **options):
        try:
            target = organisation_selectors.center_get(actor=SYSTEM, slug=center)
        except NotFound:
            raise CommandError(f"No centre called {center}.") from None
        records = imports.knowledge_export(actor=SYSTEM, center=target)
        try:
            if format == "jsonl" and out == "-":
                self.stdout.write(formats.write_json_lines(records), ending="")
                return
            if format == "jsonl":
                Path(out).write_text(formats.write_json_lines(records), encoding="utf-8", newline="\n")
            else:
                formats.write_markdown_folder(records, out)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from None
        self.stderr.write(f"{len(records)} articles written to {out}.")
