"""What the current request is, for code that must not see ``request``: its client address and id.

Services write the address into the audit log; the request log line carries the id.
"""

import contextvars
import logging
import time
import uuid

client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_address", default=None)
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

request_log = logging.getLogger("civicdesk.request")


def _client_address(request) -> str | None:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; the proxy must overwrite X-Real-IP.
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Sets the address and id of the request, and writes one log line per request when it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        rid = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        address_token = client_address.set(_client_address(request))
        id_token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            client_address.reset(address_token)
            request_id.reset(id_token)
        response["X-Request-ID"] = rid
        if not request_log.isEnabledFor(logging.INFO):
            return response
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "request_id": rid,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
