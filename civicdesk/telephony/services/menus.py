"""A municipality's public numbers and their IVR menus: the steps, the digits that lead to them, where they
end (a queue) and what the caller hears, per language, open and closed.

Numbers and menu steps are settings of their municipality: its admins (and the platform admin) change them.
A menu is a tree of steps under a root step (``parent`` empty). Each step is reached by one key (0–9, * or #)
unique among its siblings, leads either to a queue or to steps under it (never both), and lies at most
``MAX_DEPTH`` keys below its root."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicdesk.contacts.models import ContactLanguage
from civicdesk.lib.contact_points import IdentityError, phone_normalise
from civicdesk.lib.errors import Conflict, Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality
from civicdesk.routing.models import Queue, QueueChannel
from civicdesk.telephony.models import IVRNode, PhoneNumber

__all__ = [
    "ANNOUNCEMENT_MAX_LENGTH",
    "MAX_DEPTH",
    "announcement_set",
    "menu_create",
    "menu_step_add",
    "menu_step_remove",
    "menu_step_update",
    "phone_number_add",
    "phone_number_remove",
    "phone_number_update",
]

MAX_DEPTH = 4  # keys below the root: a caller presses at most four keys to reach a queue
ANNOUNCEMENT_MAX_LENGTH = 1000  # characters; read aloud that is already more than a minute
DIGIT = re.compile(r"[0-9*#]")


# --- Numbers ------------------------------------------------------------------------------------------------------


def _number_normalised(number: str, municipality: Municipality) -> str:
    try:
        return phone_normalise((number or "").strip(), municipality.country)
    except IdentityError as error:
        raise Invalid(error.message, field="number") from None


def _require_serves(queue: Queue | None, municipality: Municipality, field: str = "queue") -> None:
    """A number or step of a municipality leads only to a phone queue serving it: its own, or one shared by a
    centre that serves it now."""
    if queue is None:
        return
    serves = queue.municipality_id == municipality.pk or (
        queue.municipality_id is None and queue.center_id in access.centers_serving_ids({municipality.pk})
    )
    if not serves:
        raise Invalid(_("The queue %(queue)s does not serve %(m)s.") % {"queue": queue, "m": municipality}, field=field)
    if queue.channel != QueueChannel.PHONE:
        raise Invalid(_("Choose a phone queue."), field=field)


def _require_menu_of(menu: IVRNode | None, municipality: Municipality) -> None:
    if menu is None:
        return
    if menu.municipality_id != municipality.pk or menu.parent_id is not None:
        raise Invalid(_("Choose a menu of %(m)s (a menu's first step).") % {"m": municipality}, field="menu")


def _check_number(phone_number: PhoneNumber) -> None:
    """The rules a number keeps after every change: unique, its menu and queue its municipality's."""
    if PhoneNumber.objects.filter(number=phone_number.number).exclude(pk=phone_number.pk).exists():
        raise Invalid(_("The number %(n)s is in use already.") % {"n": phone_number.number}, field="number")
    if phone_number.menu is not None and phone_number.queue is not None:
        raise Invalid(_("A number leads to a menu or straight to a queue, not both."), field="queue")
    _require_menu_of(phone_number.menu, phone_number.municipality)
    _require_serves(phone_number.queue, phone_number.municipality)
    clean(phone_number, exclude=["number", "municipality", "menu", "queue"])


def _save_number(phone_number: PhoneNumber, update_fields=None) -> None:
    try:
        with transaction.atomic():
            phone_number.save(update_fields=update_fields)
    except IntegrityError:  # the same number added at the same moment
        raise Invalid(_("The number %(n)s is in use already.") % {"n": phone_number.number}, field="number") from None


@transaction.atomic
def phone_number_add(
    *,
    actor: Actor,
    municipality: Municipality,
    number: str,
    label: str = "",
    menu: IVRNode | None = None,
    queue: Queue | None = None,
) -> PhoneNumber:
    """A public number of the municipality, kept in +E.164 form (a national number is read as one of the
    municipality's country) and used once on the platform. Calls to it start at its menu, or go straight to a
    phone queue that serves the municipality."""
    access.require_add(actor, PhoneNumber, municipality)
    phone_number = PhoneNumber(
        municipality=municipality,
        number=_number_normalised(number, municipality),
        label=label.strip(),
        menu=menu,
        queue=queue,
    )
    _check_number(phone_number)
    _save_number(phone_number)
    audit.record(actor=actor, action="phone_number.add", obj=phone_number)
    return phone_number


NUMBER_EDITABLE = ("number", "label", "menu", "queue", "is_active")


@transaction.atomic
def phone_number_update(*, actor: Actor, phone_number: PhoneNumber, **changes) -> PhoneNumber:
    """The admin changes a number's digits, label, menu or queue (``None`` takes the menu or queue away), or
    takes it out of use; the rules of ``phone_number_add`` still hold."""
    access.require(actor, Action.CHANGE, phone_number)
    unknown = set(changes) - set(NUMBER_EDITABLE)
    if unknown:
        raise Invalid(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    before = {name: str(getattr(phone_number, name)) for name in changes}
    if "number" in changes:
        changes["number"] = _number_normalised(changes["number"], phone_number.municipality)
    if "label" in changes:
        changes["label"] = (changes["label"] or "").strip()
    for name, value in changes.items():
        setattr(phone_number, name, value)
    _check_number(phone_number)
    _save_number(phone_number, update_fields=[*changes, "updated_at"])
    after = {name: str(getattr(phone_number, name)) for name in changes}
    audit.record(
        actor=actor, action="phone_number.update", obj=phone_number, details={"before": before, "after": after}
    )
    return phone_number


@transaction.atomic
def phone_number_remove(*, actor: Actor, phone_number: PhoneNumber) -> None:
    """The admin removes a number; calls made to it keep the digits that were dialled."""
    access.require(actor, Action.CHANGE, phone_number)
    audit.record(actor=actor, action="phone_number.remove", obj=phone_number, details={"number": phone_number.number})
    phone_number.delete()


# --- Menus --------------------------------------------------------------------------------------------------------


def _texts(texts: dict | None, field: str) -> dict[str, str]:
    """Announcements per language as stored: known languages only, trimmed, empty ones left out."""
    cleaned: dict[str, str] = {}
    for language, text in (texts or {}).items():
        _require_language(language, field)
        if not isinstance(text, str):
            raise Invalid(_("Write the announcement as text."), field=field)
        text = text.strip()
        _require_length(text, field)
        if text:
            cleaned[language] = text
    return cleaned


def _require_language(language: str, field: str) -> None:
    if language not in ContactLanguage.values:
        raise Invalid(_("%(language)s is not a language we answer in.") % {"language": language}, field=field)


def _require_length(text: str, field: str) -> None:
    if len(text) > ANNOUNCEMENT_MAX_LENGTH:
        raise Invalid(
            _("An announcement is at most %(max)d characters; this one has %(n)d.")
            % {"max": ANNOUNCEMENT_MAX_LENGTH, "n": len(text)},
            field=field,
        )


def _parents(municipality_id: int) -> dict[int, int | None]:
    """Every step of the municipality's menus and the step above it: one read, to measure depths."""
    return dict(IVRNode.objects.filter(municipality_id=municipality_id).values_list("pk", "parent_id"))


def _depth(step_id: int, parents: dict[int, int | None]) -> int:
    """Keys below the root: 0 for a root, 1 for the steps it offers …"""
    depth, current = 0, parents.get(step_id)
    while current is not None:
        depth, current = depth + 1, parents.get(current)
    return depth


def _require_digit_free(parent: IVRNode, digit: str, step: IVRNode | None = None) -> None:
    if not DIGIT.fullmatch(digit or ""):
        raise Invalid(_("A key is one of 0–9, * or #."), field="digit")
    taken = IVRNode.objects.filter(parent=parent, digit=digit)
    if step is not None:
        taken = taken.exclude(pk=step.pk)
    if taken.exists():
        raise Invalid(
            _("Key %(digit)s already leads somewhere in %(menu)s.") % {"digit": digit, "menu": parent}, field="digit"
        )


def _save_step(step: IVRNode, update_fields=None) -> None:
    clean(step, exclude=["municipality", "parent", "queue"])
    try:
        with transaction.atomic():
            step.save(update_fields=update_fields)
    except IntegrityError:  # the same key given at the same moment
        raise Invalid(
            _("Key %(digit)s already leads somewhere in this menu.") % {"digit": step.digit}, field="digit"
        ) from None


@transaction.atomic
def menu_create(
    *,
    actor: Actor,
    municipality: Municipality,
    label: str,
    announcements: dict[str, str],
    closed_announcements: dict[str, str] | None = None,
    follows_opening_hours: bool = False,
) -> IVRNode:
    """A new menu of the municipality: its first step, with what callers hear (per language) before they
    choose, and, when it follows the opening hours, what they hear when the municipality is closed."""
    access.require_add(actor, IVRNode, municipality)
    menu = IVRNode(
        municipality=municipality,
        label=label.strip(),
        announcements=_texts(announcements, "announcements"),
        closed_announcements=_texts(closed_announcements, "closed_announcements"),
        follows_opening_hours=follows_opening_hours,
    )
    _save_step(menu)
    audit.record(actor=actor, action="menu.create", obj=menu)
    return menu


@transaction.atomic
def menu_step_add(
    *,
    actor: Actor,
    parent: IVRNode,
    digit: str,
    label: str,
    queue: Queue | None = None,
    sets_language: str = "",
    announcements: dict[str, str] | None = None,
    closed_announcements: dict[str, str] | None = None,
    follows_opening_hours: bool = False,
    position: int = 0,
) -> IVRNode:
    """A step under ``parent``, reached by ``digit`` (0–9, * or #, once per menu step), at most ``MAX_DEPTH``
    keys below the root. It leads to a phone queue serving the municipality, or (without a queue) to steps
    added under it later; a step with a queue offers no further keys. ``sets_language`` ("press 9 for
    English") routes the call in that language from here on."""
    access.require(actor, Action.CHANGE, parent)
    municipality = parent.municipality
    if parent.queue_id is not None:
        raise Invalid(_("%(step)s leads to a queue; it cannot offer keys too.") % {"step": parent}, field="parent")
    if _depth(parent.pk, _parents(municipality.pk)) + 1 > MAX_DEPTH:
        raise Invalid(_("A menu is at most %(max)d keys deep.") % {"max": MAX_DEPTH}, field="parent")
    digit = (digit or "").strip()
    _require_digit_free(parent, digit)
    _require_serves(queue, municipality)
    step = IVRNode(
        municipality=municipality,
        parent=parent,
        digit=digit,
        label=label.strip(),
        queue=queue,
        sets_language=sets_language,
        announcements=_texts(announcements, "announcements"),
        closed_announcements=_texts(closed_announcements, "closed_announcements"),
        follows_opening_hours=follows_opening_hours,
        position=position,
    )
    _save_step(step)
    audit.record(actor=actor, action="menu.step_add", obj=step, details={"parent": parent.pk, "digit": digit})
    return step


STEP_EDITABLE = (
    "digit",
    "label",
    "queue",
    "sets_language",
    "announcements",
    "closed_announcements",
    "follows_opening_hours",
    "position",
)


@transaction.atomic
def menu_step_update(*, actor: Actor, step: IVRNode, **changes) -> IVRNode:
    """The admin changes a step: its key (still once in its menu; a root has none), label, queue (``None``
    takes it away; a step with steps under it takes none), language, announcements or opening hours."""
    access.require(actor, Action.CHANGE, step)
    unknown = set(changes) - set(STEP_EDITABLE)
    if unknown:
        raise Invalid(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    before = {name: _shown(getattr(step, name)) for name in changes}
    if "digit" in changes:
        changes["digit"] = (changes["digit"] or "").strip()
        if step.parent_id is None:
            if changes["digit"]:
                raise Invalid(_("A menu's first step is not reached by a key."), field="digit")
        else:
            _require_digit_free(step.parent, changes["digit"], step)
    if "label" in changes:
        changes["label"] = (changes["label"] or "").strip()
    if changes.get("queue") is not None:
        _require_serves(changes["queue"], step.municipality)
        if step.children.exists():
            raise Invalid(_("%(step)s offers keys; it cannot lead to a queue too.") % {"step": step}, field="queue")
    for field in ("announcements", "closed_announcements"):
        if field in changes:
            changes[field] = _texts(changes[field], field)
    if "sets_language" in changes:
        changes["sets_language"] = changes["sets_language"] or ""
    for name, value in changes.items():
        setattr(step, name, value)
    _save_step(step, update_fields=list(changes))
    after = {name: _shown(getattr(step, name)) for name in changes}
    audit.record(actor=actor, action="menu.step_update", obj=step, details={"before": before, "after": after})
    return step


def _shown(value):
    return value if isinstance(value, dict | bool | int) else str(value or "")


@transaction.atomic
def menu_step_remove(*, actor: Actor, step: IVRNode) -> int:
    """The admin removes a step and every step under it. A menu (a root step) still used by a number stays
    until the number leads elsewhere. Returns how many steps went."""
    access.require(actor, Action.CHANGE, step)
    if step.parent_id is None and step.numbers.exists():
        raise Conflict(
            _("%(menu)s is the menu of %(numbers)s; give the number another menu or a queue first.")
            % {"menu": step, "numbers": ", ".join(str(n) for n in step.numbers.all())},
            detail={"numbers": [n.number for n in step.numbers.all()]},
        )
    parents = _parents(step.municipality_id)
    gone = 1 + _below(step.pk, parents)
    audit.record(
        actor=actor,
        action="menu.step_remove",
        obj=step,
        details={"parent": step.parent_id, "digit": step.digit, "steps": gone},
    )
    step.delete()
    return gone


def _below(step_id: int, parents: dict[int, int | None]) -> int:
    children = [pk for pk, parent in parents.items() if parent == step_id]
    return len(children) + sum(_below(pk, parents) for pk in children)


@transaction.atomic
def announcement_set(*, actor: Actor, step: IVRNode, language: str, text: str, closed: bool = False) -> IVRNode:
    """The admin writes or translates what callers hear at a step in one language (the closed message with
    ``closed``); empty text takes that language away."""
    access.require(actor, Action.CHANGE, step)
    _require_language(language, "language")
    text = (text or "").strip()
    _require_length(text, "text")
    field = "closed_announcements" if closed else "announcements"
    texts = dict(getattr(step, field) or {})
    before = texts.get(language, "")
    if text:
        texts[language] = text
    else:
        texts.pop(language, None)
    setattr(step, field, texts)
    step.save(update_fields=[field])
    audit.record(
        actor=actor,
        action="menu.announcement_set",
        obj=step,
        details={"language": language, "closed": closed, "before": before, "after": text},
    )
    return step
