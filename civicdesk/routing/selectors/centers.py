"""Which centre a routing request is about."""

from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import ServiceCenter

__all__ = ["routing_center"]


def routing_center(*, actor: Actor, slug: str | None = None) -> ServiceCenter:
    """The centre named by ``slug``, or the only one the actor works in (as agent, supervisor or a centre's token).
    ``NotFound`` for a centre the actor does not work in; ``Invalid`` (field ``center``) when the actor works in
    several, or is a platform admin, and named none."""
    r = access.reach(actor)
    if slug:
        center = ServiceCenter.objects.filter(slug=slug).first()
        if center is None or not (r.everything or center.pk in r.center_ids):
            raise NotFound(_("Not found."))
        return center
    if len(r.center_ids) == 1 and not r.everything:
        return ServiceCenter.objects.get(pk=next(iter(r.center_ids)))
    if not r.everything and not r.center_ids:
        raise NotFound(_("Not found."))
    raise Invalid(_("Name the centre (its short name)."), field="center")
