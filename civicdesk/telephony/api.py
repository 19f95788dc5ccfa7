"""JSON API of telephony. Thin: every endpoint calls the same service or selector as its page."""

from ninja import Router

router = Router(tags=["telephony"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}
