"""HTTP plumbing shared by both doors: RFC 9457 problem+json answers and the rate-limit answer."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from civicdesk.lib.errors import DomainError, Forbidden, NotFound

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status: int, detail: str = "", *, title: str | None = None, **extensions) -> JsonResponse:
    """An RFC 9457 problem document; ``extensions`` become extra members (e.g. ``errors``)."""
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(extensions)
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def problem_from_error(error: DomainError) -> JsonResponse:
    extensions = {}
    if error.field:
        extensions["errors"] = [{"field": error.field, "message": error.message}]
    if error.detail:
        extensions["changes"] = error.detail
    return problem(error.status, error.message, title=error.title, **extensions)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """429 for rate-limited requests: problem+json for the API, a page for people."""
    message = _("Too many attempts. Wait a minute and try again.")
    if wants_json(request):
        response = problem(429, message, title="Too Many Requests")
    else:
        response = render(request, "errors/429.html", {"message": message}, status=429)
    response["Retry-After"] = "60"
    return response


class DomainErrorPageMiddleware:
    """A page whose selector says "not found" or "not yours" answers 404 or 403 with the site's error
    pages, as a missing URL would; the API turns the same errors into problem+json itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(exception.message))
        if isinstance(exception, Forbidden):
            return response_for_exception(request, PermissionDenied(exception.message))
        return None
