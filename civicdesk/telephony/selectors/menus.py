"""Reading numbers and menus, and following a caller's keys through a number's menu to a queue.

The menu choice (``ivr_choice``) is the keys the caller pressed, in order, from the number's menu: "12"
means 1, then 2. Keys are single characters (0–9, * and #), so no separator is needed, but spaces,
dashes, commas, dots and slashes between them are ignored: "1-2", "1 2" and "1,2" are "12" too."""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from civicdesk.contacts.models import ContactLanguage
from civicdesk.lib.contact_points import IdentityError, phone_normalise
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import access, reference
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality
from civicdesk.routing.models import Queue, QueueChannel
from civicdesk.telephony.models import IVRNode, PhoneNumber

__all__ = [
    "MenuResult",
    "MenuTree",
    "choice_keys",
    "dialed_forms",
    "menu_list",
    "menu_resolve",
    "menu_step_get",
    "menu_tree",
    "municipality_is_open",
    "phone_number_by_dialed",
    "phone_number_get",
    "phone_number_list",
    "queue_serving",
]

log = logging.getLogger(__name__)

SEPARATORS = re.compile(r"[\s\-,./]+")
KEYS = re.compile(r"[0-9*#]*")


# --- Numbers ------------------------------------------------------------------------------------------------------


def phone_number_list(
    *, actor: Actor, municipality: Municipality | None = None, is_active: bool | None = None
) -> QuerySet[PhoneNumber]:
    """The numbers of the municipalities the actor reaches, by number, with their menus and queues."""
    numbers = access.visible(actor, PhoneNumber.objects.select_related("municipality", "menu", "queue__skill"))
    if municipality is not None:
        numbers = numbers.filter(municipality=municipality)
    if is_active is not None:
        numbers = numbers.filter(is_active=is_active)
    return numbers.order_by("number")


def phone_number_get(*, actor: Actor, number_id: int) -> PhoneNumber:
    return access.get_visible(actor, PhoneNumber.objects.select_related("municipality", "menu", "queue"), pk=number_id)


def dialed_forms(dialed_number: str, countries: list[str]) -> list[str]:
    """The +E.164 numbers the phone system may mean by ``dialed_number``, likeliest first: as written when
    international (+47…, 0047…), else as a national number of each of ``countries``, then as an international
    number without its plus (4757786000)."""
    raw = re.sub(r"[^\d+]", "", dialed_number or "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw.lstrip("+"):
        return []
    attempts = [(raw, "")] if raw.startswith("+") else [*((raw, c) for c in countries), ("+" + raw, "")]
    forms: list[str] = [raw] if raw.startswith("+") else []
    for value, country in attempts:
        try:
            forms.append(phone_normalise(value, country))
        except IdentityError:
            continue
    return list(dict.fromkeys(forms))


def phone_number_by_dialed(*, actor: Actor, dialed_number: str) -> PhoneNumber:
    """The number in use that the phone system says was dialled, however it writes it (see ``dialed_forms``;
    a national number is read in the countries of the municipalities the actor reaches). NotFound when no
    number of theirs matches."""
    countries = sorted({m.country for m in reference.municipalities_by_id(access.visible_municipality_ids(actor))})
    forms = dialed_forms(dialed_number, countries)
    found = {
        number.number: number for number in phone_number_list(actor=actor, is_active=True).filter(number__in=forms)
    }
    for form in forms:
        if form in found:
            return found[form]
    raise NotFound(_("No number of yours is %(number)s.") % {"number": dialed_number})


def queue_serving(*, actor: Actor, municipality: Municipality, key: str) -> Queue:
    """The phone queue ``key`` that serves the municipality (its own, or one shared by a centre serving it)."""
    queues = access.visible(
        actor,
        Queue.objects.filter(access.owned_by(Queue, [municipality.pk]), key=key, channel=QueueChannel.PHONE),
    )
    queue = queues.select_related("skill").order_by("municipality_id", "center_id").first()
    if queue is None:
        raise NotFound(_("No queue %(key)s serves %(m)s.") % {"key": key, "m": municipality})
    return queue


# --- Menus --------------------------------------------------------------------------------------------------------


def menu_list(*, actor: Actor, municipality: Municipality | None = None) -> QuerySet[IVRNode]:
    """The menus (first steps) of the municipalities the actor reaches."""
    menus = access.visible(actor, IVRNode.objects.filter(parent__isnull=True).select_related("municipality"))
    if municipality is not None:
        menus = menus.filter(municipality=municipality)
    return menus.order_by("municipality__name", "label", "pk")


def menu_step_get(*, actor: Actor, step_id: int) -> IVRNode:
    return access.get_visible(actor, IVRNode.objects.select_related("municipality", "queue"), pk=step_id)


@dataclass(frozen=True)
class MenuTree:
    """A step and, in key order, the steps under it; ``depth`` counts the keys from the menu's first step."""

    step: IVRNode
    depth: int
    steps: tuple["MenuTree", ...] = ()


def _steps_of(municipality_id: int, queryset: QuerySet[IVRNode] | None = None) -> dict[int, IVRNode]:
    rows = (queryset if queryset is not None else IVRNode.objects.all()).filter(municipality_id=municipality_id)
    return {step.pk: step for step in rows.select_related("queue__skill").order_by("position", "digit", "pk")}


def menu_tree(*, actor: Actor, menu: IVRNode) -> MenuTree:
    """``menu`` with every step under it, nested, read in one query."""
    steps = _steps_of(menu.municipality_id, access.visible(actor, IVRNode.objects.all()))
    if menu.pk not in steps:
        raise NotFound(_("Not found."))
    children: dict[int, list[IVRNode]] = {}
    for step in steps.values():
        if step.parent_id is not None:
            children.setdefault(step.parent_id, []).append(step)

    def grow(step: IVRNode, depth: int) -> MenuTree:
        return MenuTree(step, depth, tuple(grow(child, depth + 1) for child in children.get(step.pk, ())))

    top = steps[menu.pk]
    depth, above = 0, top.parent_id
    while above is not None:
        depth, above = depth + 1, steps[above].parent_id
    return grow(top, depth)


# --- Following a call through a menu -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuResult:
    """Where a caller's keys lead: the queue (None when closed), the language the call goes on in, whether
    the step reached is closed now, what the caller hears there, and the steps passed (first step first)."""

    queue: Queue | None
    language: str
    closed: bool
    announcement: str
    path: tuple[IVRNode, ...] = ()


def choice_keys(ivr_choice: str) -> str:
    """The keys of a menu choice, separators dropped: "1-2" → "12"."""
    keys = SEPARATORS.sub("", ivr_choice or "")
    if not KEYS.fullmatch(keys):
        raise Invalid(
            _("A menu choice is keys 0–9, * and #, e.g. 1 or 1-2; %(choice)s is not.") % {"choice": ivr_choice},
            field="ivr_choice",
        )
    return keys


def municipality_is_open(*, municipality: Municipality, at: datetime) -> bool:
    """Whether the municipality is open at ``at``: within its opening hours, not on its country's public
    holidays. A municipality without opening hours is taken as open (its callers are not turned away)."""
    try:
        calendar = organisation_selectors.business_calendar_of(municipality=municipality)
    except ValueError:
        log.warning("Municipality %s has no opening hours; its menus are taken as open.", municipality.slug)
        return True
    return calendar.is_open(at)


def _say(texts: dict, language: str, municipality: Municipality) -> str:
    """The text in the caller's language, else the municipality's, else any (the first by language code)."""
    if not texts:
        return ""
    return texts.get(language) or texts.get(municipality.language) or texts[min(texts)]


def menu_resolve(*, number: PhoneNumber, ivr_choice: str = "", language: str = "", at: datetime) -> MenuResult:
    """Follow the caller's keys (see the module's docstring) from the number's menu to a queue, or straight
    to the number's queue when it has no menu.

    The call starts in ``language`` (default the municipality's); a step with ``sets_language`` changes it.
    A step that follows the opening hours is closed outside the municipality's opening hours and on its
    country's public holidays: the caller hears its closed message (or that of the nearest step above with
    one) and no queue is chosen. Keys that lead nowhere, too few keys to reach a queue, or keys after a queue
    is reached are ``Invalid(field="ivr_choice")``. Reads the menu in one query (and the opening hours in one
    more when a step follows them)."""
    municipality = number.municipality
    if language and language not in ContactLanguage.values:
        raise Invalid(_("%(language)s is not a language we answer in.") % {"language": language}, field="language")
    language = language or municipality.language
    keys = choice_keys(ivr_choice)
    if number.menu_id is None:
        if number.queue_id is None:
            raise Invalid(_("The number %(n)s leads to no menu or queue.") % {"n": number}, field="dialed_number")
        if keys:
            raise Invalid(_("The number %(n)s has no menu; it takes no keys.") % {"n": number}, field="ivr_choice")
        return MenuResult(queue=number.queue, language=language, closed=False, announcement="")
    steps = _steps_of(municipality.pk)
    under = {(step.parent_id, step.digit): step for step in steps.values() if step.parent_id is not None}
    step, path, pressed = steps[number.menu_id], [], iter(keys)
    while True:
        path.append(step)
        language = step.sets_language or language
        if step.follows_opening_hours and not municipality_is_open(municipality=municipality, at=at):
            texts = next((s.closed_announcements for s in reversed(path) if s.closed_announcements), {})
            return MenuResult(None, language, True, _say(texts, language, municipality), tuple(path))
        key = next(pressed, None)
        if step.queue_id is not None:
            if key is not None:
                raise Invalid(
                    _("%(step)s puts the caller through; it takes no more keys.") % {"step": step},
                    field="ivr_choice",
                )
            return MenuResult(
                step.queue, language, False, _say(step.announcements, language, municipality), tuple(path)
            )
        if key is None:
            raise Invalid(_("Choose a key in %(step)s.") % {"step": step}, field="ivr_choice")
        if (step.pk, key) not in under:
            raise Invalid(_("Key %(key)s leads nowhere in %(step)s.") % {"key": key, "step": step}, field="ivr_choice")
        step = under[(step.pk, key)]
