"""Following a caller's keys from the number dialled to a queue, in the caller's language."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from civicdesk.lib.errors import Invalid
from civicdesk.telephony import selectors, services
from civicdesk.telephony.models import IVRNode

MONDAY_MORNING = dt.datetime(2027, 5, 10, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))


def resolve(phone_world, choice, language="", number="gulen"):
    return selectors.menu_resolve(
        number=phone_world.numbers[number], ivr_choice=choice, language=language, at=MONDAY_MORNING
    )


def test_key_1_puts_the_caller_in_the_building_queue_in_the_municipalitys_language(phone_world):
    result = resolve(phone_world, "1")

    assert result.queue == phone_world.queues["building"]
    assert (result.language, result.closed) == ("nb", False)
    assert [step.label for step in result.path] == ["Gulen kommune", "Byggesak"]


def test_key_9_for_english_routes_the_call_in_english(phone_world):
    result = resolve(phone_world, "9")

    assert result.queue == phone_world.queues["switchboard"]
    assert result.language == "en"


def test_the_callers_language_carries_through_the_menu(phone_world):
    assert resolve(phone_world, "2", language="pl").language == "pl"


@pytest.mark.parametrize("choice", ["2-1", "21", "2 1", "2,1", "2.1", "2/1"])
def test_keys_are_read_with_or_without_separators(phone_world, system, choice):
    social = IVRNode.objects.get(parent=phone_world.menu, digit="2")
    services.menu_step_update(actor=system, step=social, queue=None)
    nav = services.menu_step_add(
        actor=system, parent=social, digit="1", label="NAV", queue=phone_world.queues["social"]
    )

    result = resolve(phone_world, choice)

    assert result.path[-1] == nav and result.queue == phone_world.queues["social"]


def test_the_queue_steps_announcement_is_said_in_the_callers_language_or_the_municipalitys(phone_world, system):
    building = IVRNode.objects.get(parent=phone_world.menu, digit="1")
    services.announcement_set(actor=system, step=building, language="nb", text="Du blir sett over til byggesak.")
    services.announcement_set(actor=system, step=building, language="en", text="Connecting you to building.")

    assert resolve(phone_world, "1", language="en").announcement == "Connecting you to building."
    assert resolve(phone_world, "1", language="pl").announcement == "Du blir sett over til byggesak."


@pytest.mark.parametrize("choice", ["7", "1-1", "", "x", "12", "9#"])
def test_keys_that_lead_nowhere_are_refused_naming_the_choice(phone_world, choice):
    with pytest.raises(Invalid) as error:
        resolve(phone_world, choice)

    assert error.value.field == "ivr_choice"


def test_a_number_without_a_menu_goes_straight_to_its_queue(phone_world):
    result = resolve(phone_world, "", number="osteroy")

    assert (result.queue, result.language, result.path) == (phone_world.queues["switchboard"], "nb", ())


def test_a_number_without_a_menu_takes_no_keys(phone_world):
    with pytest.raises(Invalid) as error:
        resolve(phone_world, "1", number="osteroy")

    assert error.value.field == "ivr_choice"


def test_a_number_leading_nowhere_is_refused_naming_the_number(phone_world, system):
    services.phone_number_update(actor=system, phone_number=phone_world.numbers["osteroy"], queue=None)

    with pytest.raises(Invalid) as error:
        resolve(phone_world, "", number="osteroy")

    assert error.value.field == "dialed_number"


def test_an_unknown_language_is_refused(phone_world):
    with pytest.raises(Invalid) as error:
        resolve(phone_world, "1", language="klingon")

    assert error.value.field == "language"


def test_the_menu_is_followed_in_one_query(phone_world, django_assert_num_queries):
    number = selectors.phone_number_by_dialed(actor=phone_world.token, dialed_number="+4757786000")

    with django_assert_num_queries(1):
        result = selectors.menu_resolve(number=number, ivr_choice="3", at=MONDAY_MORNING)
        assert result.queue.key == "schools"
