"""Opening cases, and forwarding a contact with its context to the team or person who can resolve it —
never back to the switchboard."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.cases import tasks
from civicdesk.cases.models import Case, CaseEvent, CaseKind, Priority, Status
from civicdesk.cases.services.history import event, stage_move
from civicdesk.cases.services.numbering import case_number_next
from civicdesk.cases.services.sla import sla_apply
from civicdesk.contacts import services as contact_services
from civicdesk.contacts.models import Contact, Outcome, Person
from civicdesk.contacts.services import NO_DETAILS, CallerDetails
from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, Role, ServiceCenter, Team, Topic, User


def _check_receiver(municipality: Municipality, team: Team | None, assignee: User | None) -> Team | None:
    """A case goes to a team of its own municipality, or a person who works there (whose team it then gets)."""
    if team is not None and team.municipality_id != municipality.pk:
        raise Invalid(_("Choose a team in %(m)s.") % {"m": municipality}, field="team")
    if assignee is not None:
        if municipality.pk not in access.reach(assignee).municipality_ids:
            raise Invalid(
                _("%(name)s does not work for %(m)s.") % {"name": assignee, "m": municipality}, field="assignee"
            )
        if team is None:
            role = assignee.roles.filter(role=Role.CASEWORKER, municipality=municipality).select_related("team").first()
            team = role.team if role else None
    return team


@transaction.atomic
def case_open(
    *,
    actor: Actor,
    municipality: Municipality,
    title: str,
    description: str = "",
    topic: Topic | None = None,
    requester: Person | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    priority: str = Priority.NORMAL,
    kind: str = CaseKind.REQUEST,
    language: str = "",
    source_contact: Contact | None = None,
    first_line_since: datetime | None = None,
) -> Case:
    """A case gets the next number of its municipality, due dates from its SLA policy, and starts with the
    team it goes to; the time the first line held it before (``first_line_since``) is its first stage."""
    access.require_add(actor, Case, municipality)
    team = _check_receiver(municipality, team, assignee)
    if topic is not None and topic.municipality_id not in (None, municipality.pk):
        raise Invalid(_("The topic %(topic)s belongs to another municipality.") % {"topic": topic}, field="topic")
    now = timezone.now()
    case = Case(
        municipality=municipality,
        kind=kind,
        title=title.strip()[:200],
        description=description.strip(),
        topic=topic,
        requester=requester,
        language=language or municipality.language,
        team=team,
        assignee=assignee,
        priority=priority,
        status=Status.OPEN if assignee else Status.NEW,
        source_contact=source_contact,
        created_by=actor if isinstance(actor, User) else None,
    )
    if not case.title:
        raise Invalid(_("Give the case a title."), field="title")
    sla_apply(case, now)
    case.number = case_number_next(municipality)
    clean(case, exclude=["municipality", "topic", "requester", "team", "assignee", "source_contact", "created_by"])
    case.save()
    if first_line_since is not None and first_line_since < now:
        stage_move(case, None, at=first_line_since)
    stage_move(case, team, at=now)
    event(case, CaseEvent.Kind.CREATED, actor, team=team.name if team else "", assignee=str(assignee or ""))
    audit.record(actor=actor, action="case.open", obj=case, details={"number": case.number})
    if first_line_since is None or now - first_line_since < HISTORY_AFTER:
        transaction.on_commit(lambda: tasks.case_receivers_notify.enqueue(case_id=case.pk))
    return case


# A case made from a contact older than this is history being recorded: it tells nobody.
HISTORY_AFTER = timedelta(days=1)


@transaction.atomic
def contact_forward(
    *,
    actor: Actor,
    contact: Contact,
    team: Team | None = None,
    assignee: User | None = None,
    title: str = "",
    priority: str = Priority.NORMAL,
    kind: str = CaseKind.REQUEST,
    outcome: str = Outcome.FORWARDED,
) -> Case:
    """Forwarding carries the contact's summary, topic and caller into a case for the team or person, so the
    receiver never has to ask again; the contact ends as forwarded (or 'case created' when the first line
    opens the case for a team without choosing a person)."""
    if team is None and assignee is None:
        raise Invalid(_("Choose a team or a person to forward to."), field="team")
    if contact.outcome != Outcome.OPEN:
        raise Invalid(_("Only an open contact can be forwarded."), field="contact")
    topic = contact.topics.first()
    requester = contact_services.contact_person_ensure(actor=actor, contact=contact)
    case = case_open(
        actor=actor,
        municipality=contact.municipality,
        title=title or (contact.summary.splitlines()[0][:120] if contact.summary else "") or str(topic or _("Inquiry")),
        description=contact.summary,
        topic=topic,
        requester=requester,
        team=team,
        assignee=assignee,
        priority=priority,
        kind=kind,
        language=contact.language,
        source_contact=contact,
        first_line_since=contact.started_at,
    )
    contact_services.contact_conclude(actor=actor, contact=contact, outcome=outcome, team=case.team, person=assignee)
    return case


@transaction.atomic
def contact_record(
    *,
    actor: Actor,
    municipality: Municipality,
    channel: str,
    outcome: str,
    topics: list[Topic] = (),
    summary: str = "",
    caller_kind: str = "citizen",
    language: str = "",
    interpreter_used: bool = False,
    caller: CallerDetails = NO_DETAILS,
    referred_to: str = "",
    forward_team: Team | None = None,
    forward_person: User | None = None,
    callback: bool = False,
    started_at: datetime | None = None,
    center: ServiceCenter | None = None,
    open_contact: Contact | None = None,
) -> tuple[Contact, Case | None]:
    """The agent's one-screen log: every outcome in one step. Forwarded and case outcomes open the case
    for the chosen team or person (a call-back task when asked); the others end in the log alone. An
    ``open_contact`` (opened when the agent answered the call) is completed instead of logging a new one."""
    needs_case = outcome in contact_services.OUTCOMES_WITH_A_CASE
    if needs_case and forward_team is None and forward_person is None:
        raise Invalid(_("Choose a team or a person to forward to."), field="forward_team")
    if open_contact is not None:
        if open_contact.municipality_id != municipality.pk:
            raise Invalid(_("The call was for %(m)s.") % {"m": open_contact.municipality}, field="municipality")
        contact = contact_services.contact_complete(
            actor=actor,
            contact=open_contact,
            topics=topics,
            caller_kind=caller_kind,
            language=language,
            interpreter_used=interpreter_used,
            summary=summary,
            outcome=Outcome.OPEN if needs_case else outcome,
            referred_to=referred_to,
            caller=caller,
        )
    else:
        contact = contact_services.contact_log(
            actor=actor,
            municipality=municipality,
            channel=channel,
            topics=topics,
            caller_kind=caller_kind,
            language=language,
            interpreter_used=interpreter_used,
            summary=summary,
            outcome=Outcome.OPEN if needs_case else outcome,
            referred_to=referred_to,
            caller=caller,
            started_at=started_at,
            center=center,
        )
    if not needs_case:
        return contact, None
    case = contact_forward(
        actor=actor,
        contact=contact,
        team=forward_team,
        assignee=forward_person,
        kind=CaseKind.CALLBACK if callback else CaseKind.REQUEST,
        outcome=outcome,
    )
    return contact, case
