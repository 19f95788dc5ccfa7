"""Logging contacts on every channel, the caller's earlier contacts, and forwarding with context."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from civicdesk.cases import services
from civicdesk.cases.models import Case, CaseKind, CaseStage, Status
from civicdesk.contacts import selectors as contact_selectors
from civicdesk.contacts import services as contact_services
from civicdesk.contacts.models import Channel, Contact, Outcome
from civicdesk.contacts.services import CallerDetails
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations.models import Team, Topic, User


@pytest.fixture
def byggesak(gulen):
    return Team.objects.get(municipality=gulen, name="Byggesak")


@pytest.fixture
def permits():
    return Topic.objects.get(key="building-permits")


@pytest.mark.parametrize("channel", [c.value for c in Channel])
def test_every_channel_logs_a_contact(agent, gulen, permits, channel):
    contact = contact_services.contact_log(
        actor=agent, municipality=gulen, channel=channel, topics=[permits], summary="Spør om byggesøknad for garasje"
    )
    assert contact.channel == channel and contact.outcome == Outcome.RESOLVED
    assert contact.handled_by == agent and contact.ended_at is not None
    assert list(contact.topics.all()) == [permits]


def test_agent_cannot_log_for_a_municipality_outside_the_centre(agent, orebro):
    with pytest.raises(NotFound):
        contact_services.contact_log(actor=agent, municipality=orebro, channel=Channel.PHONE)


def test_invalid_identity_number_is_refused_with_the_field_named(agent, gulen):
    with pytest.raises(Invalid) as error:
        contact_services.contact_log(
            actor=agent, municipality=gulen, channel=Channel.PHONE, caller=CallerDetails(national_id="01019012345")
        )
    assert error.value.field == "national_id"
    assert "fødselsnummer" in error.value.message


def test_invalid_phone_number_is_refused(agent, gulen):
    with pytest.raises(Invalid) as error:
        contact_services.contact_log(
            actor=agent, municipality=gulen, channel=Channel.PHONE, caller=CallerDetails(phone="12")
        )
    assert error.value.field == "phone"


def test_phone_numbers_are_kept_in_e164_and_previous_contacts_are_found(agent, gulen, osteroy):
    first = contact_services.contact_log(
        actor=agent, municipality=gulen, channel=Channel.PHONE, caller=CallerDetails(phone="57 78 20 00", name="Kari")
    )
    assert first.caller_phone == "+4757782000"
    contact_services.contact_log(
        actor=agent, municipality=osteroy, channel=Channel.PHONE, caller=CallerDetails(phone="+47 57 78 20 00")
    )
    earlier = contact_selectors.previous_contacts(actor=agent, phone="+4757782000")
    assert [c.municipality.slug for c in earlier] == ["osteroy", "gulen"]


def test_same_person_is_found_again_by_national_id(agent, gulen):
    one = contact_services.contact_log(
        actor=agent, municipality=gulen, channel=Channel.PHONE, caller=CallerDetails(national_id="03016610045")
    )
    two = contact_services.contact_log(
        actor=agent,
        municipality=gulen,
        channel=Channel.WALK_IN,
        caller=CallerDetails(national_id="030166 10045", name="Per"),
    )
    assert one.person_id == two.person_id
    assert two.person.name == "Per"


def test_same_external_id_is_logged_once(agent, gulen):
    kwargs = dict(actor=agent, municipality=gulen, channel=Channel.PHONE, external_id="call-4711")
    assert contact_services.contact_log(**kwargs).pk == contact_services.contact_log(**kwargs).pk


def test_referral_needs_a_place(agent, gulen):
    with pytest.raises(Invalid):
        contact_services.contact_log(actor=agent, municipality=gulen, channel=Channel.PHONE, outcome=Outcome.REFERRED)


def test_forward_carries_the_summary_and_caller_into_a_case_for_the_team(agent, gulen, byggesak, permits):
    contact, case = services.contact_record(
        actor=agent,
        municipality=gulen,
        channel=Channel.PHONE,
        outcome=Outcome.FORWARDED,
        topics=[permits],
        summary="Vil vite status på byggesøknad 2026/123. Ring tilbake etter kl. 12.",
        caller=CallerDetails(name="Kari Nordmann", phone="+4791234567"),
        forward_team=byggesak,
        callback=True,
    )
    assert case.team == byggesak and case.kind == CaseKind.CALLBACK
    assert case.description.startswith("Vil vite status") and case.topic == permits
    assert case.requester.phone == "+4791234567" and case.number.startswith("GUL-")
    contact.refresh_from_db()
    assert contact.outcome == Outcome.FORWARDED and contact.forwarded_to_team == byggesak
    assert case.source_contact == contact
    holders = list(CaseStage.objects.filter(case=case).values_list("team_id", flat=True))
    assert holders == [None, byggesak.pk]  # first line, then the team


def test_forward_to_a_person_gives_the_case_to_them_and_their_team(agent, gulen, caseworker, byggesak):
    _contact, case = services.contact_record(
        actor=agent,
        municipality=gulen,
        channel=Channel.PHONE,
        outcome=Outcome.FORWARDED,
        summary="Nabovarsel",
        forward_person=caseworker,
    )
    assert case.assignee == caseworker and case.team == byggesak and case.status == Status.OPEN


def test_forward_without_a_receiver_is_refused_and_nothing_is_logged(agent, gulen):
    before = Contact.objects.count()
    with pytest.raises(Invalid):
        services.contact_record(actor=agent, municipality=gulen, channel=Channel.PHONE, outcome=Outcome.FORWARDED)
    assert Contact.objects.count() == before


def test_cannot_forward_to_a_team_of_another_municipality(agent, gulen, osteroy):
    other_team = Team.objects.filter(municipality=osteroy).first()
    with pytest.raises(Invalid):
        services.contact_record(
            actor=agent, municipality=gulen, channel=Channel.PHONE, outcome=Outcome.FORWARDED, forward_team=other_team
        )


def test_case_numbers_count_up_per_municipality_and_year(agent, gulen, osteroy, byggesak):
    numbers = [
        services.case_open(actor=agent, municipality=gulen, title=f"Sak {n}", team=byggesak).number for n in range(3)
    ]
    year = timezone.localtime().year
    assert numbers[1] == f"GUL-{year}-{int(numbers[0][-6:]) + 1:06d}"
    other = services.case_open(actor=agent, municipality=osteroy, title="Annen")
    assert other.number.startswith(f"OST-{year}-")


def test_new_case_is_due_by_the_municipalitys_opening_hours(agent, gulen, byggesak, monkeypatch):
    friday_afternoon = dt.datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    monkeypatch.setattr(timezone, "now", lambda: friday_afternoon)
    case = services.case_open(actor=agent, municipality=gulen, title="Hast", team=byggesak, priority="urgent")
    # urgent: 4 working hours; Friday 14:00-15:30 then Monday from 08:00
    assert case.due_at.astimezone(ZoneInfo("Europe/Oslo")) == dt.datetime(
        2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Europe/Oslo")
    )


def test_case_is_not_visible_to_another_municipality(agent, gulen, byggesak):
    case = services.case_open(actor=agent, municipality=gulen, title="Privat", team=byggesak)
    osteroy_caseworker = User.objects.get(username="osteroy.caseworker")
    outsider = User.objects.get(username="orebro.caseworker")
    from civicdesk.cases import selectors

    for person in (osteroy_caseworker, outsider):
        with pytest.raises(NotFound):
            selectors.case_get(actor=person, number=case.number)
        assert not selectors.case_list(actor=person).filter(pk=case.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_phone_number_alone_makes_no_person_until_the_contact_goes_to_a_back_office(agent, gulen, byggesak):
    resolved = contact_services.contact_log(
        actor=agent, municipality=gulen, channel=Channel.PHONE, caller=CallerDetails(phone="+4790000001")
    )
    assert resolved.person is None and resolved.caller_phone == "+4790000001"
    _contact, case = services.contact_record(
        actor=agent,
        municipality=gulen,
        channel=Channel.PHONE,
        outcome=Outcome.FORWARDED,
        caller=CallerDetails(phone="+4790000001"),
        forward_team=byggesak,
        callback=True,
    )
    assert case.requester.phone == "+4790000001"  # the caseworker can call back
