"""Writing the audit log: called by services inside their transaction, and by selectors that read personal data."""

from django.db.models import Model

from civicdesk.lib.insert import insert
from civicdesk.lib.request_context import client_address
from civicdesk.organisations.models import ApiToken, AuditEvent, Municipality


def _actor_fields(actor) -> dict:
    if isinstance(actor, ApiToken):
        return {"actor_token_id": actor.pk, "actor_label": f"token:{actor.prefix}"}
    if getattr(actor, "pk", None) is not None and hasattr(actor, "username"):
        return {"actor_user_id": actor.pk, "actor_label": actor.username}
    return {"actor_label": str(actor) if actor is not None else "anonymous"}


def _municipality_id(obj: Model | None) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Municipality):
        return obj.pk
    return getattr(obj, "municipality_id", None) or getattr(obj, "home_municipality_id", None)


def record(
    *, actor, action: str, obj: Model | None = None, details: dict | None = None, object_type: str = ""
) -> AuditEvent:
    """Append one event; ``action`` is ``<entity>.<verb>`` such as ``topic.create`` or ``user.read``."""
    return insert(event(actor=actor, action=action, obj=obj, details=details, object_type=object_type))


def event(
    *, actor, action: str, obj: Model | None = None, details: dict | None = None, object_type: str = ""
) -> AuditEvent:
    """The event ``record`` appends, unsaved: for a service that writes it in one statement with ``obj``
    (``lib.insert.insert_together``, which fills in the object id)."""
    return AuditEvent(
        **_actor_fields(actor),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        municipality_id=_municipality_id(obj),
        address=client_address.get(),
        details=details or {},
    )


def record_read(*, actor, obj: Model, fields: list[str]) -> AuditEvent:
    """A read of personal data: which fields of which person were shown to whom."""
    return record(actor=actor, action=f"{obj._meta.model_name}.read", obj=obj, details={"fields": fields})
