"""Municipalities, topics and API tokens as every request reads them, from an in-process memo
(``lib/memo.py``) that any change to those rows (or to centre memberships) renews in every process.

These are lookups without an actor: callers decide access through ``access`` as for any other row. Each
call returns copies, so a caller that changes what it got never changes the memo.
"""

import copy

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from civicdesk.lib.memo import Memo
from civicdesk.organisations.models import ApiToken, CenterMembership, Municipality, ServiceCenter, Topic

REFERENCE = Memo("organisation-reference")


def municipality_by_slug(slug: str) -> Municipality | None:
    found = REFERENCE.get(("municipality", slug), lambda: Municipality.objects.filter(slug=slug).first())
    return copy.copy(found)


def municipality_by_id(pk: int) -> Municipality | None:
    return copy.copy(_municipalities_by_id().get(pk))


def municipalities_by_id(pks) -> list[Municipality]:
    """Those of ``pks`` that exist; one read for all of them (there are a few hundred in the Nordics)."""
    every = _municipalities_by_id()
    return [copy.copy(every[pk]) for pk in pks if pk in every]


def _municipalities_by_id() -> dict[int, Municipality]:
    return REFERENCE.get("municipalities-by-id", lambda: {m.pk: m for m in Municipality.objects.all()})


def topics_in_use(municipality_id: int, keys: list[str]) -> dict[str, Topic]:
    """Of ``keys``, the active topics a municipality logs with, by key: its own key wins over a shared one."""

    def load() -> dict[str, Topic]:
        topics: dict[str, Topic] = {}
        rows = Topic.objects.filter(Q(municipality_id=municipality_id) | Q(municipality__isnull=True), is_active=True)
        for topic in rows.order_by("pk"):
            if topic.key not in topics or topic.municipality_id is not None:
                topics[topic.key] = topic
        return topics

    in_use = REFERENCE.get(("topics", municipality_id), load)
    return {key: copy.copy(in_use[key]) for key in keys if key in in_use}


def active_token(secret_hash: str) -> ApiToken | None:
    """The unrevoked token with this secret hash, with its centre and municipality."""
    found = REFERENCE.get(
        ("token", secret_hash),
        lambda: (
            ApiToken.objects.select_related("center", "municipality")
            .filter(secret_hash=secret_hash, revoked_at__isnull=True)
            .first()
        ),
        remember_none=False,  # unknown secrets come from outside: never keep them
    )
    return copy.copy(found)


def _renew(sender, **kwargs) -> None:
    REFERENCE.bump()


for _model in (Municipality, Topic, ApiToken, CenterMembership, ServiceCenter):
    post_save.connect(_renew, sender=_model, dispatch_uid=f"reference-renew-save-{_model.__name__}")
    post_delete.connect(_renew, sender=_model, dispatch_uid=f"reference-renew-delete-{_model.__name__}")
