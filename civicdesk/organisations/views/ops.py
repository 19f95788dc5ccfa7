"""Probes for the orchestrator, and each municipality's theme stylesheet."""

from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from civicdesk.lib.errors import NotFound
from civicdesk.lib.theme import theme_css
from civicdesk.organisations import selectors


@require_GET
def healthz(request):
    """Alive: the process answers."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request):
    """Ready: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not ready", whatever the driver raises
        return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@cache_control(public=True, max_age=3600)
def municipality_theme(request, slug: str):
    """The municipality's brand as Designsystemet colour variables (public: the portal uses it too)."""
    try:
        colour = selectors.brand_colour_of(slug=slug)
    except NotFound:
        raise Http404 from None
    return HttpResponse(theme_css(colour), content_type="text/css; charset=utf-8")
