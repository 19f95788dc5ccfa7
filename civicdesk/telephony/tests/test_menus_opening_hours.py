"""Menu steps that follow the opening hours: open within the municipality's hours, closed in the evening and on
the country's public holidays, with the closed message in the caller's language."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from civicdesk.organisations import services as organisation_services
from civicdesk.telephony import selectors, services
from civicdesk.telephony.models import IVRNode

OSLO = ZoneInfo("Europe/Oslo")
MONDAY_MORNING = dt.datetime(2027, 5, 10, 10, 0, tzinfo=OSLO)
MONDAY_EVENING = dt.datetime(2027, 5, 10, 19, 0, tzinfo=OSLO)
CONSTITUTION_DAY = dt.datetime(2027, 5, 17, 10, 0, tzinfo=OSLO)  # 17 May, a Monday in 2027
FRIDAY_JUST_BEFORE_CLOSING = dt.datetime(2027, 5, 14, 13, 59, tzinfo=OSLO)
FRIDAY_AT_CLOSING = dt.datetime(2027, 5, 14, 14, 0, tzinfo=OSLO)


@pytest.fixture
def gulen_keeps_hours(phone_world, gulen, municipality_admin):
    """Gulen open Monday–Thursday 08:00–15:30 and Friday 08:00–14:00; its menu follows the hours and says
    so in Norwegian and English."""
    organisation_services.opening_hours_set(
        actor=municipality_admin, municipality=gulen, spec="mon-thu 08:00-15:30; fri 08:00-14:00"
    )
    menu = phone_world.menu
    services.menu_step_update(actor=municipality_admin, step=menu, follows_opening_hours=True)
    for language, text in (("nb", "Kommunen er stengd."), ("en", "The municipality is closed.")):
        services.announcement_set(actor=municipality_admin, step=menu, language=language, text=text, closed=True)
    return menu


def resolve(phone_world, at, choice="1", language=""):
    return selectors.menu_resolve(number=phone_world.numbers["gulen"], ivr_choice=choice, language=language, at=at)


def test_within_the_opening_hours_the_call_reaches_its_queue(phone_world, gulen_keeps_hours):
    result = resolve(phone_world, MONDAY_MORNING)

    assert (result.closed, result.queue) == (False, phone_world.queues["building"])


def test_in_the_evening_the_caller_hears_the_closed_message(phone_world, gulen_keeps_hours):
    result = resolve(phone_world, MONDAY_EVENING)

    assert (result.closed, result.queue) == (True, None)
    assert result.announcement == "Kommunen er stengd."
    assert result.path == (gulen_keeps_hours,)


def test_on_constitution_day_the_municipality_is_closed_on_a_monday(phone_world, gulen_keeps_hours):
    result = resolve(phone_world, CONSTITUTION_DAY)

    assert result.closed and result.announcement == "Kommunen er stengd."


def test_friday_closes_earlier(phone_world, gulen_keeps_hours):
    assert not resolve(phone_world, FRIDAY_JUST_BEFORE_CLOSING).closed
    assert resolve(phone_world, FRIDAY_AT_CLOSING).closed


def test_the_closed_message_is_said_in_the_callers_language_else_the_municipalitys(phone_world, gulen_keeps_hours):
    assert resolve(phone_world, MONDAY_EVENING, language="en").announcement == "The municipality is closed."
    assert resolve(phone_world, MONDAY_EVENING, language="pl").announcement == "Kommunen er stengd."


def test_without_the_municipalitys_language_any_closed_message_is_said(phone_world, gulen_keeps_hours, system):
    services.announcement_set(actor=system, step=gulen_keeps_hours, language="nb", text="", closed=True)

    assert resolve(phone_world, MONDAY_EVENING, language="pl").announcement == "The municipality is closed."


def test_a_step_that_follows_the_hours_closes_only_its_branch(phone_world, gulen, system):
    organisation_services.opening_hours_set(actor=system, municipality=gulen, spec="mon-fri 08:00-15:30")
    schools = IVRNode.objects.get(parent=phone_world.menu, digit="3")
    services.menu_step_update(
        actor=system, step=schools, follows_opening_hours=True, closed_announcements={"nb": "Skulekontoret er stengt."}
    )

    assert resolve(phone_world, MONDAY_EVENING, choice="3").announcement == "Skulekontoret er stengt."
    assert resolve(phone_world, MONDAY_EVENING, choice="0").queue == phone_world.queues["switchboard"]


def test_a_closed_step_without_its_own_message_says_the_one_of_the_step_above(phone_world, gulen_keeps_hours, system):
    services.menu_step_update(actor=system, step=gulen_keeps_hours, follows_opening_hours=False)
    english = IVRNode.objects.get(parent=phone_world.menu, digit="9")
    services.menu_step_update(actor=system, step=english, follows_opening_hours=True)

    result = resolve(phone_world, MONDAY_EVENING, choice="9")

    assert result.closed and result.language == "en"
    assert result.announcement == "The municipality is closed."
