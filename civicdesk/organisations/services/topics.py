"""The topic taxonomy: the shared default set, topics a municipality adds, and imports."""

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, Topic
from civicdesk.organisations.topic_formats import TopicRecord, parse_topics_csv

DEFAULT_TOPICS_CSV = Path(__file__).resolve().parent.parent / "data" / "default_topics.csv"
NAME_LANGUAGES = ("en", "da", "sv", "nb")


def _require_owner(actor: Actor, municipality: Municipality | None) -> None:
    if municipality is None:
        access.require_platform_admin(actor)  # the shared set belongs to the platform
    else:
        access.require_add(actor, Topic, municipality)


def _parent(municipality: Municipality | None, parent_key: str | None) -> Topic | None:
    """A municipality's topic may hang under a shared topic or one of its own."""
    if not parent_key:
        return None
    candidates = Topic.objects.filter(key=parent_key, municipality=municipality)
    if municipality is not None and not candidates.exists():
        candidates = Topic.objects.filter(key=parent_key, municipality__isnull=True)
    parent = candidates.first()
    if parent is None:
        raise Invalid(_("There is no topic %(key)s to place this under.") % {"key": parent_key}, field="parent")
    return parent


@transaction.atomic
def topic_create(
    *,
    actor: Actor,
    municipality: Municipality | None,
    key: str,
    names: dict[str, str],
    parent_key: str | None = None,
    kle_number: str = "",
    los_uri: str = "",
    notes: str = "",
) -> Topic:
    """A municipality admin adds topics of their own; the shared set is the platform admin's.
    A topic needs a name in at least one language and a key unique among the topics it sits with."""
    _require_owner(actor, municipality)
    topic = Topic(
        municipality=municipality,
        parent=_parent(municipality, parent_key),
        key=key,
        kle_number=kle_number,
        los_uri=los_uri,
        notes=notes,
        **{f"name_{code}": (names.get(code) or "").strip() for code in NAME_LANGUAGES},
    )
    if not any(names.get(code) for code in NAME_LANGUAGES):
        raise Invalid(_("Give the topic a name in at least one language."), field="name_en")
    _clean_topic(topic)
    topic.save()
    audit.record(actor=actor, action="topic.create", obj=topic)
    return topic


def _clean_topic(topic: Topic) -> None:
    clash = Topic.objects.filter(key=topic.key, municipality=topic.municipality).exclude(pk=topic.pk)
    if clash.exists():
        raise Invalid(_("A topic with the key %(key)s exists already.") % {"key": topic.key}, field="key")
    clean(topic, exclude=["municipality"])


@transaction.atomic
def topic_update(*, actor: Actor, topic: Topic, **changes) -> Topic:
    """Names, codes, notes and whether it is in use can change; a topic is retired, never deleted,
    because logged contacts keep pointing at it."""
    access.require(actor, Action.CHANGE, topic)
    allowed = {*(f"name_{c}" for c in NAME_LANGUAGES), "kle_number", "los_uri", "notes", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise Invalid(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(topic, name, value)
    _clean_topic(topic)
    topic.save(update_fields=[*changes, "updated_at"])
    audit.record(actor=actor, action="topic.update", obj=topic, details={"fields": sorted(changes)})
    return topic


@transaction.atomic
def topics_import(*, actor: Actor, municipality: Municipality | None, records: list[TopicRecord]) -> dict[str, int]:
    """Import a taxonomy (CSV, KLE XML, LOS SKOS): new keys are added, known keys get the new names and
    codes. Either every record goes in or none does."""
    _require_owner(actor, municipality)
    existing = {t.key: t for t in Topic.objects.filter(municipality=municipality)}
    created = updated = 0
    for record in records:
        names = {f"name_{code}": record.names.get(code, "") for code in NAME_LANGUAGES}
        topic = existing.get(record.key)
        if topic is None:
            topic = Topic(municipality=municipality, key=record.key)
            created += 1
        else:
            names = {field: value or getattr(topic, field) for field, value in names.items()}
            updated += 1
        for field, value in names.items():
            setattr(topic, field, value)
        topic.parent = (
            existing.get(record.parent_key) or _parent(municipality, record.parent_key) if record.parent_key else None
        )
        topic.kle_number = record.kle or topic.kle_number
        topic.los_uri = record.los_uri or topic.los_uri
        topic.notes = record.notes or topic.notes
        try:
            clean(topic, exclude=["municipality", "parent"])
        except Invalid as error:
            raise Invalid(
                _("Topic %(key)s: %(message)s") % {"key": record.key, "message": error.message},
                field=error.field,
            ) from None
        topic.save()
        existing[record.key] = topic
    audit.record(
        actor=actor,
        action="topic.import",
        obj=municipality,
        object_type="organisations.topic",
        details={"created": created, "updated": updated},
    )
    return {"created": created, "updated": updated}


def default_topics_install(*, actor: Actor) -> dict[str, int]:
    """Install or refresh the shared default set shipped with civicdesk."""
    records = parse_topics_csv(DEFAULT_TOPICS_CSV.read_text(encoding="utf-8"))
    return topics_import(actor=actor, municipality=None, records=records)
