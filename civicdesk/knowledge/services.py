"""Every write to the knowledge base and the incident list. Each checks access, validates, writes, leaves a
version where articles change, and audits, in one transaction."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicdesk.knowledge import store
from civicdesk.knowledge.formats import slug_from_name
from civicdesk.knowledge.models import (
    AnswerFeedback,
    Article,
    ArticleVersion,
    Audience,
    Incident,
    IncidentUpdate,
    Language,
    SearchMiss,
    SynonymGroup,
)
from civicdesk.lib.errors import Invalid, NotFound, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, Role, ServiceCenter, Team, Topic, User
from civicdesk.organisations.services.notifications import notify

ARTICLE_FIELDS = ("title", "body", "language", "audience", "owner_team", "owner_person", "review_at", "links")


@transaction.atomic
def article_create(
    *,
    actor: Actor,
    title: str,
    body: str,
    language: str,
    center: ServiceCenter | None = None,
    municipality: Municipality | None = None,
    slug: str = "",
    topics: list[Topic] = (),
    audience: str = Audience.PUBLIC,
    status: str = Article.Status.DRAFT,
    variant_of: Article | None = None,
    owner_team: Team | None = None,
    owner_person: User | None = None,
    review_at: date | None = None,
    links: list[dict] = (),
) -> Article:
    """An article shared by ``center`` (every municipality it serves) or local to ``municipality``. A local
    variant names the shared article it answers differently; for that municipality it wins."""
    if municipality is not None:
        center = None
    access.require_add_scoped(actor, Article, center=center, municipality=municipality)
    if variant_of is not None:
        _variant_check(variant_of, municipality)
    article = Article(
        center=center,
        municipality=municipality,
        slug=(slug or slug_from_name(title))[:80],
        title=title.strip(),
        body=body.strip(),
        language=language,
        audience=audience,
        status=status,
        variant_of=variant_of,
        owner_team=owner_team,
        owner_person=owner_person,
        review_at=review_at,
        links=list(links),
        published_at=timezone.now() if status == Article.Status.PUBLISHED else None,
    )
    _article_check(article)
    article.save()
    article.topics.set(_topics_check(topics, municipality))
    _version_record(actor, article, _("Created"))
    store.index_article(article)
    audit.record(actor=actor, action="article.create", obj=article, details={"slug": article.slug})
    return article


@transaction.atomic
def article_update(*, actor: Actor, article: Article, note: str = "", topics: list[Topic] | None = None, **changes):
    """Change an article's text or settings (``ARTICLE_FIELDS``); each change is a new version."""
    access.require(actor, Action.CHANGE, article)
    unknown = set(changes) - set(ARTICLE_FIELDS)
    if unknown:
        raise Invalid(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    changed = [name for name, value in changes.items() if getattr(article, name) != value]
    for name in changed:
        setattr(article, name, changes[name])
    if topics is not None:
        chosen = _topics_check(topics, article.municipality)
        if {t.pk for t in chosen} != set(article.topics.values_list("pk", flat=True)):
            article.topics.set(chosen)
            changed.append("topics")
    if not changed:
        return article
    _article_check(article)
    article.version += 1
    article.save()
    _version_record(actor, article, note or _("Changed: %(fields)s") % {"fields": ", ".join(changed)})
    store.index_article(article)
    audit.record(actor=actor, action="article.update", obj=article, details={"fields": changed})
    return article


@transaction.atomic
def article_status_set(*, actor: Actor, article: Article, status: str, note: str = "") -> Article:
    """Draft → in review → published → archived, in any order an editor needs; publishing stamps the time."""
    access.require(actor, Action.CHANGE, article)
    if status not in Article.Status.values:
        raise Invalid(_("Choose a status."), field="status")
    if status == article.status:
        return article
    article.status = status
    if status == Article.Status.PUBLISHED:
        article.published_at = timezone.now()
    article.version += 1
    article.save(update_fields=["status", "published_at", "version", "updated_at"])
    _version_record(actor, article, note or Article.Status(status).label)
    store.index_article(article)
    audit.record(actor=actor, action="article.status", obj=article, details={"status": status})
    return article


@transaction.atomic
def article_restore(*, actor: Actor, article: Article, version: int) -> Article:
    """Bring back what an earlier version said, as a new version (nothing in the history is lost)."""
    access.require(actor, Action.CHANGE, article)
    old = ArticleVersion.objects.filter(article=article, version=version).first()
    if old is None:
        raise NotFound(_("There is no version %(version)s.") % {"version": version})
    article.title, article.body, article.language, article.audience = old.title, old.body, old.language, old.audience
    article.topics.set(Topic.objects.filter(key__in=old.topic_keys).filter(_topic_scope(article.municipality)))
    article.version += 1
    article.save()
    _version_record(actor, article, _("Restored version %(version)s") % {"version": version})
    store.index_article(article)
    audit.record(actor=actor, action="article.restore", obj=article, details={"version": version})
    return article


def _variant_check(shared: Article, municipality: Municipality | None) -> None:
    if municipality is None or not shared.is_shared:
        raise Invalid(
            _("A local variant belongs to one municipality and answers a shared article."), field="variant_of"
        )
    if municipality.pk not in access.current_member_ids([shared.center_id]):
        raise Invalid(
            _("That shared article is from a centre that does not serve this municipality."), field="variant_of"
        )


def _article_check(article: Article) -> None:
    if not article.title or not article.body:
        raise Invalid(_("An article needs a title and an answer."), field="title" if not article.title else "body")
    if article.language not in Language.values:
        raise Invalid(_("Choose the article's language."), field="language")
    clean(article, exclude=["center", "municipality", "variant_of", "owner_team", "owner_person"])
    same_slug = Article.objects.filter(slug=article.slug).exclude(pk=article.pk)
    if article.municipality_id:
        same_slug = same_slug.filter(municipality_id=article.municipality_id)
    else:
        same_slug = same_slug.filter(municipality__isnull=True, center_id=article.center_id)
    if same_slug.exists():
        raise Invalid(
            _("Another article here already has the short name %(slug)s.") % {"slug": article.slug}, field="slug"
        )


def _topic_scope(municipality: Municipality | None) -> Q:
    return Q(municipality__isnull=True) | Q(municipality=municipality) if municipality else Q(municipality__isnull=True)


def _topics_check(topics, municipality: Municipality | None) -> list[Topic]:
    chosen = list(topics)
    for topic in chosen:
        if topic.municipality_id not in (None, getattr(municipality, "pk", None)):
            raise Invalid(_("The topic %(topic)s belongs to another municipality.") % {"topic": topic}, field="topics")
    return chosen


def _version_record(actor: Actor, article: Article, note: str) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        version=article.version,
        title=article.title,
        body=article.body,
        language=article.language,
        audience=article.audience,
        status=article.status,
        topic_keys=sorted(article.topics.values_list("key", flat=True)),
        note=note[:200],
        changed_by=actor if isinstance(actor, User) else None,
    )


# --- Incidents ----------------------------------------------------------------------------------------------


@transaction.atomic
def incident_raise(
    *,
    actor: Actor,
    title: str,
    municipalities: list[Municipality],
    center: ServiceCenter | None = None,
    public_message: str = "",
    agent_script: str = "",
    severity: str = Incident.Severity.MINOR,
    topics: list[Topic] = (),
    areas: str = "",
    is_public: bool = True,
    starts_at: datetime | None = None,
    expected_end_at: datetime | None = None,
) -> Incident:
    """Something is going on that callers will ask about. One affected municipality: it is that
    municipality's incident; several: the centre's that serves them all (its supervisors raise those)."""
    if not municipalities:
        raise Invalid(_("Choose the municipalities affected."), field="municipalities")
    local = municipalities[0] if len(municipalities) == 1 and center is None else None
    if local is None:
        if center is None:
            raise Invalid(_("Choose the centre that serves these municipalities."), field="center")
        outside = [m for m in municipalities if m.pk not in access.current_member_ids([center.pk])]
        if outside:
            names = ", ".join(m.name for m in outside)
            raise Invalid(
                _("%(names)s is not served by %(center)s.") % {"names": names, "center": center}, field="center"
            )
    access.require_add_scoped(actor, Incident, center=None if local else center, municipality=local)
    starts_at = starts_at or timezone.now()
    if expected_end_at is not None and expected_end_at <= starts_at:
        raise Invalid(_("The expected end must come after the start."), field="expected_end_at")
    incident = Incident(
        center=None if local else center,
        municipality=local,
        title=title.strip(),
        public_message=public_message.strip(),
        agent_script=agent_script.strip(),
        severity=severity,
        areas=areas.strip(),
        is_public=is_public,
        starts_at=starts_at,
        expected_end_at=expected_end_at,
        created_by=actor if isinstance(actor, User) else None,
    )
    if not incident.title:
        raise Invalid(_("Give the incident a title."), field="title")
    clean(incident, exclude=["center", "municipality", "created_by"])
    incident.save()
    incident.municipalities.set(municipalities)
    incident.topics.set(topics)
    store.index_incident(incident, municipalities[0].language)
    audit.record(actor=actor, action="incident.raise", obj=incident, details={"severity": severity})
    return incident


def _incident_language(incident: Incident) -> str:
    first = incident.municipality or incident.municipalities.order_by("pk").first()
    return first.language if first else Language.BOKMAL


@transaction.atomic
def incident_update(
    *, actor: Actor, incident: Incident, public_message: str = "", agent_note: str = ""
) -> IncidentUpdate:
    """News on an incident: the public message (which replaces the current one) and/or a note for agents."""
    access.require(actor, Action.CHANGE, incident)
    if not public_message.strip() and not agent_note.strip():
        raise Invalid(_("Write what is new."), field="public_message")
    if incident.resolved_at is not None:
        raise Invalid(_("The incident is resolved."), field="public_message")
    update = IncidentUpdate.objects.create(
        incident=incident,
        public_message=public_message.strip(),
        agent_note=agent_note.strip(),
        by=actor if isinstance(actor, User) else None,
    )
    if public_message.strip():
        incident.public_message = public_message.strip()
        incident.save(update_fields=["public_message", "updated_at"])
        store.index_incident(incident, _incident_language(incident))
    audit.record(actor=actor, action="incident.update", obj=incident)
    return update


@transaction.atomic
def incident_resolve(*, actor: Actor, incident: Incident, public_message: str = "") -> Incident:
    access.require(actor, Action.CHANGE, incident)
    if incident.resolved_at is None:
        incident.resolved_at = timezone.now()
        if public_message.strip():
            incident.public_message = public_message.strip()
        incident.save(update_fields=["resolved_at", "public_message", "updated_at"])
        store.index_incident(incident, _incident_language(incident))
        audit.record(actor=actor, action="incident.resolve", obj=incident)
    return incident


# --- What readers tell us ------------------------------------------------------------------------------------


@transaction.atomic
def answer_feedback_give(
    *, actor: Actor, article: Article, helped: bool, municipality: Municipality | None = None, query: str = ""
) -> AnswerFeedback:
    """A reader (an agent on a call, or a citizen on the portal) says whether the article answered them."""
    access.require(actor, Action.VIEW, article)
    if municipality is not None:
        access.require(actor, Action.VIEW, municipality)
    return AnswerFeedback.objects.create(
        article=article,
        municipality=municipality or article.municipality,
        helped=helped,
        query=query.strip()[:200],
        from_agent=access.is_staff_actor(actor),
    )


def search_miss_record(
    *,
    actor: Actor,
    query: str,
    municipality: Municipality | None = None,
    topic: Topic | None = None,
    language: str = "",
) -> SearchMiss | None:
    """A search found nothing good: kept per municipality and topic for the "missing knowledge" list.
    Empty questions are not worth keeping."""
    query = " ".join(query.split())[:200]
    if not query:
        return None
    return SearchMiss.objects.create(
        municipality=municipality,
        topic=topic,
        query=query,
        language=language[:2],
        from_agent=access.is_staff_actor(actor),
    )


@transaction.atomic
def synonyms_set(
    *, actor: Actor, terms: str, center: ServiceCenter | None = None, municipality: Municipality | None = None
) -> SynonymGroup:
    """Words a municipality's people use for the same thing, written ``storskrald = grovaffald = storaffald``."""
    access.require_add_scoped(actor, SynonymGroup, center=center, municipality=municipality)
    words = [word.strip() for word in terms.replace(",", "=").split("=") if word.strip()]
    if len(words) < 2:
        raise Invalid(_("Write at least two words that mean the same, separated by =."), field="terms")
    group = SynonymGroup(
        center=None if municipality else center, municipality=municipality, terms=" = ".join(words)[:400]
    )
    group.save()
    audit.record(actor=actor, action="synonyms.set", obj=group, details={"terms": group.terms})
    return group


# --- Editing pages: what an article's form sets beside its text ---------------------------------------------


@transaction.atomic
def synonyms_delete(*, actor: Actor, group: SynonymGroup) -> None:
    """Those who keep a scope's synonyms (the centre's supervisors, the municipality's admins) may remove them."""
    access.require(actor, Action.CHANGE, group)
    audit.record(actor=actor, action="synonyms.delete", obj=group, details={"terms": group.terms})
    group.delete()


@transaction.atomic
def article_related_set(*, actor: Actor, article: Article, related: list[Article]) -> Article:
    """Related articles are ones a reader of this article may also be shown: the centre's shared articles, or
    the same municipality's own (never another municipality's). The link goes both ways."""
    access.require(actor, Action.CHANGE, article)
    chosen = {other.pk: other for other in related if other.pk != article.pk}
    owners = access.owner_ids(article)
    for other in chosen.values():
        access.require(actor, Action.VIEW, other)
        if not other.is_shared and other.municipality_id != article.municipality_id:
            raise Invalid(
                _("%(title)s is another municipality's own article.") % {"title": other.title}, field="related"
            )
        if other.is_shared and not owners & access.current_member_ids([other.center_id]):
            raise Invalid(
                _("%(title)s is shared by a centre that does not serve this article's readers.")
                % {"title": other.title},
                field="related",
            )
    before = set(article.related.values_list("pk", flat=True))
    if before == set(chosen):
        return article
    article.related.set(list(chosen.values()))
    audit.record(actor=actor, action="article.related", obj=article, details={"related": sorted(chosen)})
    return article


@transaction.atomic
def article_variant_set(*, actor: Actor, article: Article, variant_of: Article | None) -> Article:
    """A municipality's article may be (or stop being) its local variant of a shared article of its centre."""
    access.require(actor, Action.CHANGE, article)
    if variant_of is not None:
        _variant_check(variant_of, article.municipality)
    if article.variant_of_id == getattr(variant_of, "pk", None):
        return article
    article.variant_of = variant_of
    article.save(update_fields=["variant_of", "updated_at"])
    store.index_article(article)
    audit.record(
        actor=actor, action="article.variant", obj=article, details={"variant_of": getattr(variant_of, "pk", None)}
    )
    return article


@transaction.atomic
def article_slug_set(*, actor: Actor, article: Article, slug: str) -> Article:
    """A new short name (the article's address on the help pages), unique in the article's scope; empty keeps
    the one it has."""
    access.require(actor, Action.CHANGE, article)
    slug = slug.strip()
    if not slug or slug == article.slug:
        return article
    before = article.slug
    article.slug = slug
    _article_check(article)
    article.save(update_fields=["slug", "updated_at"])
    audit.record(actor=actor, action="article.slug", obj=article, details={"from": before, "to": slug})
    return article


# --- Reviews ----------------------------------------------------------------------------------------------------

REVIEW_NOTICE_DAYS = 14


@transaction.atomic
def review_reminders_send(*, actor: Actor, today: date | None = None) -> int:
    """Tell the keepers of each published article due for review within ``REVIEW_NOTICE_DAYS`` (or overdue),
    once per review date: its owner, else its owning team's caseworkers, else those who keep its scope (the
    centre's supervisors for a shared article, the municipality's admins for a local one)."""
    access.require_platform_admin(actor)
    today = today or timezone.localdate()
    due = (
        Article.objects.filter(status=Article.Status.PUBLISHED, review_at__lte=today + timedelta(REVIEW_NOTICE_DAYS))
        .exclude(review_reminded_for=F("review_at"))
        .select_related("owner_person", "owner_team", "center", "municipality")
    )
    reminded = 0
    for article in due.select_for_update(of=("self",)):
        url = reverse("knowledge:article_detail", args=[article.pk])
        for user in _keepers(article):
            language = user.language or (article.municipality.language if article.municipality else "")
            with translation.override(language or settings.LANGUAGE_CODE):
                text = _("“%(title)s” is due for review by %(date)s.") % {
                    "title": article.title,
                    "date": date_format(article.review_at, "SHORT_DATE_FORMAT"),
                }
                notify(user=user, text=text, url=url, email_subject=_("An article is due for review"))
        article.review_reminded_for = article.review_at
        article.save(update_fields=["review_reminded_for"])
        reminded += 1
    return reminded


def _keepers(article: Article) -> list[User]:
    staff = User.objects.filter(is_active=True, kind=User.Kind.STAFF)
    if article.owner_person_id and article.owner_person.is_active:
        return [article.owner_person]
    if article.owner_team_id:
        members = list(
            staff.filter(roles__role=Role.CASEWORKER, roles__team=article.owner_team).distinct().order_by("pk")
        )
        if members:
            return members
    if article.municipality_id:
        keepers = staff.filter(roles__role=Role.MUNICIPALITY_ADMIN, roles__municipality=article.municipality_id)
    else:
        keepers = staff.filter(roles__role=Role.SUPERVISOR, roles__center=article.center_id)
    return list(keepers.distinct().order_by("pk"))
