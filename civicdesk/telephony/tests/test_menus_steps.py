"""Building a menu: each key once per step, a step leads to a queue or to steps (not both), at most four keys
deep; the tree read back in one query; only the municipality's admins change it."""

import pytest

from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.organisations.models import AuditEvent, User
from civicdesk.telephony import selectors, services
from civicdesk.telephony.models import IVRNode


@pytest.fixture
def menu(phone_world, gulen, municipality_admin):
    return services.menu_create(
        actor=municipality_admin,
        municipality=gulen,
        label="Gulen kveld",
        announcements={"nb": "Velkommen.", "en": "Welcome."},
    )


def test_admin_builds_a_menu_with_a_sub_menu(phone_world, menu, municipality_admin):
    social = services.menu_step_add(actor=municipality_admin, parent=menu, digit="2", label="Helse og sosial")
    nav = services.menu_step_add(
        actor=municipality_admin, parent=social, digit="1", label="NAV", queue=phone_world.queues["social"]
    )
    services.menu_step_add(
        actor=municipality_admin, parent=menu, digit="#", label="Sentralbord", queue=phone_world.queues["switchboard"]
    )

    tree = selectors.menu_tree(actor=municipality_admin, menu=menu)
    assert [(t.step.digit, t.step.label) for t in tree.steps] == [("#", "Sentralbord"), ("2", "Helse og sosial")]
    assert tree.steps[1].steps[0].step == nav and tree.steps[1].steps[0].depth == 2
    assert AuditEvent.objects.filter(action="menu.step_add", object_id=str(nav.pk)).exists()


def test_a_key_leads_to_one_step_per_menu(phone_world, menu, municipality_admin):
    services.menu_step_add(actor=municipality_admin, parent=menu, digit="1", label="Byggesak")

    with pytest.raises(Invalid) as error:
        services.menu_step_add(actor=municipality_admin, parent=menu, digit="1", label="Igjen")

    assert error.value.field == "digit"


@pytest.mark.parametrize("digit", ["", "10", "a", "+"])
def test_a_key_is_one_of_the_phones_keys(menu, municipality_admin, digit):
    with pytest.raises(Invalid) as error:
        services.menu_step_add(actor=municipality_admin, parent=menu, digit=digit, label="Feil")

    assert error.value.field == "digit"


def test_a_step_with_a_queue_offers_no_keys(phone_world, municipality_admin):
    building = IVRNode.objects.get(parent=phone_world.menu, digit="1")

    with pytest.raises(Invalid) as error:
        services.menu_step_add(actor=municipality_admin, parent=building, digit="1", label="Oppmåling")

    assert error.value.field == "parent"


def test_a_step_with_keys_takes_no_queue(phone_world, municipality_admin):
    with pytest.raises(Invalid) as error:
        services.menu_step_update(
            actor=municipality_admin, step=phone_world.menu, queue=phone_world.queues["switchboard"]
        )

    assert error.value.field == "queue"


def test_a_menu_is_at_most_four_keys_deep(menu, municipality_admin):
    parent = menu
    for depth in range(1, 5):
        parent = services.menu_step_add(actor=municipality_admin, parent=parent, digit="1", label=f"Nivå {depth}")

    with pytest.raises(Invalid) as error:
        services.menu_step_add(actor=municipality_admin, parent=parent, digit="1", label="Nivå 5")

    assert error.value.field == "parent"
    assert selectors.menu_tree(actor=municipality_admin, menu=parent).depth == 4


def test_a_step_leads_only_to_a_queue_serving_the_municipality(phone_world, osteroy, system):
    from civicdesk.routing import services as routing

    osteroy_own = routing.queue_create(
        actor=system,
        center=phone_world.center,
        key="osteroy-social",
        name="Sosial Osterøy",
        skill=phone_world.skills["social"],
        municipality=osteroy,
    )

    with pytest.raises(Invalid) as error:
        services.menu_step_add(actor=system, parent=phone_world.menu, digit="4", label="Feil", queue=osteroy_own)

    assert error.value.field == "queue"


def test_admin_changes_a_steps_key_label_and_language(phone_world, municipality_admin):
    english = IVRNode.objects.get(parent=phone_world.menu, digit="9")

    services.menu_step_update(actor=municipality_admin, step=english, digit="8", label="In English", sets_language="en")

    english.refresh_from_db()
    assert (english.digit, english.label, english.sets_language) == ("8", "In English", "en")
    event = AuditEvent.objects.get(action="menu.step_update", object_id=str(english.pk))
    assert event.details == {
        "before": {"digit": "9", "label": "English", "sets_language": "en"},
        "after": {"digit": "8", "label": "In English", "sets_language": "en"},
    }


def test_a_step_cannot_take_the_key_of_its_sibling(phone_world, municipality_admin):
    english = IVRNode.objects.get(parent=phone_world.menu, digit="9")

    with pytest.raises(Invalid) as error:
        services.menu_step_update(actor=municipality_admin, step=english, digit="0")

    assert error.value.field == "digit"


def test_a_step_sets_only_a_language_we_answer_in(phone_world, municipality_admin):
    with pytest.raises(Invalid) as error:
        services.menu_step_add(
            actor=municipality_admin, parent=phone_world.menu, digit="7", label="Klingon", sets_language="tlh"
        )

    assert error.value.field == "sets_language"


def test_admin_removes_a_step_with_the_steps_under_it(menu, municipality_admin):
    social = services.menu_step_add(actor=municipality_admin, parent=menu, digit="2", label="Helse og sosial")
    services.menu_step_add(actor=municipality_admin, parent=social, digit="1", label="NAV")
    services.menu_step_add(actor=municipality_admin, parent=social, digit="2", label="Helsestasjon")

    assert services.menu_step_remove(actor=municipality_admin, step=social) == 3

    assert selectors.menu_tree(actor=municipality_admin, menu=menu).steps == ()


def test_a_menu_no_number_uses_is_removed(menu, municipality_admin):
    services.menu_step_remove(actor=municipality_admin, step=menu)

    assert not IVRNode.objects.filter(label="Gulen kveld").exists()


def test_the_tree_is_read_in_one_query(phone_world, supervisor, django_assert_num_queries):
    selectors.menu_tree(actor=supervisor, menu=phone_world.menu)  # who the supervisor is, read once per request

    with django_assert_num_queries(1):
        tree = selectors.menu_tree(actor=supervisor, menu=phone_world.menu)
        keys = [(t.step.digit, t.step.queue.key, t.step.sets_language) for t in tree.steps]

    assert keys == [
        ("0", "switchboard", ""),
        ("1", "building", ""),
        ("2", "social", ""),
        ("3", "schools", ""),
        ("9", "switchboard", "en"),
    ]


def test_a_supervisor_reads_menus_but_does_not_change_them(phone_world, supervisor, gulen):
    assert list(selectors.menu_list(actor=supervisor, municipality=gulen)) == [phone_world.menu]

    with pytest.raises(Forbidden):
        services.menu_create(actor=supervisor, municipality=gulen, label="Ny", announcements={})
    with pytest.raises(Forbidden):
        services.menu_step_add(actor=supervisor, parent=phone_world.menu, digit="5", label="Ny")


def test_admin_of_another_municipality_cannot_see_or_change_gulens_menu(phone_world, gulen):
    orebro_admin = User.objects.get(username="orebro.admin")

    with pytest.raises(NotFound):
        selectors.menu_tree(actor=orebro_admin, menu=phone_world.menu)
    with pytest.raises(NotFound):
        services.menu_step_add(actor=orebro_admin, parent=phone_world.menu, digit="5", label="Ny")
    with pytest.raises(NotFound):
        services.menu_step_update(actor=orebro_admin, step=phone_world.menu, label="Ny")
    with pytest.raises(NotFound):
        services.menu_step_remove(actor=orebro_admin, step=phone_world.menu)
    with pytest.raises(NotFound):
        services.menu_create(actor=orebro_admin, municipality=gulen, label="Ny", announcements={})
