"""Skills as the actor may see them."""

from django.db.models import QuerySet

from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import ServiceCenter
from civicdesk.routing.models import Skill

__all__ = ["skill_by_key", "skill_list"]


def skill_list(*, actor: Actor, center: ServiceCenter) -> QuerySet[Skill]:
    """The centre's skills by name."""
    return access.visible(actor, Skill.objects.filter(center=center)).order_by("name", "pk")


def skill_by_key(*, actor: Actor, center: ServiceCenter, key: str) -> Skill:
    """The centre's skill ``key``; ``NotFound`` when missing or hidden."""
    return access.get_visible(actor, Skill.objects.all(), center=center, key=key)
