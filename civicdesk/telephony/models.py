"""A municipality's public numbers and their IVR menus; the calls the phone system reports, the events
they were built from, and each call's visits to queues (what call figures count)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdesk.contacts.models import Contact, ContactLanguage
from civicdesk.organisations.models import Municipality, ServiceCenter
from civicdesk.routing.models import Agent, Queue


class IVRNode(models.Model):
    """One step of an IVR menu tree: what the caller hears (per language), and where each digit leads.

    A node with a queue puts the caller in that queue; a node with children asks for a digit. A node that
    follows opening hours plays its closed message outside the municipality's opening hours and ends the
    call there. ``sets_language`` lets "press 9 for English" change the language the call is routed in."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="ivr_nodes")
    parent = models.ForeignKey(
        "self", verbose_name=_("under"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    digit = models.CharField(
        pgettext_lazy("telephone keypad", "key"),
        max_length=1,
        blank=True,
        help_text=_("The key that leads here from the menu above (0–9, * or #)."),
    )
    label = models.CharField(_("label"), max_length=120)
    announcements = models.JSONField(
        _("announcement"), default=dict, blank=True, help_text=_("What the caller hears, per language.")
    )
    closed_announcements = models.JSONField(
        _("closed message"), default=dict, blank=True, help_text=_("What the caller hears when closed.")
    )
    follows_opening_hours = models.BooleanField(_("follows opening hours"), default=False)
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, null=True, blank=True, related_name="ivr_nodes"
    )
    sets_language = models.CharField(_("sets the language"), max_length=6, choices=ContactLanguage.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "digit"]
        verbose_name = _("menu step")
        verbose_name_plural = _("menu steps")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "digit"], condition=Q(parent__isnull=False), name="ivr_digit_once"
            )
        ]

    def __str__(self) -> str:
        return self.label


class PhoneNumber(models.Model):
    """A public number of a municipality; calls to it start at its menu, or go straight to its queue."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="phone_numbers")
    number = models.CharField(
        pgettext_lazy("phone number", "number"),
        max_length=20,
        unique=True,
        help_text=_("In +E.164 form, e.g. +4756123000."),
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    menu = models.ForeignKey(
        IVRNode, verbose_name=_("menu"), on_delete=models.SET_NULL, null=True, blank=True, related_name="numbers"
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue without a menu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="numbers",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return self.number


class CallEvent(models.Model):
    """One event as the phone system sent it, kept once per ``event_id``: the call record is always
    rebuilt from all events of its call, so late, repeated and reordered events give the same record."""

    center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, related_name="+", db_index=False)
    event_id = models.CharField(max_length=120)
    call_id = models.CharField(max_length=120, blank=True)
    type = models.CharField(max_length=24)
    at = models.DateTimeField()
    data = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "event_id"], name="call_event_once")]
        indexes = [models.Index(fields=["center", "call_id"], name="call_event_call")]

    def __str__(self) -> str:
        return f"{self.type} {self.call_id} {self.at:%Y-%m-%d %H:%M:%S}"


class CallStatus(models.TextChoices):
    IN_MENU = "in_menu", _("In the menu")
    WAITING = "waiting", _("Waiting")
    TALKING = "talking", _("Talking")
    ENDED = "ended", _("Ended")


class Call(models.Model):
    """One phone call as far as civicdesk knows it, rebuilt from its events: where it was dialled, the
    menu choice, the queue, who answered, how long it waited and talked, and the contact it opened."""

    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, related_name="+", db_index=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="calls", db_index=False
    )
    call_id = models.CharField(_("call id"), max_length=120)
    number = models.ForeignKey(PhoneNumber, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    dialed_number = models.CharField(_("dialled number"), max_length=32, blank=True)
    caller_number = models.CharField(_("caller's number"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=6, choices=ContactLanguage.choices, blank=True)
    ivr_choice = models.CharField(_("menu choice"), max_length=40, blank=True)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    agent = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    status = models.CharField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.IN_MENU)
    started_at = models.DateTimeField(_("started"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    is_repeat = models.BooleanField(_("called again"), default=False)
    callback_requested = models.BooleanField(_("callback requested"), default=False)
    transfers = models.PositiveSmallIntegerField(_("transfers"), default=0)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [models.UniqueConstraint(fields=["center", "call_id"], name="call_id_once_per_center")]
        indexes = [
            models.Index(fields=["center", "status"], name="call_center_status"),
            models.Index(fields=["caller_number", "started_at"], name="call_caller"),
            models.Index(fields=["municipality", "started_at"], name="call_municipality_time"),
        ]

    def __str__(self) -> str:
        return self.call_id


class VisitOutcome(models.TextChoices):
    """How a visit to a queue ended (DESIGN.md, figures defined once)."""

    WAITING = "waiting", _("Still waiting")
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned")
    TIMEOUT = "timeout", _("Timed out")
    EXIT_KEY = "exit_key", _("Left by key (callback or voicemail)")
    NO_AGENTS = "no_agents", _("No agents")


class QueueVisit(models.Model):
    """One stay of a call in one queue (a call transferred to another queue visits it too). Call figures
    count visits; a visit belongs to the interval of its queue entry."""

    # No index of their own for call and municipality: visit_seq_once_per_call and visit_municipality_time
    # start with them (every index is written for each of the thousands of visits an hour).
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="visits", db_index=False)
    seq = models.PositiveSmallIntegerField(default=0)
    center = models.ForeignKey(ServiceCenter, on_delete=models.PROTECT, related_name="+", db_index=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="visits", db_index=False)
    agent = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits")
    entered_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True, help_text=_("Answered, abandoned or exited."))
    ended_at = models.DateTimeField(null=True, blank=True, help_text=_("The talk ended (answered visits)."))
    outcome = models.CharField(max_length=10, choices=VisitOutcome.choices, default=VisitOutcome.WAITING)
    wait_s = models.FloatField(null=True, blank=True)
    talk_s = models.FloatField(null=True, blank=True)
    hold_s = models.FloatField(default=0)
    wrap_s = models.FloatField(default=0)
    transferred = models.BooleanField(default=False)
    callback = models.BooleanField(default=False)

    class Meta:
        ordering = ["entered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "seq"], name="visit_seq_once_per_call")]
        indexes = [
            models.Index(fields=["queue", "entered_at"], name="visit_queue_time"),
            models.Index(fields=["center", "entered_at"], name="visit_center_time"),
            models.Index(fields=["municipality", "entered_at"], name="visit_municipality_time"),
            models.Index(fields=["queue", "outcome"], condition=Q(outcome="waiting"), name="visit_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}#{self.seq} {self.outcome}"
