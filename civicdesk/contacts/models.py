"""The contact log and the people behind it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.organisations.models import Municipality, ServiceCenter, Team, Topic


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("E-mail")
    WEB_CHAT = "web_chat", _("Web chat")
    WEB_FORM = "web_form", _("Web form")
    LETTER = "letter", _("Letter")
    INTERNAL = "internal", _("Internal")


class CallerKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business")
    EMPLOYEE = "employee", _("Municipal employee")
    AUTHORITY = "authority", _("Other authority")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    OPEN = "open", _("Still open")
    RESOLVED = "resolved", _("Resolved in the first line")
    FORWARDED = "forwarded", _("Forwarded")
    CASE_CREATED = "case_created", _("Case created")
    MEETING_BOOKED = "meeting_booked", _("Meeting booked")
    REFERRED = "referred", _("Referred elsewhere")


class ContactLanguage(models.TextChoices):
    """Languages contacts are held in at Nordic municipalities (Örebro answers in 17+, sign language included)."""

    DANISH = "da", _("Danish")
    SWEDISH = "sv", _("Swedish")
    NORWEGIAN_BOKMAL = "nb", _("Norwegian Bokmål")
    NORWEGIAN_NYNORSK = "nn", _("Norwegian Nynorsk")
    ENGLISH = "en", _("English")
    FINNISH = "fi", _("Finnish")
    NORTHERN_SAMI = "se", _("Northern Sami")
    GERMAN = "de", _("German")
    POLISH = "pl", _("Polish")
    LITHUANIAN = "lt", _("Lithuanian")
    UKRAINIAN = "uk", _("Ukrainian")
    RUSSIAN = "ru", _("Russian")
    ARABIC = "ar", _("Arabic")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    PERSIAN = "fa", _("Persian")
    DARI = "prs", _("Dari")
    KURDISH = "ku", _("Kurdish")
    TURKISH = "tr", _("Turkish")
    BOSNIAN_CROATIAN_SERBIAN = "sh", _("Bosnian/Croatian/Serbian")
    SPANISH = "es", _("Spanish")
    FRENCH = "fr", _("French")
    THAI = "th", _("Thai")
    DANISH_SIGN = "dsl", _("Danish Sign Language")
    SWEDISH_SIGN = "swl", _("Swedish Sign Language")
    NORWEGIAN_SIGN = "nsl", _("Norwegian Sign Language")
    OTHER = "other", _("Other language")


class Person(models.Model):
    """Someone who contacted a municipality, known only as far as the matter needs: a name and ways to reach
    them, and a national identity number only when it was given and needed. Lists show it masked; reading it
    in full is audited."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    national_id = models.CharField(_("national identity number"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "national_id"],
                condition=~Q(national_id=""),
                name="person_national_id_once_per_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.phone or self.email or f"#{self.pk}"


class Contact(models.Model):
    """One inquiry on one channel: who asked (as far as known), for which municipality, about what, in which
    language, who handled it and how it ended."""

    # Indexes: the contact log is the table written most, so each index is one the lists need; those on
    # columns that are mostly empty are partial (see Meta), and the municipality is led by its time index.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="contacts", db_index=False)
    center = models.ForeignKey(
        ServiceCenter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    caller_kind = models.CharField(_("caller"), max_length=12, choices=CallerKind.choices, default=CallerKind.CITIZEN)
    language = models.CharField(
        _("language"), max_length=6, choices=ContactLanguage.choices, default=ContactLanguage.NORWEGIAN_BOKMAL
    )
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="contacts", blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    forwarded_to_team = models.ForeignKey(
        Team,
        verbose_name=_("forwarded to team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    forwarded_to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts", db_index=False
    )
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=120, blank=True, help_text=_("The call or message id in the system it came from.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["municipality", "-started_at"], name="contact_municipality_time"),
            models.Index(fields=["caller_phone"], condition=~Q(caller_phone=""), name="contact_caller_phone"),
            models.Index(fields=["person"], condition=Q(person__isnull=False), name="contact_person"),
            models.Index(fields=["handled_by"], condition=Q(handled_by__isnull=False), name="contact_handled_by"),
            models.Index(fields=["center"], condition=Q(center__isnull=False), name="contact_center"),
            models.Index(
                fields=["forwarded_to_team"],
                condition=Q(forwarded_to_team__isnull=False),
                name="contact_forwarded_team",
            ),
            models.Index(
                fields=["forwarded_to_person"],
                condition=Q(forwarded_to_person__isnull=False),
                name="contact_forwarded_person",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "channel", "external_id"],
                condition=~Q(external_id=""),
                name="contact_external_id_once",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="contact_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{Channel(self.channel).label} {self.started_at:%Y-%m-%d %H:%M}"
