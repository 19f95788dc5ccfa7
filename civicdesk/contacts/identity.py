"""Checking and masking how a person is identified and reached: national identity numbers (python-stdnum),
phone numbers (phonenumbers) and e-mail addresses. Messages are translated; nothing here stores anything."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.dk import cpr
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

NATIONAL_ID_MODULES = {"DK": cpr, "SE": personnummer, "NO": fodselsnummer}
NATIONAL_ID_NAMES = {"DK": "CPR", "SE": "personnummer", "NO": "fødselsnummer"}


class IdentityError(ValueError):
    """A value a person typed is not valid; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def phone_normalise(value: str, country: str) -> str:
    """E.164 form of a phone number; national numbers are read as numbers of ``country``."""
    try:
        number = phonenumbers.parse(value, country or None)
    except phonenumbers.NumberParseException:
        raise IdentityError(_("This is not a phone number. Write it as +47 123 45 678 or 12345678.")) from None
    if not phonenumbers.is_valid_number(number):
        raise IdentityError(_("This phone number does not exist. Check the digits and the country code."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """International format with spaces, e.g. +47 57 78 20 00."""
    if not value:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return value


def email_normalise(value: str) -> str:
    """A valid e-mail address, lowercased in its domain."""
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise IdentityError(_("This is not an e-mail address. Write it as name@example.com.")) from None
    local, _sep, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"
