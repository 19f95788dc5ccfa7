"""manage.py import_knowledge PATH --center SLUG [--only-valid] [--draft]: bring a folder of Markdown files or a
JSON Lines file (``.jsonl``) into a centre's knowledge base, as SYSTEM.

Any problem means nothing is imported and the command fails, listing every problem; ``--only-valid`` imports the
rows without problems and lists the others. New articles are published unless ``--draft``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicdesk.knowledge import formats, imports
from civicdesk.lib.errors import DomainError, NotFound
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import SYSTEM


def read_path(path: Path):
    """Records and problems from a folder of Markdown files, or from a ``.jsonl`` file."""
    if path.is_dir():
        return formats.read_markdown_folder(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return formats.read_json_lines(path.read_bytes())
    if path.suffix.lower() in formats.MARKDOWN_SUFFIXES:
        record, problems = formats.read_markdown_file(path.name, path.read_bytes())
        return [record] if record else [], problems
    raise CommandError(f"{path}: give a folder of Markdown files or a .jsonl file.")


class Command(BaseCommand):
    help = "Import knowledge articles from a folder of Markdown files or a JSON Lines (.jsonl) file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--center", required=True, help="Slug of the centre whose knowledge base it is.")
        parser.add_argument("--only-valid", action="store_true", help="Import the rows without problems.")
        parser.add_argument("--draft", action="store_true", help="New articles start as drafts, not published.")

    def handle(self, *args, path, center, only_valid, draft, **options):
        try:
            target = organisation_selectors.center_get(actor=SYSTEM, slug=center)
            records, problems = read_path(path)
            result = imports.knowledge_import(
                actor=SYSTEM,
                center=target,
                records=records,
                problems=problems,
                only_valid=only_valid,
                publish=not draft,
            )
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except NotFound:
            raise CommandError(f"No centre called {center}.") from None
        except DomainError as error:
            raise CommandError(error.message) from None
        for problem in result.problems:
            self.stderr.write(f"{problem.where}: {problem.message}" if problem.where else problem.message)
        if not result.applied:
            raise CommandError(
                f"Nothing was imported: {len(result.problems)} problem(s). Fix them, or use --only-valid to import "
                "the rows without problems."
            )
        self.stdout.write(
            f"{result.created} articles created, {result.updated} updated, {result.unchanged} unchanged"
            + (f", {len(result.problems)} rows left out" if result.problems else "")
            + (f"; new topics under “imported”: {', '.join(result.topics_created)}" if result.topics_created else "")
            + "."
        )
