"""One unit or one person of the directory, as staff look them up: numbers, opening hours per channel and
whether they are open now, who works there and what they handle."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from civicdesk.directory import selectors
from civicdesk.organisations.access import is_staff_actor


def _context(request, card, municipality) -> dict:
    """The card, and what the reader may do with it: staff report changes and see history, the
    municipality's admins also confirm it."""
    return {
        "card": card,
        "staff": is_staff_actor(request.actor),
        "admin": selectors.can_decide_changes(actor=request.actor, municipality=municipality),
    }


@login_required
def unit_detail(request, pk: int):
    card = selectors.unit_card(actor=request.actor, unit_id=pk)
    return render(request, "directory/unit_detail.html", _context(request, card, card.unit.municipality))


@login_required
def employee_detail(request, pk: int):
    card = selectors.employee_card(actor=request.actor, employee_id=pk)
    return render(request, "directory/employee_detail.html", _context(request, card, card.employee.municipality))
