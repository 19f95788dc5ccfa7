"""What every page's frame needs: the user's municipality brand, the navigation for their roles, languages."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.organisations import selectors
from civicdesk.organisations.models import Role

NAVIGATION = {
    Role.AGENT: [("organisations:desk", _("Desk"))],
    Role.SUPERVISOR: [("organisations:supervisor", _("Centre")), ("organisations:desk", _("Desk"))],
    Role.CASEWORKER: [("organisations:casework", _("My team"))],
    Role.MUNICIPALITY_ADMIN: [
        ("organisations:municipality_admin", _("Municipality")),
        ("organisations:topic_list", _("Topics")),
    ],
    Role.PLATFORM_ADMIN: [
        ("organisations:platform", _("Platform")),
        ("organisations:audit_search", _("Audit log")),
        ("organisations:api_token_list", _("API tokens")),
    ],
    "portal": [("organisations:portal", _("My page"))],
}


def register_navigation(role: str, url_name: str, label, first: bool = False) -> None:
    """Higher packages add their pages to a role's navigation from ``AppConfig.ready``."""
    items = NAVIGATION.setdefault(role, [])
    if (url_name, label) not in items:
        items.insert(0, (url_name, label)) if first else items.append((url_name, label))


def chrome(request) -> dict:
    actor = getattr(request, "actor", None)
    context = {"LANGUAGE_CHOICES": settings.LANGUAGES, "nav_items": [], "brand": None}
    if actor is None or not actor.is_authenticated:
        return context
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return context  # a fragment swapped into a page that already has its frame
    roles = selectors.landing_roles(actor=actor)
    seen = set()
    items = []
    for role in roles:
        for url_name, label in NAVIGATION.get(role, []):
            if url_name not in seen:
                seen.add(url_name)
                url = reverse(url_name)
                items.append({"url": url, "label": label, "current": request.path.startswith(url)})
    context["nav_items"] = items
    context["brand"] = selectors.home_municipality(actor=actor)
    context["unread_notifications"] = selectors.notifications_of(actor=actor, unread_only=True).count()
    return context
