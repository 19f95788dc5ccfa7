"""Checking and masking how a person is identified: national identity numbers (python-stdnum); phone numbers
and e-mail addresses come from ``lib.contact_points``. Messages are translated; nothing here stores anything."""

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.dk import cpr
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

from civicdesk.lib.contact_points import IdentityError, email_normalise, phone_display, phone_normalise

__all__ = [
    "IdentityError",
    "email_normalise",
    "national_id_masked",
    "national_id_normalise",
    "phone_display",
    "phone_normalise",
]

NATIONAL_ID_MODULES = {"DK": cpr, "SE": personnummer, "NO": fodselsnummer}
NATIONAL_ID_NAMES = {"DK": "CPR", "SE": "personnummer", "NO": "fødselsnummer"}


def national_id_normalise(value: str, country: str) -> str:
    """The compact form of a valid national identity number of ``country`` (DK, SE or NO)."""
    module = NATIONAL_ID_MODULES.get(country)
    if module is None:
        raise IdentityError(_("National identity numbers are checked for Denmark, Sweden and Norway only."))
    try:
        return module.validate(value)
    except stdnum_errors.InvalidChecksum:
        message = _("This %(name)s has a wrong check digit: look at the digits again.")
    except stdnum_errors.InvalidLength:
        message = _("This %(name)s has the wrong number of digits.")
    except stdnum_errors.InvalidComponent:
        message = _("This %(name)s does not contain a valid date of birth.")
    except stdnum_errors.ValidationError:
        message = _("This is not a valid %(name)s.")
    raise IdentityError(message % {"name": NATIONAL_ID_NAMES[country]})


def national_id_masked(value: str) -> str:
    """Only the birth date part shows: 010190-****, enough to tell people apart in a list."""
    if not value:
        return ""
    digits = "".join(ch for ch in value if ch.isdigit())
    visible = 8 if len(digits) == 12 else 6  # Swedish numbers may carry the century
    return f"{digits[:visible]}-{'*' * (len(digits) - visible)}"
