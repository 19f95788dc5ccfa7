"""A municipality's public numbers: normalised, used once, leading to a menu of theirs or to a queue serving
them; kept by the municipality's admins only."""

import pytest

from civicdesk.lib.errors import Conflict, Forbidden, Invalid, NotFound
from civicdesk.organisations.models import AuditEvent, User
from civicdesk.routing import services as routing
from civicdesk.telephony import selectors, services
from civicdesk.telephony.models import PhoneNumber


def test_admin_adds_a_national_number_and_it_is_kept_in_international_form(phone_world, gulen, municipality_admin):
    number = services.phone_number_add(
        actor=municipality_admin, municipality=gulen, number="57 78 20 00", label="Sentralbord", menu=phone_world.menu
    )

    assert number.number == "+4757782000"
    assert AuditEvent.objects.filter(action="phone_number.add", object_id=str(number.pk)).exists()


@pytest.mark.parametrize("written", ["+47 57 78 60 00", "0047 57786000", "57786000"])
def test_a_number_is_used_once_however_it_is_written(phone_world, gulen, municipality_admin, written):
    with pytest.raises(Invalid) as error:
        services.phone_number_add(actor=municipality_admin, municipality=gulen, number=written)

    assert error.value.field == "number" and "+4757786000" in error.value.message


def test_a_number_that_does_not_exist_is_refused(phone_world, gulen, municipality_admin):
    with pytest.raises(Invalid) as error:
        services.phone_number_add(actor=municipality_admin, municipality=gulen, number="123")

    assert error.value.field == "number"


def test_a_number_leads_to_a_shared_queue_of_the_centre_serving_the_municipality(
    phone_world, gulen, municipality_admin
):
    number = services.phone_number_add(
        actor=municipality_admin, municipality=gulen, number="57782001", queue=phone_world.queues["schools"]
    )

    assert number.queue == phone_world.queues["schools"]


def test_a_number_cannot_lead_to_a_queue_of_another_municipality(phone_world, gulen, osteroy, system):
    osteroy_own = routing.queue_create(
        actor=system,
        center=phone_world.center,
        key="osteroy-building",
        name="Byggesak Osterøy",
        skill=phone_world.skills["building"],
        municipality=osteroy,
    )

    with pytest.raises(Invalid) as error:
        services.phone_number_add(actor=system, municipality=gulen, number="57782002", queue=osteroy_own)

    assert error.value.field == "queue"


def test_a_number_cannot_lead_to_a_queue_of_a_centre_not_serving_the_municipality(phone_world, orebro, system):
    from civicdesk.organisations.models import ServiceCenter

    with pytest.raises(Invalid) as error:
        services.phone_number_add(
            actor=system, municipality=orebro, number="+4619210000", queue=phone_world.queues["switchboard"]
        )

    assert error.value.field == "queue"
    assert ServiceCenter.objects.get(slug="orebro") != phone_world.center


def test_a_number_leads_to_a_menu_or_a_queue_not_both(phone_world, gulen, municipality_admin):
    with pytest.raises(Invalid) as error:
        services.phone_number_add(
            actor=municipality_admin,
            municipality=gulen,
            number="57782003",
            menu=phone_world.menu,
            queue=phone_world.queues["switchboard"],
        )

    assert error.value.field == "queue"


def test_a_number_leads_only_to_its_own_municipalitys_menu(phone_world, osteroy, system):
    with pytest.raises(Invalid) as error:
        services.phone_number_add(actor=system, municipality=osteroy, number="56192101", menu=phone_world.menu)

    assert error.value.field == "menu"


def test_admin_moves_a_number_from_its_menu_to_a_queue_and_renames_it(phone_world, municipality_admin):
    number = phone_world.numbers["gulen"]

    services.phone_number_update(
        actor=municipality_admin, phone_number=number, menu=None, queue=phone_world.queues["switchboard"], label="Ny"
    )

    number.refresh_from_db()
    assert (number.menu, number.queue, number.label) == (None, phone_world.queues["switchboard"], "Ny")
    event = AuditEvent.objects.get(action="phone_number.update", object_id=str(number.pk))
    assert event.details["after"]["label"] == "Ny"


def test_a_number_cannot_take_the_digits_of_another(phone_world, system):
    with pytest.raises(Invalid) as error:
        services.phone_number_update(actor=system, phone_number=phone_world.numbers["osteroy"], number="57786000")

    assert error.value.field == "number"


def test_admin_removes_a_number(phone_world, municipality_admin):
    number_id = phone_world.numbers["gulen"].pk

    services.phone_number_remove(actor=municipality_admin, phone_number=phone_world.numbers["gulen"])

    assert not PhoneNumber.objects.filter(pk=number_id).exists()
    assert AuditEvent.objects.get(action="phone_number.remove", object_id=str(number_id)).details == {
        "number": "+4757786000"
    }


def test_a_supervisor_sees_the_numbers_but_does_not_change_them(phone_world, supervisor, gulen):
    numbers = selectors.phone_number_list(actor=supervisor)
    assert [n.number for n in numbers] == ["+4756192100", "+4757786000"]

    with pytest.raises(Forbidden):
        services.phone_number_add(actor=supervisor, municipality=gulen, number="57782004")
    with pytest.raises(Forbidden):
        services.phone_number_update(actor=supervisor, phone_number=phone_world.numbers["gulen"], label="x")


def test_admin_of_another_municipality_cannot_see_or_change_gulens_numbers(phone_world, gulen):
    orebro_admin = User.objects.get(username="orebro.admin")

    assert not selectors.phone_number_list(actor=orebro_admin).exists()
    with pytest.raises(NotFound):
        services.phone_number_update(actor=orebro_admin, phone_number=phone_world.numbers["gulen"], label="x")
    with pytest.raises(NotFound):
        services.phone_number_remove(actor=orebro_admin, phone_number=phone_world.numbers["gulen"])
    with pytest.raises(NotFound):
        services.phone_number_add(actor=orebro_admin, municipality=gulen, number="57782005")


@pytest.mark.parametrize("dialed", ["+4757786000", "004757786000", "4757786000", "57786000", "+47 57 78 60 00"])
def test_the_dialled_number_is_found_however_the_phone_system_writes_it(phone_world, dialed):
    found = selectors.phone_number_by_dialed(actor=phone_world.token, dialed_number=dialed)

    assert found == phone_world.numbers["gulen"]


def test_a_number_out_of_use_or_of_another_centre_is_not_found_by_dialling(phone_world, orebro, system):
    services.phone_number_update(actor=system, phone_number=phone_world.numbers["gulen"], is_active=False)
    services.phone_number_add(actor=system, municipality=orebro, number="+4619210000")

    for dialed in ("+4757786000", "+4619210000", "", "anonymous"):
        with pytest.raises(NotFound):
            selectors.phone_number_by_dialed(actor=phone_world.token, dialed_number=dialed)


def test_a_menu_used_by_a_number_is_not_removed(phone_world, municipality_admin):
    with pytest.raises(Conflict):
        services.menu_step_remove(actor=municipality_admin, step=phone_world.menu)
