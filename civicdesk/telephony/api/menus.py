"""JSON API of numbers and menus (kept by the municipality's admins), and the phone system's question where a
call goes (``POST /telephony/route``)."""

from ninja import Field, Router, Schema
from ninja.responses import Status

from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality
from civicdesk.routing.models import Queue
from civicdesk.telephony import selectors, services
from civicdesk.telephony.models import IVRNode

router = Router(tags=["telephony"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


def _municipality(actor: Actor, slug: str) -> Municipality:
    try:
        return organisation_selectors.municipality_get(actor=actor, slug=slug)
    except NotFound as error:
        raise Invalid(error.message, field="municipality") from None


def _queue(actor: Actor, municipality: Municipality, key: str | None) -> Queue | None:
    if not key:
        return None
    try:
        return selectors.queue_serving(actor=actor, municipality=municipality, key=key)
    except NotFound as error:
        raise Invalid(error.message, field="queue") from None


def _menu(actor: Actor, menu_id: int | None) -> IVRNode | None:
    if menu_id is None:
        return None
    try:
        return selectors.menu_step_get(actor=actor, step_id=menu_id)
    except NotFound as error:
        raise Invalid(error.message, field="menu") from None


# --- Numbers ------------------------------------------------------------------------------------------------------


class PhoneNumberOut(Schema):
    id: int
    number: str = Field(description="+E.164")
    label: str
    municipality: str = Field(description="The municipality's slug")
    menu: int | None = Field(description="Id of the menu calls start at")
    queue: str | None = Field(description="Key of the queue calls go straight to (numbers without a menu)")
    is_active: bool

    @staticmethod
    def resolve_municipality(number):
        return number.municipality.slug

    @staticmethod
    def resolve_menu(number):
        return number.menu_id

    @staticmethod
    def resolve_queue(number):
        return number.queue.key if number.queue_id else None


class PhoneNumberAddIn(Schema):
    municipality: str = Field(description="The municipality's slug")
    number: str = Field(description="International (+47…) or national to the municipality's country")
    label: str = ""
    menu: int | None = Field(None, description="Id of one of the municipality's menus")
    queue: str | None = Field(None, description="Key of a phone queue serving the municipality (instead of a menu)")


class PhoneNumberUpdateIn(Schema):
    """Only the fields sent change; ``null`` takes a menu or queue away."""

    number: str | None = None
    label: str | None = None
    menu: int | None = None
    queue: str | None = None
    is_active: bool | None = None


@router.get("/telephony/numbers", response={200: list[PhoneNumberOut], **PROBLEMS}, summary="List phone numbers")
def phone_number_list(request, municipality: str | None = None):
    """The public numbers of the municipalities you reach (of ``municipality`` only, when given), by number."""
    chosen = organisation_selectors.municipality_get(actor=request.actor, slug=municipality) if municipality else None
    return selectors.phone_number_list(actor=request.actor, municipality=chosen)


@router.get("/telephony/numbers/{number_id}", response={200: PhoneNumberOut, **PROBLEMS}, summary="One phone number")
def phone_number_get(request, number_id: int):
    return selectors.phone_number_get(actor=request.actor, number_id=number_id)


@router.post("/telephony/numbers", response={201: PhoneNumberOut, **PROBLEMS}, summary="Add a phone number")
def phone_number_add(request, body: PhoneNumberAddIn):
    """A municipality admin adds a public number, leading to one of the municipality's menus or straight to a
    phone queue serving it. 422 names the field: a number that does not exist or is in use already, a menu or
    queue that is not the municipality's."""
    municipality = _municipality(request.actor, body.municipality)
    number = services.phone_number_add(
        actor=request.actor,
        municipality=municipality,
        number=body.number,
        label=body.label,
        menu=_menu(request.actor, body.menu),
        queue=_queue(request.actor, municipality, body.queue),
    )
    return Status(201, selectors.phone_number_get(actor=request.actor, number_id=number.pk))


@router.patch("/telephony/numbers/{number_id}", response={200: PhoneNumberOut, **PROBLEMS}, summary="Change a number")
def phone_number_update(request, number_id: int, body: PhoneNumberUpdateIn):
    number = selectors.phone_number_get(actor=request.actor, number_id=number_id)
    changes = body.dict(exclude_unset=True)
    if "menu" in changes:
        changes["menu"] = _menu(request.actor, changes["menu"])
    if "queue" in changes:
        changes["queue"] = _queue(request.actor, number.municipality, changes["queue"])
    services.phone_number_update(actor=request.actor, phone_number=number, **changes)
    return selectors.phone_number_get(actor=request.actor, number_id=number_id)


@router.delete("/telephony/numbers/{number_id}", response={204: None, **PROBLEMS}, summary="Remove a phone number")
def phone_number_remove(request, number_id: int):
    number = selectors.phone_number_get(actor=request.actor, number_id=number_id)
    services.phone_number_remove(actor=request.actor, phone_number=number)
    return Status(204, None)


# --- Menus --------------------------------------------------------------------------------------------------------


class MenuOut(Schema):
    id: int
    municipality: str = Field(description="The municipality's slug")
    label: str
    follows_opening_hours: bool

    @staticmethod
    def resolve_municipality(step):
        return step.municipality.slug


class StepOut(Schema):
    """A menu step and, in key order, the steps under it."""

    id: int
    digit: str = Field(description="The key that leads here from the step above (empty for a menu's first step)")
    label: str
    queue: str | None = Field(description="Key of the queue the step puts the caller in")
    sets_language: str = Field(description="The language the call goes on in from here (empty: unchanged)")
    announcements: dict[str, str] = Field(description="What the caller hears, per language")
    closed_announcements: dict[str, str] = Field(description="What the caller hears when closed, per language")
    follows_opening_hours: bool
    position: int
    depth: int = Field(description="Keys from the menu's first step")
    steps: list["StepOut"]


StepOut.model_rebuild()


def _tree_out(tree: selectors.MenuTree) -> dict:
    step = tree.step
    return {
        "id": step.pk,
        "digit": step.digit,
        "label": step.label,
        "queue": step.queue.key if step.queue_id else None,
        "sets_language": step.sets_language,
        "announcements": step.announcements,
        "closed_announcements": step.closed_announcements,
        "follows_opening_hours": step.follows_opening_hours,
        "position": step.position,
        "depth": tree.depth,
        "steps": [_tree_out(below) for below in tree.steps],
    }


def _step_out(actor: Actor, step: IVRNode) -> dict:
    return _tree_out(selectors.menu_tree(actor=actor, menu=step))


class MenuCreateIn(Schema):
    municipality: str = Field(description="The municipality's slug")
    label: str
    announcements: dict[str, str] = Field(default_factory=dict, description="Per language: da, sv, nb, en, …")
    closed_announcements: dict[str, str] = Field(default_factory=dict)
    follows_opening_hours: bool = False


class StepAddIn(Schema):
    digit: str = Field(description="0–9, * or #; once per step")
    label: str
    queue: str | None = Field(None, description="Key of a phone queue serving the municipality; none: a sub-menu")
    sets_language: str = ""
    announcements: dict[str, str] = Field(default_factory=dict)
    closed_announcements: dict[str, str] = Field(default_factory=dict)
    follows_opening_hours: bool = False
    position: int = Field(0, ge=0, le=1000)


class StepUpdateIn(Schema):
    """Only the fields sent change; ``"queue": null`` takes the queue away."""

    digit: str | None = None
    label: str | None = None
    queue: str | None = None
    sets_language: str | None = None
    announcements: dict[str, str] | None = None
    closed_announcements: dict[str, str] | None = None
    follows_opening_hours: bool | None = None
    position: int | None = Field(None, ge=0, le=1000)


class AnnouncementIn(Schema):
    text: str = Field(description="Empty takes the language away")


@router.get("/telephony/menus", response={200: list[MenuOut], **PROBLEMS}, summary="List menus")
def menu_list(request, municipality: str | None = None):
    """The menus (their first steps) of the municipalities you reach."""
    chosen = organisation_selectors.municipality_get(actor=request.actor, slug=municipality) if municipality else None
    return selectors.menu_list(actor=request.actor, municipality=chosen)


@router.post("/telephony/menus", response={201: StepOut, **PROBLEMS}, summary="Create a menu")
def menu_create(request, body: MenuCreateIn):
    """A municipality admin starts a menu: what callers hear before they press a key, per language."""
    menu = services.menu_create(
        actor=request.actor,
        municipality=_municipality(request.actor, body.municipality),
        label=body.label,
        announcements=body.announcements,
        closed_announcements=body.closed_announcements,
        follows_opening_hours=body.follows_opening_hours,
    )
    return Status(201, _step_out(request.actor, menu))


@router.get("/telephony/menus/{step_id}", response={200: StepOut, **PROBLEMS}, summary="A menu tree")
def menu_tree(request, step_id: int):
    """A step (a menu's first step, or any step) with every step under it, nested."""
    step = selectors.menu_step_get(actor=request.actor, step_id=step_id)
    return _step_out(request.actor, step)


@router.post("/telephony/menus/{step_id}/steps", response={201: StepOut, **PROBLEMS}, summary="Add a menu step")
def menu_step_add(request, step_id: int, body: StepAddIn):
    """A step under ``step_id``, reached by ``digit``. 422 names the field: a key taken or not a phone key, a
    parent that leads to a queue or lies four keys deep, a queue not serving the municipality."""
    parent = selectors.menu_step_get(actor=request.actor, step_id=step_id)
    data = body.dict()
    data["queue"] = _queue(request.actor, parent.municipality, data["queue"])
    step = services.menu_step_add(actor=request.actor, parent=parent, **data)
    return Status(201, _step_out(request.actor, step))


@router.patch("/telephony/steps/{step_id}", response={200: StepOut, **PROBLEMS}, summary="Change a menu step")
def menu_step_update(request, step_id: int, body: StepUpdateIn):
    step = selectors.menu_step_get(actor=request.actor, step_id=step_id)
    changes = body.dict(exclude_unset=True)
    if "queue" in changes:
        changes["queue"] = _queue(request.actor, step.municipality, changes["queue"])
    services.menu_step_update(actor=request.actor, step=step, **changes)
    return _step_out(request.actor, step)


@router.delete("/telephony/steps/{step_id}", response={204: None, **PROBLEMS}, summary="Remove a menu step")
def menu_step_remove(request, step_id: int):
    """The step and every step under it; 409 for a menu a number still starts at."""
    step = selectors.menu_step_get(actor=request.actor, step_id=step_id)
    services.menu_step_remove(actor=request.actor, step=step)
    return Status(204, None)


@router.put(
    "/telephony/steps/{step_id}/announcements/{language}",
    response={200: StepOut, **PROBLEMS},
    summary="Write a step's announcement in one language",
)
def announcement_set(request, step_id: int, language: str, body: AnnouncementIn):
    step = selectors.menu_step_get(actor=request.actor, step_id=step_id)
    services.announcement_set(actor=request.actor, step=step, language=language, text=body.text)
    return _step_out(request.actor, step)


@router.put(
    "/telephony/steps/{step_id}/closed-announcements/{language}",
    response={200: StepOut, **PROBLEMS},
    summary="Write a step's closed message in one language",
)
def closed_announcement_set(request, step_id: int, language: str, body: AnnouncementIn):
    step = selectors.menu_step_get(actor=request.actor, step_id=step_id)
    services.announcement_set(actor=request.actor, step=step, language=language, text=body.text, closed=True)
    return _step_out(request.actor, step)


# --- Where a call goes --------------------------------------------------------------------------------------------


class CallRouteIn(Schema):
    call_id: str = Field(min_length=1, max_length=120, description="The phone system's id of the call")
    dialed_number: str = Field(max_length=32, description="The number the caller dialled")
    caller_number: str = Field("", max_length=32, description="The caller's number (empty when withheld)")
    ivr_choice: str = Field(
        "",
        max_length=40,
        description="The keys pressed from the number's menu, in order: 1, 12 or 1-2 (separators are ignored)",
    )
    queue: str = Field("", max_length=60, description="A queue key instead of menu keys (a call asking again)")
    language: str = Field("", max_length=6, description="The caller's language, if known (default the municipality's)")


class CallRouteOut(Schema):
    agent: str | None = Field(description="Code of the agent kept for the call for 20 s; null: the caller waits")
    queue: str | None = Field(description="Key of the queue; null when closed")
    language: str = Field(description="The language the call goes on in")
    position: int | None = Field(description="The caller's place in the queue when no agent is free")
    expected_wait_s: int | None
    offer_callback: bool
    widened: bool = Field(description="Reinforcements off phone duty were widened in")
    repeat_caller: bool = Field(description="The caller called the centre within the last 30 minutes")
    closed: bool = Field(description="The step reached is closed now: play the announcement and end the call")
    announcement: str = Field(description="What the caller hears, in their language")
    reasons: list[str] = Field(description="Why, in short English sentences for logs")


@router.post("/telephony/route", response={200: CallRouteOut, **PROBLEMS}, summary="Where an offered call goes")
def call_route(request, body: CallRouteIn):
    """The phone system asks where a call goes, with the centre's token (telephony:write). The answer names
    the agent kept for it, or its place in the queue and the expected wait, or the closed message. 422 names
    the field for an unknown number, queue, key or language."""
    answer = services.call_route(
        actor=request.actor,
        call_id=body.call_id,
        dialed_number=body.dialed_number,
        caller_number=body.caller_number,
        ivr_choice=body.ivr_choice,
        queue_key=body.queue,
        language=body.language,
    )
    return {
        "agent": answer.agent.code if answer.agent else None,
        "queue": answer.queue.key if answer.queue else None,
        "language": answer.language,
        "position": answer.position,
        "expected_wait_s": answer.expected_wait_s,
        "offer_callback": answer.offer_callback,
        "widened": answer.widened,
        "repeat_caller": answer.repeat_caller,
        "closed": answer.closed,
        "announcement": answer.announcement,
        "reasons": answer.reasons,
    }
