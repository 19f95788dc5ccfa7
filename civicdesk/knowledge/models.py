"""The knowledge base's rows: articles (shared by a centre's municipalities, or a local variant for one),
their versions, the incident list with its updates, synonyms a municipality maintains, and what searchers
tell us (answers that helped or not, searches that found nothing good)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.organisations.models import Municipality, ServiceCenter, Team, Topic, slug_validator


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    SWEDISH = "sv", _("Swedish")
    BOKMAL = "nb", _("Norwegian Bokmål")
    NYNORSK = "nn", _("Norwegian Nynorsk")
    ENGLISH = "en", _("English")


class Audience(models.TextChoices):
    """Who may read it: everyone, the municipality's own staff and employees, or the centre's agents."""

    PUBLIC = "public", _("Everyone")
    INTERNAL = "internal", _("Staff and employees")
    AGENTS = "agents", _("Agents only")


class ScopedRow(models.Model):
    """Shared by every municipality a centre serves (``municipality`` empty), or one municipality's own."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("centre"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: shared by every municipality the centre serves."),
    )

    class Meta:
        abstract = True
        constraints = []

    @property
    def is_shared(self) -> bool:
        return self.municipality_id is None


def _scoped(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(center__isnull=False) | Q(municipality__isnull=False), name=f"{name}_has_a_scope"
    )


class Article(ScopedRow):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("short name"), max_length=80, validators=[slug_validator])
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"), help_text=_("Markdown: **bold**, lists, links, tables."))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="+")
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    variant_of = models.ForeignKey(
        "self",
        verbose_name=_("local variant of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variants",
        help_text=_("The shared article this municipality answers differently."),
    )
    owner_team = models.ForeignKey(
        Team, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_at = models.DateField(_("review by"), null=True, blank=True)
    review_reminded_for = models.DateField(
        null=True, blank=True, editable=False, help_text="The review date its keepers were last reminded of."
    )
    related = models.ManyToManyField("self", verbose_name=_("related articles"), blank=True, symmetrical=True)
    links = models.JSONField(
        _("forms and bookings"), default=list, blank=True, help_text=_("Links to forms and booking types.")
    )
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            _scoped("article"),
            models.UniqueConstraint(
                fields=["center", "slug"], condition=Q(municipality__isnull=True), name="article_slug_shared"
            ),
            models.UniqueConstraint(
                fields=["municipality", "slug"], condition=Q(municipality__isnull=False), name="article_slug_local"
            ),
        ]
        indexes = [models.Index(fields=["status", "review_at"], name="article_review")]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """What an article said at one version, who made it and when: for the diff and for restoring."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    language = models.CharField(max_length=2)
    audience = models.CharField(max_length=8)
    status = models.CharField(max_length=10)
    topic_keys = models.JSONField(default=list)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="article_version_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version}"


class Incident(ScopedRow):
    """Something going on now that callers will ask about: a water outage, a closed road, a storm."""

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    title = models.CharField(_("title"), max_length=200)
    public_message = models.TextField(_("message to the public"), blank=True)
    agent_script = models.TextField(_("what agents say"), blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MINOR)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("affected municipalities"), blank=True, related_name="+"
    )
    areas = models.CharField(_("areas"), max_length=400, blank=True, help_text=_("Places or postcodes affected."))
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="+")
    starts_at = models.DateTimeField(_("started"))
    expected_end_at = models.DateTimeField(_("expected to end"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [_scoped("incident")]
        indexes = [models.Index(fields=["resolved_at", "starts_at"], name="incident_active")]

    def __str__(self) -> str:
        return self.title


class IncidentUpdate(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    public_message = models.TextField(_("message to the public"), blank=True)
    agent_note = models.TextField(_("note for agents"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%Y-%m-%d %H:%M}"


class SynonymGroup(ScopedRow):
    """Words a municipality's people use for the same thing: "storskrald = grovaffald = storaffald"."""

    terms = models.CharField(_("words that mean the same"), max_length=400)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonyms")
        verbose_name_plural = _("synonyms")
        constraints = [_scoped("synonym_group")]

    def __str__(self) -> str:
        return self.terms


class AnswerFeedback(models.Model):
    """A reader said whether an article answered their question."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    helped = models.BooleanField()
    query = models.CharField(max_length=200, blank=True)
    from_agent = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["article", "at"], name="feedback_article")]

    def __str__(self) -> str:
        return f"{self.article_id} {'helped' if self.helped else 'did not help'}"


class SearchMiss(models.Model):
    """A search without a good hit: what to write next, or what to make clearer on the website."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    query = models.CharField(max_length=200)
    language = models.CharField(max_length=2, blank=True)
    from_agent = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "at"], name="search_miss_recent")]

    def __str__(self) -> str:
        return self.query


class SearchEntry(models.Model):
    """An article or an incident as the search finds it: the analyser's terms (one store for PostgreSQL's
    full-text index and SQLite's FTS5, see ``store``), its scope and audience, and what a hit shows."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="search_entry"
    )
    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="search_entry"
    )
    center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    language = models.CharField(max_length=2)
    audience = models.CharField(max_length=8)
    is_live = models.BooleanField(default=True, help_text="Published article, or incident going on.")
    variant_of = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="Plain text, for snippets.")
    terms = models.TextField(help_text="The analysed terms, space-separated.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, incident__isnull=True)
                | Q(article__isnull=True, incident__isnull=False),
                name="search_entry_of_an_article_or_an_incident",
            )
        ]
        indexes = [models.Index(fields=["municipality", "center", "is_live"], name="search_entry_scope")]

    def __str__(self) -> str:
        return self.title


class SearchTerm(models.Model):
    """A term the search index holds and in how many entries: how rare a question's word is (a word in most
    entries decides nothing), and the words a typo is corrected to."""

    term = models.CharField(max_length=60, unique=True)
    length = models.PositiveSmallIntegerField()
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["length", "term"], name="search_term_by_length")]

    def __str__(self) -> str:
        return self.term
