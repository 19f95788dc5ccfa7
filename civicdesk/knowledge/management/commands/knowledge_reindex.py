"""manage.py knowledge_reindex: analyse every article and incident again and count the terms anew."""

from django.core.management.base import BaseCommand
from django.db import transaction

from civicdesk.knowledge import store


class Command(BaseCommand):
    help = "Analyse every knowledge article and incident again (after the analyser or its lexicon changed)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = store.reindex()
        self.stdout.write(f"{count} entries analysed again.")
