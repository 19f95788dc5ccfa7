"""Rate limits on public doors that no view decorator covers: guessing API credentials.

Every API answer of 401 counts against the client's address; past the limit the address gets 429 until the
window passes. Signed-in and token callers are throttled per caller by the API itself.
"""

import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle

from civicdesk.lib.http import problem
from civicdesk.lib.request_context import client_address

GROUP = "api-unauthenticated"
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"60/m"`` as (60 requests, 60 seconds)."""
    count, _, period = rate.partition("/")
    return int(count), _SECONDS[period[-1]] * int(period[:-1] or 1)


def _window_key(group: str, ident: str, seconds: int) -> str:
    return f"rl:{group}:{ident}:{int(time.time() // seconds)}"


def window_count(group: str, ident: str, rate: str) -> tuple[int, int]:
    """(requests counted in the current fixed window, the limit)."""
    limit, seconds = parse_rate(rate)
    return cache.get(_window_key(group, ident, seconds), 0), limit


def window_hit(group: str, ident: str, rate: str) -> tuple[int, int]:
    """Count one request in the current fixed window: (the count now, the limit)."""
    limit, seconds = parse_rate(rate)
    key = _window_key(group, ident, seconds)
    cache.add(key, 0, seconds + 1)
    try:
        return cache.incr(key), limit
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, seconds + 1)
        return 1, limit


class UnauthenticatedApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        address = client_address.get() or request.META.get("REMOTE_ADDR", "")  # the proxy's X-Real-IP if behind one
        count, limit = window_count(GROUP, address, settings.API_UNAUTHENTICATED_RATE)
        if count >= limit:
            response = problem(429, "Too many unauthenticated requests. Wait a minute.", title="Too Many Requests")
            response["Retry-After"] = "60"
            return response
        response = self.get_response(request)
        if response.status_code == 401:
            window_hit(GROUP, address, settings.API_UNAUTHENTICATED_RATE)
        return response


class CallerThrottle(BaseThrottle):
    """The API's limit per signed-in caller or token: a fixed window counted with a cache increment (the
    sliding-window log of ninja's own throttles costs more than the request it guards)."""

    def __init__(self, setting: str = "API_CALLER_RATE"):
        self.setting = setting

    def allow_request(self, request) -> bool:
        actor = getattr(request, "actor", None)
        if actor is None or getattr(actor, "pk", None) is None:
            return True  # unauthenticated callers are counted by UnauthenticatedApiRateLimitMiddleware
        count, limit = window_hit("api-caller", f"{type(actor).__name__}:{actor.pk}", getattr(settings, self.setting))
        return count <= limit

    def wait(self) -> float:
        return 60.0


class VisitorThrottle(BaseThrottle):
    """Public endpoints' limit for callers without a token or session: per client address, a fixed window
    (``API_PUBLIC_RATE``). Signed-in and token callers are left to ``CallerThrottle``."""

    def allow_request(self, request) -> bool:
        if getattr(getattr(request, "actor", None), "pk", None) is not None:
            return True
        address = client_address.get() or request.META.get("REMOTE_ADDR", "")
        count, limit = window_hit("api-visitor", address, settings.API_PUBLIC_RATE)
        return count <= limit

    def wait(self) -> float:
        return 60.0
