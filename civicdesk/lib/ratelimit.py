"""Rate limits on public doors that no view decorator covers: guessing API credentials.

Every API answer of 401 counts against the client's address; past the limit the address gets 429 until the
window passes. Signed-in and token callers are throttled per caller by the API itself.
"""

from django.conf import settings
from django_ratelimit.core import get_usage

from civicdesk.lib.http import problem

GROUP = "api-unauthenticated"


def _rate(group, request) -> str:
    return settings.API_UNAUTHENTICATED_RATE


class UnauthenticatedApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        usage = get_usage(request, group=GROUP, key="ip", rate=_rate, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            response = problem(429, "Too many unauthenticated requests. Wait a minute.", title="Too Many Requests")
            response["Retry-After"] = "60"
            return response
        response = self.get_response(request)
        if response.status_code == 401:
            get_usage(request, group=GROUP, key="ip", rate=_rate, increment=True)
        return response


class CallerThrottle:
    """The API's limit per signed-in caller or token: a fixed window counted with one cache increment (the
    sliding-window log of ninja's own throttles costs more than the request it guards)."""

    def __init__(self, setting: str = "API_CALLER_RATE"):
        self.setting = setting

    def allow_request(self, request) -> bool:
        actor = getattr(request, "actor", None)
        if actor is None or getattr(actor, "pk", None) is None:
            return True  # unauthenticated callers are counted by UnauthenticatedApiRateLimitMiddleware
        key = f"{type(actor).__name__}:{actor.pk}"
        usage = get_usage(
            request,
            group="api-caller",
            key=lambda group, request: key,
            rate=lambda group, request: getattr(settings, self.setting),
            increment=True,
        )
        return not (usage and usage["should_limit"])

    def wait(self) -> float:
        return 60.0
