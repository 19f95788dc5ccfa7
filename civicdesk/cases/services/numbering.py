"""Readable case numbers per municipality and year: GUL-2026-000123."""

from django.db.models import F
from django.utils import timezone

from civicdesk.cases.models import CaseSequence
from civicdesk.organisations.models import Municipality


def case_number_next(municipality: Municipality) -> str:
    """The next number; the sequence row is updated in the caller's transaction, so numbers are never
    given twice and a rolled-back case gives its number back."""
    year = timezone.localtime(timezone.now()).year
    sequence, _created = CaseSequence.objects.get_or_create(municipality=municipality, year=year)
    CaseSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    number = CaseSequence.objects.values_list("last_number", flat=True).get(pk=sequence.pk)
    return f"{municipality.code}-{year}-{number:06d}"
