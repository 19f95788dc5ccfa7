"""What every routing page needs: the centre it is about (``?center=slug``, one the reader works at), whether
the reader keeps it, and a service's complaint put beside the field it names."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.organisations import access
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.views.choosing import center_chosen


def page_center(request):
    """The centres the reader works at (by name) and the one chosen; 404 for those who work at none."""
    centers = organisation_selectors.centers_of_actor(actor=request.actor).order_by("name")
    center = center_chosen(request, centers)
    if center is None:
        raise Http404
    return centers, center


def is_keeper(request, center) -> bool:
    """Does the reader keep the centre's routing (its supervisors, platform admins)?"""
    return access.is_supervisor_of(request.actor, center)


def kept_center(request):
    """The page's centre, for those who keep its routing; 403 for its agents, 404 for others."""
    _centers, center = page_center(request)
    if not is_keeper(request, center):
        raise Forbidden(_("You do not have permission to do that."))
    return center


def center_url(name: str, center, *args, query: str = "") -> str:
    return reverse(name, args=args) + f"?center={center.slug}" + (f"&{query}" if query else "")


def form_errors(form, error: Invalid, rename: dict | None = None) -> None:
    """A service's complaint beside the field it names (the form's name for it), else above the form."""
    rename = rename or {}
    for field, texts in (error.detail or {error.field: [error.message]}).items():
        field = rename.get(field, field)
        for text in texts:
            form.add_error(field if field in form.fields else None, text)
