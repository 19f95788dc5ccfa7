"""What callers hear at each step, per language: the admin writes and translates it, open and closed."""

import pytest

from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations.models import AuditEvent, User
from civicdesk.telephony import services
from civicdesk.telephony.services.menus import ANNOUNCEMENT_MAX_LENGTH


def test_admin_translates_the_welcome_into_polish(phone_world, municipality_admin):
    services.announcement_set(
        actor=municipality_admin, step=phone_world.menu, language="pl", text="  Witamy w gminie Gulen. "
    )

    phone_world.menu.refresh_from_db()
    assert phone_world.menu.announcements == {
        "nb": "Velkommen til Gulen kommune.",
        "en": "Welcome to Gulen municipality.",
        "pl": "Witamy w gminie Gulen.",
    }
    event = AuditEvent.objects.get(action="menu.announcement_set", object_id=str(phone_world.menu.pk))
    assert event.details == {"language": "pl", "closed": False, "before": "", "after": "Witamy w gminie Gulen."}


def test_the_closed_message_is_kept_apart_from_the_welcome(phone_world, municipality_admin):
    services.announcement_set(
        actor=municipality_admin, step=phone_world.menu, language="nb", text="Vi har stengt.", closed=True
    )

    phone_world.menu.refresh_from_db()
    assert phone_world.menu.closed_announcements == {"nb": "Vi har stengt."}
    assert phone_world.menu.announcements["nb"] == "Velkommen til Gulen kommune."


def test_empty_text_takes_a_language_away(phone_world, municipality_admin):
    services.announcement_set(actor=municipality_admin, step=phone_world.menu, language="en", text="")

    phone_world.menu.refresh_from_db()
    assert phone_world.menu.announcements == {"nb": "Velkommen til Gulen kommune."}


@pytest.mark.parametrize("language", ["da", "sv", "nb", "en", "so", "uk"])
def test_announcements_are_written_in_the_platforms_and_the_contact_languages(
    phone_world, municipality_admin, language
):
    services.announcement_set(actor=municipality_admin, step=phone_world.menu, language=language, text="…")

    phone_world.menu.refresh_from_db()
    assert phone_world.menu.announcements[language] == "…"


def test_an_unknown_language_is_refused(phone_world, municipality_admin):
    with pytest.raises(Invalid) as error:
        services.announcement_set(actor=municipality_admin, step=phone_world.menu, language="xx", text="Hei")

    assert error.value.field == "language"


def test_an_announcement_has_a_maximum_length(phone_world, municipality_admin):
    longest = "a" * ANNOUNCEMENT_MAX_LENGTH
    services.announcement_set(actor=municipality_admin, step=phone_world.menu, language="nb", text=longest)

    with pytest.raises(Invalid) as error:
        services.announcement_set(actor=municipality_admin, step=phone_world.menu, language="nb", text=longest + "a")

    assert error.value.field == "text"


def test_a_new_step_checks_its_announcements_too(phone_world, gulen, municipality_admin):
    with pytest.raises(Invalid) as error:
        services.menu_create(actor=municipality_admin, municipality=gulen, label="Ny", announcements={"nb": "x" * 1001})
    assert error.value.field == "announcements"

    with pytest.raises(Invalid) as error:
        services.menu_step_add(
            actor=municipality_admin,
            parent=phone_world.menu,
            digit="5",
            label="Ny",
            closed_announcements={"xx": "Stengt"},
        )
    assert error.value.field == "closed_announcements"


def test_a_supervisor_or_another_municipalitys_admin_does_not_write_gulens_announcements(phone_world, supervisor):
    from civicdesk.lib.errors import Forbidden

    with pytest.raises(Forbidden):
        services.announcement_set(actor=supervisor, step=phone_world.menu, language="nb", text="Hei")
    with pytest.raises(NotFound):
        services.announcement_set(
            actor=User.objects.get(username="holbaek.admin"), step=phone_world.menu, language="nb", text="Hei"
        )
