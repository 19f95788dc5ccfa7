"""Who the organisations are, who works there in which role, what inquiries are about, and the audit log."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

slug_validator = RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Use lowercase letters, digits and hyphens."))
code_validator = RegexValidator(r"^[A-Z]{2,6}$", _("Use 2 to 6 capital letters A–Z."))
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #rrggbb, for example #0062ba."))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    SWEDISH = "sv", _("Swedish")
    NORWEGIAN_BOKMAL = "nb", _("Norwegian Bokmål")
    ENGLISH = "en", _("English")


class Country(models.TextChoices):
    DENMARK = "DK", _("Denmark")
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")


COUNTRY_DEFAULTS = {
    Country.DENMARK: (Language.DANISH, "Europe/Copenhagen"),
    Country.SWEDEN: (Language.SWEDISH, "Europe/Stockholm"),
    Country.NORWAY: (Language.NORWEGIAN_BOKMAL, "Europe/Oslo"),
}


class ServiceCenter(models.Model):
    """A first-line unit (citizen service, contact centre, internal service function) serving ≥1 municipality."""

    slug = models.SlugField(_("short name"), max_length=40, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=120)
    is_internal = models.BooleanField(_("serves employees"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality: its country, language, time zone and brand."""

    slug = models.SlugField(_("short name"), max_length=40, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("case prefix"),
        max_length=6,
        unique=True,
        validators=[code_validator],
        help_text=_("2–6 capital letters that start its case numbers, e.g. GUL in GUL-2026-000123."),
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    brand_colour = models.CharField(_("brand colour"), max_length=7, default="#0062ba", validators=[colour_validator])
    logo = models.FileField(
        _("logo"),
        upload_to="municipalities/logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One interval a municipality is open on a weekday; SLA clocks count only these hours (and skip
    the country's public holidays)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 is Monday."))
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="opening_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_weekday_0_to_6"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class CenterMembership(models.Model):
    """A municipality served by a centre from ``joined_at`` until ``left_at`` (open while null)."""

    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, related_name="memberships")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="memberships")
    joined_at = models.DateTimeField(_("joined"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("centre membership")
        verbose_name_plural = _("centre memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "municipality"],
                condition=Q(left_at__isnull=True),
                name="one_open_membership_per_center",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="membership_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} @ {self.center}"

    def is_current(self, at=None) -> bool:
        at = at or timezone.now()
        return self.joined_at <= at and (self.left_at is None or self.left_at > at)


class Department(models.Model):
    """A department (forvaltning, förvaltning, avdeling) of one municipality."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_name_unique_in_municipality")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team within a department; carries the municipality like every owned row."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="teams")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="team_name_unique_in_department")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Anyone who signs in: staff (with roles), citizens, and employees using the internal portal."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CITIZEN = "citizen", _("Citizen")
        EMPLOYEE = "employee", _("Municipal employee")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)
    home_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_users",
        help_text=_("For citizens and employees: the municipality whose portal they use."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(home_municipality__isnull=False),
                name="portal_user_has_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    CASEWORKER = "caseworker", _("Caseworker")
    MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality admin")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


CENTER_ROLES = (Role.AGENT, Role.SUPERVISOR)


class RoleAssignment(models.Model):
    """One role of a staff member, and where it applies: a centre, a department/team or a municipality."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_has_its_place",
                condition=(
                    Q(role__in=["agent", "supervisor"], center__isnull=False, municipality__isnull=True)
                    | Q(role="caseworker", department__isnull=False, municipality__isnull=False)
                    | Q(role="municipality_admin", municipality__isnull=False, center__isnull=True)
                    | Q(role="platform_admin", center__isnull=True, municipality__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "center", "municipality", "department", "team"],
                name="role_assigned_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        place = self.center or self.team or self.department or self.municipality or ""
        return f"{self.get_role_display()} {place}".strip()


class Topic(models.Model):
    """What an inquiry is about; shared by all (no municipality) or added by one municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="topics"
    )
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    key = models.CharField(_("key"), max_length=80, validators=[slug_validator])
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    name_da = models.CharField(_("name (Danish)"), max_length=160, blank=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=160, blank=True)
    name_nb = models.CharField(_("name (Norwegian Bokmål)"), max_length=160, blank=True)
    kle_number = models.CharField(_("KLE number"), max_length=20, blank=True)
    los_uri = models.URLField(_("LOS concept"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(municipality__isnull=True), name="shared_topic_key_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "key"],
                condition=Q(municipality__isnull=False),
                name="municipal_topic_key_unique",
            ),
            models.CheckConstraint(
                condition=~Q(name_en="", name_da="", name_sv="", name_nb=""), name="topic_has_a_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The name in ``language``, else the first name it has in en, da, sv, nb."""
        code = (language or "en").split("-")[0]
        for candidate in (code, "en", "da", "sv", "nb"):
            value = getattr(self, f"name_{candidate}", "")
            if value:
                return value
        return self.key

    @property
    def name(self) -> str:
        return self.name_in(get_language() or "en")


class ApiToken(models.Model):
    """A credential for an integration, scoped to one municipality or one centre and to named permissions.

    Only a SHA-256 hash of the secret is kept; the secret is shown once when the token is made.
    """

    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    permissions = models.JSONField(_("permissions"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(center__isnull=False, municipality__isnull=True)
                | Q(center__isnull=True, municipality__isnull=False),
                name="token_scoped_to_center_or_municipality",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    is_authenticated = True  # lets the token stand where a signed-in actor is expected

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Notification(models.Model):
    """Something a staff member should know about (a case assigned to them, a due date passed), shown in
    the page header until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text


class AuditEvent(models.Model):
    """One write, or one read of personal data: who, when, which object, which action, from where.

    Rows are only ever inserted: the model refuses updates and deletes, and no page or endpoint offers them.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_token_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=160)
    action = models.CharField(max_length=80)  # searched within a time range, so the time index serves
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    municipality_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")
