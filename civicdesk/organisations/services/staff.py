"""Staff members and their roles, portal users, and each user's language."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Forbidden, Invalid, clean
from civicdesk.organisations import access, audit, tasks
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import (
    CENTER_ROLES,
    Department,
    Language,
    Municipality,
    Role,
    RoleAssignment,
    ServiceCenter,
    Team,
    User,
)


def _set_password(user: User, password: str | None, password_hash: str | None) -> None:
    if password_hash:
        user.password = password_hash
    elif password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise Invalid(error.messages[0], field="password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()


@transaction.atomic
def staff_create(
    *,
    actor: Actor,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
    password: str | None = None,
    password_hash: str | None = None,
) -> User:
    """A platform or municipality admin adds a staff member; roles are granted separately."""
    reach = access.reach(actor)
    if not (reach.everything or reach.admin_of):
        raise Forbidden(_("Only admins may add staff."))
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
        kind=User.Kind.STAFF,
    )
    _set_password(user, password, password_hash)
    clean(user, exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.create", obj=user)
    return user


@transaction.atomic
def portal_user_create(
    *,
    actor: Actor,
    username: str,
    kind: str,
    municipality: Municipality,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
    password: str | None = None,
    password_hash: str | None = None,
) -> User:
    """A citizen or municipal employee who uses the portal of ``municipality``."""
    access.require(actor, Action.CHANGE, municipality)
    if kind not in (User.Kind.CITIZEN, User.Kind.EMPLOYEE):
        raise Invalid(_("A portal user is a citizen or a municipal employee."), field="kind")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        kind=kind,
        home_municipality=municipality,
        language=language or municipality.language,
    )
    _set_password(user, password, password_hash)
    clean(user, exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.create", obj=user)
    return user


@transaction.atomic
def role_grant(
    *,
    actor: Actor,
    user: User,
    role: str,
    center: ServiceCenter | None = None,
    municipality: Municipality | None = None,
    department: Department | None = None,
    team: Team | None = None,
) -> RoleAssignment:
    """Agents and supervisors belong to a centre, caseworkers to a department (and maybe a team),
    municipality admins to a municipality. Only a platform admin grants centre and platform roles;
    a municipality admin grants caseworker and admin roles in their own municipality."""
    if user.kind != User.Kind.STAFF:
        raise Invalid(_("Only staff members can have roles."), field="role")
    if team is not None:
        department = team.department
    if department is not None:
        municipality = department.municipality
    if role in CENTER_ROLES:
        if center is None:
            raise Invalid(_("Choose the centre this role is for."), field="center")
        access.require_platform_admin(actor)
        municipality = department = team = None
    elif role == Role.CASEWORKER:
        if department is None:
            raise Invalid(_("Choose the department this caseworker works in."), field="department")
        access.require(actor, Action.CHANGE, municipality)
        center = None
    elif role == Role.MUNICIPALITY_ADMIN:
        if municipality is None:
            raise Invalid(_("Choose the municipality."), field="municipality")
        access.require(actor, Action.CHANGE, municipality)
        center = department = team = None
    elif role == Role.PLATFORM_ADMIN:
        access.require_platform_admin(actor)
        center = municipality = department = team = None
    else:
        raise Invalid(_("Unknown role."), field="role")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, center=center, municipality=municipality, department=department, team=team
    )
    if created:
        audit.record(actor=actor, action="role.grant", obj=user, details={"role": role, "assignment": assignment.pk})
    access.forget_reach(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Whoever may grant a role may take it back."""
    if assignment.role in (*CENTER_ROLES, Role.PLATFORM_ADMIN):
        access.require_platform_admin(actor)
    else:
        access.require(actor, Action.CHANGE, assignment.municipality)
    user = assignment.user
    details = {"role": assignment.role, "assignment": assignment.pk}
    assignment.delete()
    audit.record(actor=actor, action="role.revoke", obj=user, details=details)
    access.forget_reach(user)


@transaction.atomic
def user_language_set(*, actor: Actor, user: User, language: str) -> User:
    """Each user chooses their own language; nobody else changes it."""
    if getattr(actor, "pk", None) != user.pk:
        raise Forbidden(_("You can only change your own language."))
    if language not in Language.values:
        raise Invalid(_("Choose one of the offered languages."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit.record(actor=actor, action="user.language", obj=user, details={"language": language})
    return user


@transaction.atomic
def user_signed_in(*, actor: Actor) -> None:
    """Signing in is recorded, with the address it came from."""
    audit.record(actor=actor, action="user.sign_in", obj=actor)


@transaction.atomic
def staff_onboard(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    language: str = "",
    center: ServiceCenter | None = None,
    municipality: Municipality | None = None,
    department: Department | None = None,
    team: Team | None = None,
) -> User:
    """A new colleague gets an account, their first role and an e-mail inviting them to set a password.
    Whoever may grant the role may add the person; nobody sets a password for someone else."""
    if not email:
        raise Invalid(_("An e-mail address is needed to send the invitation."), field="email")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, language=language)
    user.set_unusable_password()
    clean(user, exclude=["password"])
    user.save()
    role_grant(
        actor=actor, user=user, role=role, center=center, municipality=municipality, department=department, team=team
    )
    audit.record(actor=actor, action="user.create", obj=user, details={"role": role})
    transaction.on_commit(lambda: tasks.staff_invitation_send.enqueue(user_id=user.pk))
    return user
