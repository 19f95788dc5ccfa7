"""Error pages: problem+json under /api/, a translated page for people; never a stack trace."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from civicdesk.lib.http import problem, wants_json


def _answer(request, status: int, message: str):
    if wants_json(request):
        return problem(status, message)
    return render(request, "errors/error.html", {"status": status, "message": message}, status=status)


def forbidden(request, exception=None):
    return _answer(request, 403, _("You do not have access to this page."))


def not_found(request, exception=None):
    return _answer(request, 404, _("We could not find that page."))


def server_error(request):
    return _answer(request, 500, _("Something went wrong on our side. Try again in a moment."))
