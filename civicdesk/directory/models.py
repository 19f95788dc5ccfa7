"""The directory's rows. Every one belongs to a municipality (hours and closures through their unit)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from civicdesk.organisations.models import Department, Municipality, Team, Topic


class Channel(models.TextChoices):
    """Where a unit can be reached; each has its own opening hours."""

    PHONE = "phone", _("Phone")
    DESK = "desk", _("Desk")
    CHAT = "chat", _("Chat")


class DirectoryEntry(models.Model):
    """What units and employees share: who may see them, when they were last confirmed, their version."""

    internal_only = models.BooleanField(
        _("internal only"), default=False, help_text=_("Shown to staff, never to citizens.")
    )
    confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Unit(DirectoryEntry):
    """A department, team, named function ("Byggesak Gulen") or service point people are forwarded to."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")
        FUNCTION = "function", _("Function")
        SERVICE_POINT = "service_point", _("Service point")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="directory_units")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FUNCTION)
    name = models.CharField(_("name"), max_length=160)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team for cases"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cases forwarded to this unit land in this team's queue."),
    )
    description = models.TextField(_("what it does"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    visiting_address = models.TextField(_("visiting address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_name_unique_in_municipality")
        ]

    def __str__(self) -> str:
        return self.name


class Employee(DirectoryEntry):
    """A person working for the municipality as the directory lists them, with or without a staff login."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="directory_employees")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="employees"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=160)
    title = models.CharField(_("title"), max_length=160, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    handles = models.TextField(_("handles"), blank=True, help_text=_("What callers should come to this person for."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return self.name


class PhoneNumber(models.Model):
    """A number of a unit or of an employee, in E.164, with what it is for."""

    class Purpose(models.TextChoices):
        MAIN = "main", _("Main number")
        QUEUE = "queue", _("Queue")
        DIRECT = "direct", _("Direct line")
        MOBILE = "mobile", _("Mobile")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    number = models.CharField(_("number"), max_length=20, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices, default=Purpose.MAIN)
    label = models.CharField(_("label"), max_length=80, blank=True)
    internal_only = models.BooleanField(_("internal only"), default=False)

    class Meta:
        ordering = ["purpose", "number"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, employee__isnull=True) | Q(unit__isnull=True, employee__isnull=False),
                name="phone_belongs_to_a_unit_or_an_employee",
            )
        ]

    def __str__(self) -> str:
        return self.number


def weekly_hours(rows, channel: str) -> dict[int, list]:
    """``UnitHours`` rows of one channel as ``{weekday: [(opens, closes), …]}`` (lib.business_time's form)."""
    weekly: dict[int, list] = {}
    for row in rows:
        if row.channel == channel:
            weekly.setdefault(row.weekday, []).append((row.opens_at, row.closes_at))
    return weekly


class UnitHours(models.Model):
    """One interval a unit is open on a weekday on one channel, in the municipality's local time."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="hours")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.PHONE)
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 is Monday."))
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["channel", "weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="unit_hours_open_before_close"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="unit_hours_weekday_in_week"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_channel_display()} {self.weekday} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class UnitClosure(models.Model):
    """A day a unit keeps other hours: closed all day (no times) or open only ``opens_at``–``closes_at``."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="closures")
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, blank=True, help_text=_("Empty: every channel.")
    )
    date = models.DateField(_("date"))
    opens_at = models.TimeField(_("opens"), null=True, blank=True)
    closes_at = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False, opens_at__lt=F("closes_at")),
                name="unit_closure_closed_or_reduced",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.date:%Y-%m-%d}"


class Responsibility(models.Model):
    """Who handles a topic in a municipality: a unit (and maybe a person), for part of it or all of it.
    Lookups try the lowest ``rank`` first and fall back in order."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="responsibilities")
    employee = models.ForeignKey(
        Employee, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    postcodes = models.CharField(
        _("postcodes"),
        max_length=400,
        blank=True,
        help_text=_("Where it applies, e.g. 5960-5969, 5970. Empty: the whole municipality."),
    )
    language = models.CharField(
        _("language"), max_length=6, blank=True, help_text=_("Only for callers in this language. Empty: any.")
    )
    rank = models.PositiveSmallIntegerField(_("order"), default=1, help_text=_("1 is asked first."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["rank", "pk"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        indexes = [models.Index(fields=["municipality", "topic", "rank"], name="responsibility_lookup")]

    def __str__(self) -> str:
        return f"{self.topic} → {self.unit}"


class DirectoryPolicy(models.Model):
    """How a municipality keeps its directory current: entries not confirmed for ``confirm_every_days``
    are shown as stale. A municipality without a row uses the default."""

    DEFAULT_CONFIRM_EVERY_DAYS = 365

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="directory_policy")
    confirm_every_days = models.PositiveIntegerField(
        _("confirm entries every (days)"),
        default=DEFAULT_CONFIRM_EVERY_DAYS,
        help_text=_("Units and people not confirmed for this many days are listed as stale."),
    )

    class Meta:
        verbose_name = _("directory policy")
        verbose_name_plural = _("directory policies")
        constraints = [
            models.CheckConstraint(condition=Q(confirm_every_days__gte=1), name="directory_policy_period_positive")
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.confirm_every_days}"


class ChangeRequest(models.Model):
    """A change a department reports (a new hire, a move, a new number, …) for the municipality admin to
    approve, which applies it, or reject with a reason. ``proposed`` holds the new values by field name."""

    class Kind(models.TextChoices):
        EMPLOYEE_NEW = "employee_new", _("New employee")
        EMPLOYEE_CHANGE = "employee_change", _("Change of an employee")
        EMPLOYEE_REMOVE = "employee_remove", _("Employee has left")
        UNIT_CHANGE = "unit_change", _("Change of a unit")
        PHONE = "phone", _("New or changed number")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what changed"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("person"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_label = models.CharField(
        _("concerns"), max_length=200, blank=True, help_text="The unit or person as named when reported."
    )
    proposed = models.JSONField(_("new values"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by_label = models.CharField(_("reported by"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("reported"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [models.Index(fields=["municipality", "status"], name="change_request_queue")]

    def __str__(self) -> str:
        target = self.target_label or self.proposed.get("name", "")
        return f"{self.get_kind_display()}: {target}" if target else str(self.get_kind_display())


class EntryVersion(models.Model):
    """One version of a unit or a person: what it looked like after a change (``snapshot``, numbers
    included), what changed from the version before, who changed it and when, and the change request it
    came from. Kept when the person is removed, so it names the entry by kind and id."""

    class EntryKind(models.TextChoices):
        UNIT = "unit", _("Unit")
        EMPLOYEE = "employee", _("Person")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    entry_kind = models.CharField(max_length=8, choices=EntryKind.choices)
    entry_id = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("what happened"), max_length=32)
    snapshot = models.JSONField(default=dict)
    changes = models.JSONField(default=dict, help_text="{field: [before, after]} against the version before.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_label = models.CharField(_("changed by"), max_length=150)
    changed_at = models.DateTimeField(_("changed"))
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="versions"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["entry_kind", "entry_id", "version"], name="entry_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_kind} {self.entry_id} v{self.version}"
