"""Phone numbers (``phonenumbers``) and e-mail addresses as people and units are reached: checked and
normalised with a translated message when they are not valid, and shown readably. Nothing here stores
anything."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _


class IdentityError(ValueError):
    """A value a person typed is not valid; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
