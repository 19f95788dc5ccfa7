"""Cases and everything that hangs on them; SLA policies; the e-mail channel's mailboxes and quarantine."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.contacts.models import Contact, Person
from civicdesk.organisations.models import Municipality, Team, Topic


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_CITIZEN = "waiting_citizen", _("Waiting for the citizen")
    WAITING_UNIT = "waiting_unit", _("Waiting for another unit")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CITIZEN, Status.WAITING_UNIT)


class CaseKind(models.TextChoices):
    REQUEST = "request", _("Case")
    CALLBACK = "callback", _("Call back")


class CaseSequence(models.Model):
    """The last case number given in a municipality in a year (GUL-2026-000123 is the 123rd of 2026)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="one_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_number}"


class SlaPolicy(models.Model):
    """How long a case may take, in the municipality's opening hours: per topic and priority, the most
    specific policy wins (topic and priority, topic, priority, municipality default)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="sla_policies")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first answer within (working minutes)"), null=True, blank=True
    )
    resolve_minutes = models.PositiveIntegerField(_("resolved within (working minutes)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "topic", "priority"], name="one_sla_policy_per_scope", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic or '*'} / {self.priority or '*'}: {self.resolve_minutes} min"


class Case(models.Model):
    """Work for the back office: what is asked, by whom, which team and person have it, how urgent it is,
    where it stands and when it is due. ``version`` rises with every change, so two people editing at
    once cannot overwrite each other unnoticed."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices, default=CaseKind.REQUEST)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requester = models.ForeignKey(
        Person, verbose_name=_("requester"), on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    language = models.CharField(_("requester's language"), max_length=6, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,  # led by the queue index in Meta
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,  # led by the queue index in Meta
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first answer due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    source_contact = models.ForeignKey(
        Contact, verbose_name=_("from contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # The queues people open all day are the open cases of a team or a person by due date. The indexes
        # end with the municipality, the access filter, so a queue is counted from the index alone. Not
        # partial on the open statuses: SQLite uses a partial index only when the query spells the same
        # constants, and Django sends them as parameters (bench/bench_case_list.py). Most closed cases have
        # no assignee left to index.
        indexes = [
            models.Index(fields=["team", "status", "due_at", "id", "municipality"], name="case_team_queue"),
            models.Index(
                fields=["assignee", "status", "due_at", "id", "municipality"],
                condition=Q(assignee__isnull=False),  # = on the assignee implies it, even as a parameter
                name="case_assignee_queue",
            ),
            models.Index(fields=["municipality", "status", "-created_at"], name="case_municipality_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_at and self.is_open and self.due_at < timezone.now())


class CaseEvent(models.Model):
    """One line of a case's history: who did what, when. Never changed afterwards."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        NOTE = "note", _("Internal note")
        REPLY = "reply", _("Reply sent")
        INBOUND = "inbound", _("Message received")
        ATTACHMENT = "attachment", _("Attachment added")
        LINKED = "linked", _("Linked")
        MERGED = "merged", _("Merged")
        SLA_BREACHED = "sla_breached", _("Due date passed")
        EDITED = "edited", _("Edited")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=160)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class CaseStage(models.Model):
    """One stretch of a case's life with one holder: the first line or a back-office team. How long a case
    waited where is the sum of its stages, counted in opening hours."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_stage_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.team or 'first line'} {self.started_at:%Y-%m-%d %H:%M}"


class CaseNote(models.Model):
    """An internal note: colleagues see it, the requester never does."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class CaseMessage(models.Model):
    """A message to or from the requester, threaded by its e-mail Message-ID."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("From the requester")
        OUTBOUND = "out", _("To the requester")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_address = models.CharField(max_length=254, blank=True)
    to_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    is_automatic = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.subject or self.text[:40]}"


class Attachment(models.Model):
    """A file on a case, kept through Django's storage API; its checksum finds duplicates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="cases/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class CaseLink(models.Model):
    """Two cases that belong together; a duplicate link is made by merging."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        DUPLICATE = "duplicate", _("Duplicate")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RELATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="case_linked_once"),
            models.CheckConstraint(condition=~Q(case=models.F("other")), name="case_not_linked_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.other_id}"


class SavedView(models.Model):
    """A case list someone keeps: its filters and sorting, by name."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_case_views")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_unique")]

    def __str__(self) -> str:
        return self.name


class Mailbox(models.Model):
    """An inbound address of a municipality (or one of its teams): mail to it becomes contacts and cases.
    Mail comes from an IMAP mailbox polled in the background, or is pushed to the webhook."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="mailboxes")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    address = models.EmailField(_("address"), unique=True)
    display_name = models.CharField(_("sender name"), max_length=120, blank=True)
    imap_host = models.CharField(max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_username = models.CharField(max_length=200, blank=True)
    imap_password = models.CharField(max_length=200, blank=True)
    imap_folder = models.CharField(max_length=120, default="INBOX")
    webhook_secret = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.address


class InboundMail(models.Model):
    """Each message taken in, once: the same Message-ID arriving twice is recognised here."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="received")
    message_id = models.CharField(max_length=300)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mailbox", "message_id"], name="mail_taken_in_once")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.outcome})"


class QuarantinedMail(models.Model):
    """A message that could not be taken in (malformed, oversized): kept for an admin, never dropped."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    raw = models.FileField(upload_to="quarantine/%Y/%m/")
    size = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("quarantined mail")
        verbose_name_plural = _("quarantined mail")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reason}"


class MessageTemplate(models.Model):
    """A municipality's own wording of a message to requesters, per kind and language; without one, the
    translated default is used. Subject and body may use {{ case.number }}, {{ case.title }},
    {{ municipality }}, {{ status }} and {{ requester_name }}."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "ack", _("Acknowledgement of a new case")
        STATUS = "status", _("Status changed")
        REPLY = "reply", _("Reply (signature)")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="message_templates")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=6)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind", "language"], name="one_template_per_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"
