"""The parts every case service shares: the history line, the version check, the stage clocks."""

from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.cases.models import Case, CaseEvent, CaseStage
from civicdesk.lib.errors import Conflict
from civicdesk.organisations.models import ApiToken, Team, User


def actor_label(actor) -> str:
    if isinstance(actor, ApiToken):
        return f"token:{actor.prefix}"
    if isinstance(actor, User):
        return actor.get_full_name() or actor.username
    return str(actor)


def event(case: Case, kind: str, actor, **details) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=kind,
        actor=actor if isinstance(actor, User) else None,
        actor_label=actor_label(actor),
        details={**details, "version": case.version},
    )


def locked(case: Case, expected_version: int | None) -> Case:
    """The case row, locked for this transaction; ``Conflict`` when someone changed it since
    ``expected_version``, listing what they changed so the second writer can look before trying again."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        changes = [
            {"at": e.at.isoformat(), "by": e.actor_label, "what": e.kind, "details": e.details}
            for e in current.events.filter(details__version__gt=expected_version).order_by("at", "id")
        ]
        raise Conflict(
            _("Someone else changed this case while you were working on it. Look at their changes and try again."),
            detail={"current_version": current.version, "changes": changes},
        )
    return current


def bump(case: Case, fields: list[str]) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def stage_move(case: Case, team: Team | None, at=None) -> None:
    """Close the case's current stage and open one with ``team`` (no team: the first line)."""
    at = at or timezone.now()
    CaseStage.objects.filter(case=case, ended_at__isnull=True).update(ended_at=at)
    CaseStage.objects.create(case=case, team=team, started_at=at)


def stage_close(case: Case, at=None) -> None:
    CaseStage.objects.filter(case=case, ended_at__isnull=True).update(ended_at=at or timezone.now())
