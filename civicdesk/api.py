"""The one NinjaAPI under /api/: authentication, errors as RFC 9457 problem+json, each domain's router."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from civicdesk.cases.api import router as cases_router
from civicdesk.contacts.api import router as contacts_router
from civicdesk.directory.api import router as directory_router
from civicdesk.knowledge.api import router as knowledge_router
from civicdesk.lib.errors import DomainError
from civicdesk.lib.http import problem, problem_from_error
from civicdesk.lib.ratelimit import CallerThrottle
from civicdesk.organisations.api import IntegrationToken, StaffSession
from civicdesk.organisations.api import router as organisations_router
from civicdesk.routing.api import router as routing_router
from civicdesk.telephony.api import router as telephony_router

log = logging.getLogger(__name__)


api = NinjaAPI(
    title="civicdesk API",
    version="1",
    description="Contacts, cases, directory, knowledge and queues of the municipalities you reach. "
    "Errors are RFC 9457 problem+json.",
    auth=[IntegrationToken(), StaffSession()],
    throttle=[CallerThrottle()],
    urls_namespace="api",
)
# Django tries the paths in this order: the phone system's, asked many times a second, come first.
api.add_router("/", telephony_router)
api.add_router("/", routing_router)
api.add_router("/", organisations_router)
api.add_router("/", directory_router)
api.add_router("/", knowledge_router)
api.add_router("/", contacts_router)
api.add_router("/", cases_router)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return problem_from_error(exc)


def _field_name(location) -> str | None:
    """('body', 'body', 'slug') -> 'slug'; ('query', 'q') -> 'q': the source and the parameter name go."""
    parts = list(location)[1:]
    if len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or None


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [{"field": _field_name(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    return problem(422, "The request does not match the schema.", title="Invalid input", errors=errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    response = problem(401, "Sign in, or send an API token as 'Authorization: Bearer …'.", title="Unauthorized")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthorizationError)
def authorization_error(request, exc):
    return problem(403, str(exc.message), title="Forbidden")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    response = problem(exc.status_code, str(exc.message))
    if exc.status_code == 429:
        response["Retry-After"] = str(getattr(exc, "wait", None) or 60)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return problem(404, "Not found.")


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return problem(403, "Forbidden.")


@api.exception_handler(Exception)
def unexpected(request, exc):
    log.exception("API error", exc_info=exc)
    return problem(500, "Something went wrong on our side.")
