"""API tokens for integrations: made with a secret shown once, stored hashed, revocable."""

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit, reference
from civicdesk.organisations.access import Action, Actor, Permission
from civicdesk.organisations.models import ApiToken, Municipality, ServiceCenter

SECRET_PREFIX = "cdk_"


def _hash(secret: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is enough; a slow KDF would only slow every call.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    actor: Actor,
    name: str,
    permissions: list[str],
    center: ServiceCenter | None = None,
    municipality: Municipality | None = None,
) -> tuple[ApiToken, str]:
    """A token is scoped to one municipality or one centre and to named permissions.

    Returns the token and its secret; the secret is never stored and cannot be shown again.
    """
    if (center is None) == (municipality is None):
        raise Invalid(_("Scope the token to one municipality or one centre."), field="municipality")
    unknown = set(permissions) - set(Permission.ALL)
    if unknown or not permissions:
        raise Invalid(
            _("Choose permissions among: %(known)s.") % {"known": ", ".join(Permission.ALL)},
            field="permissions",
        )
    if center is not None:
        access.require_platform_admin(actor)
    else:
        access.require(actor, Action.CHANGE, municipality)
    prefix = secrets.token_hex(4)
    secret = f"{SECRET_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        center=center,
        municipality=municipality,
        permissions=sorted(set(permissions)),
        created_by=actor if getattr(actor, "kind", None) else None,
    )
    clean(token, exclude=["created_by"])
    token.save()
    audit.record(actor=actor, action="apitoken.create", obj=token, details={"permissions": token.permissions})
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """A revoked token stops working at once; it stays listed for the record."""
    access.require(actor, Action.CHANGE, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="apitoken.revoke", obj=token)
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret, noting when it was last used (at most once a minute per process).
    A revoked token stops working at once where the cache is shared (Redis), else within a minute."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = reference.active_token(_hash(secret))
    if token is None:
        return None
    if cache.add(f"apitoken-used:{token.pk}", True, 60):
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
