"""The whole case workflow: assignment, statuses with reopen, SLA pause, notes, replies, attachments,
links, merges, optimistic locking, bulk changes and saved views."""

import pytest

from civicdesk.cases import selectors, services
from civicdesk.cases.models import CaseEvent, CaseLink, CaseStage, Status
from civicdesk.contacts.models import Person
from civicdesk.lib.errors import Conflict, Invalid
from civicdesk.organisations.models import Notification, Team


@pytest.fixture
def byggesak(gulen):
    return Team.objects.get(municipality=gulen, name="Byggesak")


@pytest.fixture
def case(agent, gulen, byggesak):
    requester = Person.objects.create(municipality=gulen, name="Kari Nordmann", email="kari@example.no")
    return services.case_open(actor=agent, municipality=gulen, title="Garasje", team=byggesak, requester=requester)


def test_whole_workflow_from_new_to_closed_and_reopened(caseworker, case):
    assert case.status == Status.NEW
    services.case_assign(actor=caseworker, case=case, assignee=caseworker)
    case.refresh_from_db()
    assert case.status == Status.OPEN
    for status in (Status.WAITING_UNIT, Status.OPEN, Status.RESOLVED, Status.CLOSED, Status.OPEN):
        case = services.case_status_set(actor=caseworker, case=case, status=status)
        assert case.status == status
    assert case.resolved_at is None and case.closed_at is None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == CaseEvent.Kind.CREATED and kinds.count(CaseEvent.Kind.STATUS) == 5


def test_a_closed_case_cannot_jump_to_waiting(caseworker, case):
    services.case_status_set(actor=caseworker, case=case, status=Status.CLOSED)
    with pytest.raises(Invalid):
        services.case_status_set(actor=caseworker, case=case, status=Status.WAITING_CITIZEN)


def test_requester_is_told_of_status_changes_in_their_language(
    run_tasks, caseworker, case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_status_set(actor=caseworker, case=case, status=Status.RESOLVED)
    run_tasks()
    sent = [m for m in mailoutbox if m.to == ["kari@example.no"]]
    assert len(sent) == 1
    assert case.number in sent[0].subject
    assert "Løst" in sent[0].body or "løst" in sent[0].body.lower()


def test_waiting_for_the_citizen_stops_the_sla_clock(caseworker, case, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    due_before = case.due_at
    start = timezone.now()
    services.case_status_set(actor=caseworker, case=case, status=Status.WAITING_CITIZEN)
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(days=7))
    case = services.case_status_set(actor=caseworker, case=case, status=Status.OPEN)
    assert case.due_at > due_before


def test_stale_version_gets_conflict_with_what_changed(caseworker, agent, case):
    seen_version = case.version
    services.case_update(actor=agent, case=case, title="Garasje og carport", expected_version=seen_version)
    with pytest.raises(Conflict) as error:
        services.case_update(actor=caseworker, case=case, title="Noe annet", expected_version=seen_version)
    changes = error.value.detail["changes"]
    assert changes[0]["what"] == "edited" and changes[0]["by"] == "Ola Haugland"
    assert error.value.detail["current_version"] == seen_version + 1


def test_moving_a_case_between_teams_starts_the_new_teams_clock(caseworker, case, gulen):
    plan = Team.objects.get(municipality=gulen, name="Plan")
    services.case_assign(actor=caseworker, case=case, team=plan)
    stages = list(CaseStage.objects.filter(case=case).order_by("started_at", "id"))
    assert [s.team.name for s in stages] == ["Byggesak", "Plan"]
    assert stages[0].ended_at is not None and stages[1].ended_at is None
    clocks = selectors.case_clocks(case=case)
    assert [c.holder for c in clocks] == ["Byggesak", "Plan"] and clocks[-1].is_running


def test_assignee_is_notified_in_app_and_by_email(
    run_tasks, agent, caseworker, case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_assign(actor=agent, case=case, assignee=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    assert Notification.objects.filter(user=caseworker, text__contains=case.number).exists()
    assert any(m.to == [caseworker.email] for m in mailoutbox)


def test_note_reply_and_attachment(run_tasks, caseworker, case, django_capture_on_commit_callbacks, mailoutbox):
    services.case_note_add(actor=caseworker, case=case, text="Sjekket arkivet")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.case_reply_send(
            actor=caseworker, case=case, text="Vi trenger tegninger.", wait_for_citizen=True
        )
    run_tasks()
    case.refresh_from_db()
    assert case.status == Status.WAITING_CITIZEN and case.first_responded_at is not None
    sent = next(m for m in mailoutbox if m.to == ["kari@example.no"])
    assert sent.extra_headers["Message-ID"] == f"<{message.message_id}>"
    assert case.number in sent.subject
    attachment = services.case_attach(
        actor=caseworker, case=case, filename="tegning.pdf", content_type="application/pdf", data=b"%PDF-1.4 demo"
    )
    assert attachment.size == 13 and attachment.file.read() == b"%PDF-1.4 demo"


def test_attachments_have_type_and_size_limits(caseworker, case, settings):
    with pytest.raises(Invalid):
        services.case_attach(
            actor=caseworker, case=case, filename="virus.exe", content_type="application/x-msdownload", data=b"MZ"
        )
    settings.CIVICDESK_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(Invalid):
        services.case_attach(
            actor=caseworker, case=case, filename="big.pdf", content_type="application/pdf", data=b"x" * 11
        )


def test_links_and_merge_of_duplicates(agent, caseworker, case, gulen, byggesak):
    other = services.case_open(actor=agent, municipality=gulen, title="Garasje (igjen)", team=byggesak)
    services.case_link(actor=caseworker, case=case, other=other)
    assert CaseLink.objects.filter(case=other, other=case).exists()
    services.case_note_add(actor=caseworker, case=other, text="Samme sak")
    services.case_merge(actor=caseworker, duplicate=other, into=case)
    other.refresh_from_db()
    assert other.status == Status.CLOSED and other.merged_into == case
    assert case.notes.filter(text="Samme sak").exists()


def test_bulk_assign_and_close(agent, caseworker, gulen, byggesak):
    cases = [services.case_open(actor=agent, municipality=gulen, title=f"Bulk {n}", team=byggesak) for n in range(3)]
    assert services.cases_bulk_assign(actor=caseworker, cases=cases, assignee=caseworker) == 3
    fresh = selectors.cases_for_bulk(actor=caseworker, ids=[c.pk for c in cases])
    assert services.cases_bulk_close(actor=caseworker, cases=fresh) == 3
    assert {c.status for c in selectors.cases_for_bulk(actor=caseworker, ids=[c.pk for c in cases])} == {Status.CLOSED}


def test_team_and_mine_lists_with_filters_and_saved_views(agent, caseworker, case, byggesak):
    services.case_assign(actor=agent, case=case, assignee=caseworker)
    assert case.pk in {c.pk for c in selectors.case_list(actor=caseworker, team=byggesak, status="open")}
    assert case.pk in {c.pk for c in selectors.case_list(actor=caseworker, assignee_id=caseworker.pk)}
    assert case.pk not in {c.pk for c in selectors.case_list(actor=caseworker, status=Status.CLOSED)}
    view = services.saved_view_save(actor=caseworker, name="Mine haster", query="assignee=me&priority=urgent")
    assert list(selectors.saved_views(actor=caseworker)) == [view]


def test_sla_breach_is_marked_once_and_the_assignee_told(agent, caseworker, case, django_capture_on_commit_callbacks):
    import datetime as dt

    from civicdesk.organisations.access import SYSTEM

    services.case_assign(actor=agent, case=case, assignee=caseworker)
    case.refresh_from_db()
    later = case.due_at + dt.timedelta(minutes=1)
    assert services.sla_breaches_mark(actor=SYSTEM, now=later) >= 1
    assert services.sla_breaches_mark(actor=SYSTEM, now=later) == 0
    # One notice when the case was given to them (in the demo's own time), one for the breach, in Bokmål.
    breach = Notification.objects.filter(user=caseworker, text__contains=case.number).order_by("-created_at").first()
    assert breach.text == f"{case.number} er over fristen: {case.title}"
