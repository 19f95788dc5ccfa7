"""Typed readers for settings that come from the environment.

Every knob is read here. A variable can also be given as a file through ``NAME_FILE`` (for secrets
mounted by an orchestrator). A missing required value raises ``ImproperlyConfigured`` with one line.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
REQUIRED = _MISSING
"""Pass as ``default`` to say the variable has no default."""


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            with open(file_path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={file_path} cannot be read: {error.strerror}") from None
    return os.environ.get(name)


def string(name: str, default: object = _MISSING) -> str:
    """The variable as text; without a default, its absence is a one-line configuration error."""
    value = _raw(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"{name} must be set in the environment (or {name}_FILE).")
        return default  # type: ignore[return-value]
    return value


def boolean(name: str, default: bool) -> bool:
    """Only ``true`` and ``false`` are accepted, so a typo never silently means 'off'."""
    value = _raw(name)
    if value is None or value == "":
        return default
    if value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def integer(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def string_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
