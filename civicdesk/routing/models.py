"""Queues and the skills they need; agents with their skills, languages, states and duty shifts; the
alerts a queue raises when it needs reinforcements."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.contacts.models import ContactLanguage
from civicdesk.organisations.models import Municipality, ServiceCenter, Topic, slug_validator


class Skill(models.Model):
    """Something a queue needs and an agent has, at a level: building permits, social services, schools …"""

    center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, related_name="skills")
    key = models.CharField(_("key"), max_length=60, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [models.UniqueConstraint(fields=["center", "key"], name="skill_key_unique_in_center")]

    def __str__(self) -> str:
        return self.name


class QueueChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")


class Queue(models.Model):
    """Where offered calls (later also chats) wait for an agent with its skill who speaks the caller's language.

    Shared by every municipality the centre serves (``municipality`` empty) or one municipality's own. Its
    thresholds decide when the reinforcement pool is widened in and the supervisor alerted, and when a
    callback is offered; the service level is counted against ``service_level_s``."""

    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, related_name="queues")
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queues",
        help_text=_("Empty: the queue serves every municipality of the centre."),
    )
    key = models.CharField(
        _("key"),
        max_length=60,
        validators=[slug_validator],
        help_text=_("The name the phone system uses for the queue, e.g. building."),
    )
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=8, choices=QueueChannel.choices, default=QueueChannel.PHONE)
    skill = models.ForeignKey(Skill, verbose_name=_("skill needed"), on_delete=models.PROTECT, related_name="queues")
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Languages the queue answers in; empty: any.")
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="queues", blank=True)
    service_level_s = models.PositiveIntegerField(
        _("service-level threshold (s)"), default=120, validators=[MinValueValidator(1)]
    )
    short_abandon_s = models.PositiveIntegerField(_("short abandon (s)"), default=5)
    alert_wait_s = models.PositiveIntegerField(
        _("longest wait before reinforcements (s)"), default=180, validators=[MinValueValidator(1)]
    )
    alert_length = models.PositiveIntegerField(
        _("calls waiting before reinforcements"), default=8, validators=[MinValueValidator(1)]
    )
    callback_offer_s = models.PositiveIntegerField(
        _("expected wait before a callback is offered (s)"), default=300, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        constraints = [models.UniqueConstraint(fields=["center", "key"], name="queue_key_unique_in_center")]

    def __str__(self) -> str:
        return self.name


class AgentState(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_CALL = "on_call", _("On call")
    WRAP_UP = "wrap_up", _("Wrap-up")
    OTHER_WORK = "other_work", _("Other work")
    BREAK = "break", _("Break")
    OFFLINE = "offline", _("Offline")


LOGGED_IN_STATES = (AgentState.AVAILABLE, AgentState.ON_CALL, AgentState.WRAP_UP, AgentState.OTHER_WORK)


class Agent(models.Model):
    """A staff member's place in the router: the centre, the code the phone system knows them by (an
    extension or login), their state, and whether they may be pulled in as reinforcement when off duty."""

    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, related_name="agents")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent")
    code = models.CharField(
        _("phone system code"),
        max_length=40,
        help_text=_("The extension or login the phone system sends for this agent, e.g. 1042."),
    )
    is_reinforcement = models.BooleanField(
        _("reinforcement"), default=False, help_text=_("May be pulled in to the phones when off phone duty.")
    )
    state = models.CharField(_("state"), max_length=12, choices=AgentState.choices, default=AgentState.OFFLINE)
    state_since = models.DateTimeField(_("in this state since"), default=timezone.now)
    wrap_up_until = models.DateTimeField(_("wrap-up ends"), null=True, blank=True)
    idle_since = models.DateTimeField(
        _("idle since"), null=True, blank=True, help_text=_("When the agent last became available.")
    )
    reserved_until = models.DateTimeField(null=True, blank=True)
    reserved_for = models.CharField(max_length=120, blank=True, help_text=_("The call the router offered."))
    current_call = models.CharField(max_length=120, blank=True)
    pulled_in_until = models.DateTimeField(
        _("pulled in until"), null=True, blank=True, help_text=_("Pulled in to the phones by a supervisor.")
    )
    wrap_up_s = models.PositiveIntegerField(_("wrap-up time (s)"), default=60)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="agent_code_unique_in_center")]
        indexes = [
            # The router's walk: the free agents, longest idle first (services/candidates.py).
            models.Index(
                fields=["center", "idle_since"],
                name="agent_ready",
                condition=models.Q(state__in=["available", "wrap_up"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.code})"


class AgentLanguage(models.Model):
    """A language an agent takes calls in (sign languages included)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=6, choices=ContactLanguage.choices)

    class Meta:
        verbose_name = _("agent language")
        verbose_name_plural = _("agent languages")
        constraints = [models.UniqueConstraint(fields=["agent", "language"], name="agent_language_once")]
        indexes = [models.Index(fields=["language", "agent"], name="agent_language_lookup")]

    def __str__(self) -> str:
        return self.language


class AgentSkill(models.Model):
    """A skill an agent has, at a level from 1 (can answer the basics) to 5 (expert)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="agent_skills")
    level = models.PositiveSmallIntegerField(
        _("level"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="agent_skill_once"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="agent_skill_level_1_to_5"),
        ]
        indexes = [models.Index(fields=["skill", "agent"], name="agent_skill_lookup")]

    def __str__(self) -> str:
        return f"{self.skill} {self.level}"


class AgentStateChange(models.Model):
    """One stretch of time an agent spent in a state: the history occupancy and agent figures are counted from."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="state_changes")
    state = models.CharField(max_length=12, choices=AgentState.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["agent", "started_at"], name="agent_state_history")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.state} {self.started_at:%Y-%m-%d %H:%M}"


class Duty(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    DESK = "desk", _("Front desk")
    OTHER = "other", _("Other work")


class DutyShift(models.Model):
    """One stretch of an agent's duty rota: on the phones, on chat, at the desk, or other work."""

    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, related_name="duty_shifts")
    agent = models.ForeignKey(Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="shifts")
    duty = models.CharField(_("duty"), max_length=8, choices=Duty.choices, default=Duty.PHONE)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "agent_id"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_it_starts")
        ]
        indexes = [
            models.Index(fields=["center", "starts_at"], name="shift_center_time"),
            # Is the agent on duty now (the router, per agent): their shifts that started within a day.
            models.Index(fields=["agent", "starts_at"], name="shift_agent_start"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.duty} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"


class QueueAlert(models.Model):
    """A queue passed one of its thresholds: reinforcements were widened in and supervisors told; cleared
    when the queue is back under it."""

    class Kind(models.TextChoices):
        LONGEST_WAIT = "longest_wait", _("Longest wait")
        LENGTH = "length", _("Calls waiting")

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="alerts")
    center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.PositiveIntegerField(help_text=_("Seconds waited, or calls waiting, when raised."))
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "kind"], condition=Q(cleared_at__isnull=True), name="one_open_alert_per_queue_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.queue} {self.kind}"
