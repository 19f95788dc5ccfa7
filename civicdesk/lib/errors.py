"""Domain errors raised by services and selectors; the doors turn them into HTTP answers."""


class DomainError(Exception):
    """Base of the errors a service may raise; ``message`` is translated text for the user."""

    status = 400
    title = "Bad request"

    def __init__(self, message: str = "", *, field: str | None = None, detail: dict | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.detail = detail or {}


class Invalid(DomainError):
    """The input breaks a rule; ``field`` names the form field it belongs to, if any."""

    status = 422
    title = "Invalid input"


class NotFound(DomainError):
    """Missing, or not visible to the actor: both look the same so nothing leaks across tenants."""

    status = 404
    title = "Not found"


class Forbidden(DomainError):
    """Visible to the actor, but the action is not theirs to take."""

    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    """The object changed or exists already; ``detail`` says what the writer should look at."""

    status = 409
    title = "Conflict"


def clean(instance, *, exclude: list[str] | None = None) -> None:
    """Run the model's validation and raise ``Invalid`` naming the first failing field.

    All messages are kept in ``detail`` so a form can show each beside its field.
    """
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        field, messages = next(iter(errors.items()))
        raise Invalid(
            messages[0],
            field=None if field == NON_FIELD_ERRORS else field,
            detail={k: v for k, v in errors.items()},
        ) from None


def clean_fields(instance, *, exclude: list[str] | None = None) -> None:
    """Like ``clean`` but field rules only (choices, lengths, validators): no query for constraints, which
    the database enforces anyway. For hot write paths."""
    from django.core.exceptions import ValidationError

    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise Invalid(messages[0], field=field, detail=dict(error.message_dict)) from None
