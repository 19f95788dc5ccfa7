"""The history every change to a unit or a person leaves: its version number goes up by one and an
``EntryVersion`` keeps what the entry looked like afterwards, what changed, who changed it and when.
Called by the other services inside their transaction, never on its own."""

from django.db.models import F
from django.utils import timezone

from civicdesk.directory.csv_formats import hours_cell
from civicdesk.directory.models import ChangeRequest, Channel, Employee, EntryVersion, Unit
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import ApiToken, User

UNIT_FIELDS = (
    "kind",
    "name",
    "parent_id",
    "department_id",
    "team_id",
    "description",
    "email",
    "postal_address",
    "visiting_address",
    "internal_only",
)
EMPLOYEE_FIELDS = ("name", "title", "unit_id", "email", "languages", "handles", "internal_only", "user_id")


def entry_kind(entry: Unit | Employee) -> str:
    return EntryVersion.EntryKind.UNIT if isinstance(entry, Unit) else EntryVersion.EntryKind.EMPLOYEE


def actor_label(actor: Actor) -> str:
    if isinstance(actor, ApiToken):
        return f"token:{actor.prefix}"
    return getattr(actor, "username", None) or str(actor)


def actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def snapshot(entry: Unit | Employee) -> dict:
    """The entry's fields as JSON, with its numbers (and a unit's weekly hours per channel)."""
    fields = UNIT_FIELDS if isinstance(entry, Unit) else EMPLOYEE_FIELDS
    data = {name: getattr(entry, name) for name in fields}
    if isinstance(entry, Employee):
        data["unit"] = entry.unit.name if entry.unit_id else ""
    data["phones"] = [
        {"number": p.number, "purpose": p.purpose, "label": p.label, "internal_only": p.internal_only}
        for p in entry.phones.order_by("purpose", "number")
    ]
    if isinstance(entry, Unit):
        hours = list(entry.hours.order_by("channel", "weekday", "opens_at"))  # not a stale prefetch
        data["hours"] = {c: text for c in Channel.values if (text := hours_cell(hours, c))}
    return data


def _changes(before: dict, after: dict) -> dict:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def version_record(
    *,
    actor: Actor,
    entry: Unit | Employee,
    action: str,
    change_request: ChangeRequest | None = None,
    first: bool = False,
) -> EntryVersion:
    """The entry's next version (the first when it was just created), kept with who, when and why."""
    kind = entry_kind(entry)
    if not first:
        type(entry).objects.filter(pk=entry.pk).update(version=F("version") + 1)
        entry.version = type(entry).objects.values_list("version", flat=True).get(pk=entry.pk)
    previous = (
        EntryVersion.objects.filter(entry_kind=kind, entry_id=entry.pk).order_by("-version").only("snapshot").first()
    )
    after = snapshot(entry)
    return EntryVersion.objects.create(
        municipality_id=entry.municipality_id,
        entry_kind=kind,
        entry_id=entry.pk,
        version=entry.version,
        action=action,
        snapshot=after,
        changes=_changes(previous.snapshot if previous else {}, after),
        changed_by=actor_user(actor),
        changed_by_label=actor_label(actor),
        changed_at=timezone.now(),
        change_request=change_request,
    )
