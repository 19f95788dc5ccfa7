"""The referral: topic + municipality (+ language, postcode) → the unit and person to forward to, their
number and whether they are open now, with fallbacks in order and the reasons."""

from datetime import UTC, datetime

import pytest

from civicdesk.directory import selectors, services
from civicdesk.directory.demo import TOPIC_TEAMS
from civicdesk.directory.models import Channel, PhoneNumber
from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.organisations.models import Topic

MONDAY_10_OSLO = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Gulen
MONDAY_18_OSLO = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


@pytest.fixture
def building_permits():
    return (
        Topic.objects.filter(municipality=None, parent__isnull=False)
        .exclude(key__in=TOPIC_TEAMS)
        .order_by("pk")
        .first()
    )


@pytest.fixture
def units(municipality_admin, gulen):
    def make(name, hours="mon-fri 08:00-15:30", number=""):
        unit = services.unit_create(actor=municipality_admin, municipality=gulen, name=name)
        services.unit_hours_set(actor=municipality_admin, unit=unit, channel=Channel.PHONE, hours=hours)
        if number:
            services.phone_add(actor=municipality_admin, unit=unit, number=number, purpose=PhoneNumber.Purpose.QUEUE)
        return unit

    return make


def test_the_first_responsible_unit_open_now_is_chosen_with_its_number(
    agent, municipality_admin, gulen, units, building_permits
):
    byggesak = units("Eigedom Gulen", number="57 78 20 00")
    services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=byggesak)
    referral = selectors.referral_for(actor=agent, municipality=gulen, topic=building_permits, at=MONDAY_10_OSLO)
    assert referral.chosen.unit == byggesak
    assert referral.chosen.phone.number == "+4757782000"
    assert referral.chosen.openness.open_now
    assert "Eigedom Gulen" in referral.reasons[-1]


def test_a_closed_unit_falls_back_to_the_next_in_order_that_is_open(
    agent, municipality_admin, gulen, units, building_permits
):
    first = units("Eigedom Gulen", hours="mon-fri 08:00-09:30")
    second = units("Plan og bygg", hours="mon-fri 08:00-15:30")
    services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=first, rank=1)
    services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=second, rank=2)
    referral = selectors.referral_for(actor=agent, municipality=gulen, topic=building_permits, at=MONDAY_10_OSLO)
    assert referral.chosen.unit == second
    assert [c.unit for c in referral.alternatives] == [first]
    assert any("Eigedom Gulen" in reason and "closed" in reason for reason in referral.reasons)


def test_when_every_unit_is_closed_the_first_is_given_with_its_next_opening(
    agent, municipality_admin, gulen, units, building_permits
):
    first = units("Eigedom Gulen")
    services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=first)
    referral = selectors.referral_for(actor=agent, municipality=gulen, topic=building_permits, at=MONDAY_18_OSLO)
    assert referral.chosen.unit == first
    assert not referral.chosen.openness.open_now
    assert referral.chosen.openness.next_open == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # Tuesday 08:00


def test_a_topic_without_anyone_named_falls_back_to_its_area(agent, municipality_admin, gulen, units, building_permits):
    area_unit = units("Plan, bygg og eigedom")
    services.responsibility_add(actor=municipality_admin, topic=building_permits.parent, unit=area_unit)
    referral = selectors.referral_for(actor=agent, municipality=gulen, topic=building_permits, at=MONDAY_10_OSLO)
    assert referral.chosen.unit == area_unit
    assert any(str(building_permits.parent) in reason for reason in referral.reasons)


def test_postcodes_and_languages_narrow_who_handles_it(agent, municipality_admin, gulen, units, building_permits):
    north = units("Byggesak nord")
    south = units("Byggesak sør")
    english = units("International desk")
    services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=english, language="en", rank=1)
    services.responsibility_add(
        actor=municipality_admin, topic=building_permits, unit=north, postcodes="5960-5969", rank=2
    )
    services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=south, postcodes="5970", rank=3)

    def chosen(**caller):
        return selectors.referral_for(
            actor=agent, municipality=gulen, topic=building_permits, at=MONDAY_10_OSLO, **caller
        )

    assert chosen(language="en", postcode="5970").chosen.unit == english
    assert chosen(language="nb", postcode="5970").chosen.unit == south
    assert chosen(language="nb", postcode="5961").chosen.unit == north
    unknown = chosen(language="nb")
    assert unknown.chosen is None
    assert any("ask for the caller's postcode" in reason for reason in unknown.reasons)


def test_nobody_responsible_says_so(agent, gulen, building_permits):
    referral = selectors.referral_for(actor=agent, municipality=gulen, topic=building_permits, at=MONDAY_10_OSLO)
    assert referral.chosen is None
    assert "No unit is responsible" in referral.reasons[-1]


def test_another_centres_staff_never_see_the_directory(outsider, municipality_admin, gulen, units, building_permits):
    unit = units("Eigedom Gulen")
    services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=unit)
    referral = selectors.referral_for(actor=outsider, municipality=gulen, topic=building_permits, at=MONDAY_10_OSLO)
    assert referral.chosen is None


def test_only_the_municipalitys_admins_change_the_directory(agent, municipality_admin, osteroy, gulen):
    with pytest.raises(Forbidden):
        services.unit_create(actor=agent, municipality=gulen, name="Eigedom Gulen")
    with pytest.raises((Forbidden, NotFound)):
        services.unit_create(actor=municipality_admin, municipality=osteroy, name="Eigedom Osterøy")


def test_bad_numbers_hours_and_postcodes_are_refused_with_the_reason(municipality_admin, gulen, building_permits):
    unit = services.unit_create(actor=municipality_admin, municipality=gulen, name="Eigedom Gulen")
    with pytest.raises(Invalid) as bad_number:
        services.phone_add(actor=municipality_admin, unit=unit, number="12")
    assert bad_number.value.field == "number"
    with pytest.raises(Invalid) as bad_hours:
        services.unit_hours_set(actor=municipality_admin, unit=unit, channel=Channel.PHONE, hours="weekdays 8-16")
    assert "mon-thu 08:00-15:30" in str(bad_hours.value)
    with pytest.raises(Invalid) as bad_postcodes:
        services.responsibility_add(actor=municipality_admin, topic=building_permits, unit=unit, postcodes="5969-5960")
    assert "backwards" in str(bad_postcodes.value)


def test_the_demo_refers_building_permits_in_gulen_to_the_named_caseworker(agent, gulen):
    topic = Topic.objects.get(municipality=None, key="building-permits")
    referral = selectors.referral_for(actor=agent, municipality=gulen, topic=topic, at=MONDAY_10_OSLO)
    assert referral.chosen.employee.user.username == "gulen.caseworker"
    assert referral.chosen.phone.number == "+4757782010"  # the direct line before the team's queue
    assert [c.unit.name for c in referral.alternatives] == ["Byggesak Gulen"]
