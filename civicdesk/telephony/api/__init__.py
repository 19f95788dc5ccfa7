"""JSON API of telephony: the phone system's webhook and routing questions, call figures, numbers and menus.
Thin: every endpoint calls the same service or selector as its page."""

from ninja import Router

from civicdesk.telephony.api import events, figures, menus

router = Router(tags=["telephony"])
router.add_router("/", events.router)
router.add_router("/", menus.router)
router.add_router("/", figures.router)
