"""Importing and exporting a centre's knowledge base: records read from a folder of Markdown files or from JSON
Lines (``formats``) become articles, and articles become records again.

An import is all or nothing unless asked otherwise: any problem, found while reading the files or while matching a
row's municipality and topics, means nothing is written and every problem is reported, so whoever prepared the
file fixes them all in one go. With ``only_valid`` the rows without problems go in and the others are reported.

Rows are matched to articles by slug within their scope (shared by the centre, or one municipality's own):
a known slug is updated in place through ``services.article_update`` (a new version only when something changed),
a new one is created through ``services.article_create``. Articles missing from the file are left alone, as is the
status of an article that exists already (an editor may have archived it on purpose).

A municipality's row whose slug is also a shared article of the centre is that municipality's local variant of it
(bulky waste is collected differently in Gulen): for Gulen's callers it answers instead of the shared one.

Topics are matched by key, among the shared topics and the row's municipality's own. A topic the taxonomy does not
know is created as a shared topic under a shared parent ``imported`` (made when missing), so a platform admin can
later move or merge it. The shared taxonomy is the platform admin's, so those topics are created as ``SYSTEM``: the
import itself is already authorised, and the audit trail names the import's actor on the ``knowledge.import``
event, which lists the topics it added."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from civicdesk.knowledge import services, store
from civicdesk.knowledge.formats import ArticleRecord, Problem, slug_from_name
from civicdesk.knowledge.models import Article
from civicdesk.lib.errors import DomainError, Forbidden
from civicdesk.organisations import access, audit
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM, Action, Actor
from civicdesk.organisations.models import Municipality, ServiceCenter, Topic

IMPORTED_TOPIC_KEY = "imported"
IMPORTED_TOPIC_NAMES = {"en": "Imported", "da": "Importeret", "sv": "Importerat", "nb": "Importert"}
TOPIC_NAME_LANGUAGES = ("en", "da", "sv", "nb")
TOPIC_NAME_MAX_LENGTH = 160


@dataclass
class ImportResult:
    """What an import did: how many articles were created, updated or already as the file says, the topics it
    added, and every problem. ``applied`` is false when problems stopped the whole import."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    topics_created: list[str] = field(default_factory=list)
    applied: bool = True
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class _Row:
    record: ArticleRecord
    municipality: Municipality | None
    topic_keys: list[tuple[str, str]]  # (key, the text in the file) of each topic, in the file's order


def _served(center: ServiceCenter) -> list[Municipality]:
    return list(Municipality.objects.filter(pk__in=access.current_member_ids([center.pk])).order_by("name"))


def _may_keep(actor: Actor, center: ServiceCenter, municipality: Municipality | None) -> bool:
    """May the actor add and change articles in this scope (the centre's shared ones, or one municipality's)?"""
    scope = Article(center=None, municipality=municipality) if municipality else Article(center=center)
    return access.can(actor, Action.CHANGE, scope)


def _require_import(actor: Actor, center: ServiceCenter, served: list[Municipality]) -> None:
    """Those who keep the centre's shared articles import into it; a municipality's admins may import rows of
    their own municipality. Anyone else is refused before a row is looked at."""
    access.require(actor, Action.VIEW, center)
    if not any(_may_keep(actor, center, scope) for scope in [None, *served]):
        raise Forbidden(_("You do not have permission to do that."))


def _municipality_lookup(served: list[Municipality]) -> dict[str, Municipality]:
    lookup = {}
    for municipality in served:
        lookup[municipality.name.casefold()] = municipality
        lookup[municipality.slug.casefold()] = municipality
    return lookup


def _resolve(
    actor: Actor, center: ServiceCenter, records: list[ArticleRecord], served: list[Municipality]
) -> tuple[list[_Row], list[Problem]]:
    """Each record's municipality and topic keys, or the problems that keep it out."""
    lookup = _municipality_lookup(served)
    served_names = ", ".join(m.name for m in served) or "–"
    rows, problems = [], []
    for record in records:
        found: list[str] = []
        municipality = None
        if record.municipality is not None:
            municipality = lookup.get(record.municipality.strip().casefold())
            if municipality is None:
                found.append(
                    _("municipality: “%(value)s” is not served by %(center)s (it serves %(served)s).")
                    % {"value": record.municipality, "center": center.name, "served": served_names}
                )
        if not found and not _may_keep(actor, center, municipality):
            if municipality is None:
                found.append(_("You may not keep the articles %(center)s shares.") % {"center": center.name})
            else:
                found.append(_("You may not keep the articles of %(m)s.") % {"m": municipality.name})
        topic_keys = []
        for text in record.topics:
            key = slug_from_name(text)
            if not key:
                found.append(_("topics: “%(topic)s” has no letters or digits to make a key of.") % {"topic": text})
            elif len(text) > TOPIC_NAME_MAX_LENGTH:
                found.append(_("topics: “%(topic)s…” is too long for a topic name.") % {"topic": text[:40]})
            else:
                topic_keys.append((key, text))
        if found:
            problems.extend(Problem(record.line_or_file, message) for message in found)
        else:
            rows.append(_Row(record, municipality, list(dict.fromkeys(topic_keys))))
    return rows, problems


class _Topics:
    """The topics rows name, found by key (the file's text as it is, or made into a key), or made under
    ``imported``."""

    def __init__(self):
        self.shared = {t.key: t for t in Topic.objects.filter(municipality__isnull=True)}
        self.local: dict[int, dict[str, Topic]] = {}
        self.created: list[str] = []

    def _own(self, municipality: Municipality) -> dict[str, Topic]:
        if municipality.pk not in self.local:
            self.local[municipality.pk] = {t.key: t for t in Topic.objects.filter(municipality=municipality)}
        return self.local[municipality.pk]

    def known(self, key: str, text: str, municipality: Municipality | None) -> Topic | None:
        own = self._own(municipality) if municipality else {}
        for candidate in (text, key):
            topic = own.get(candidate) or self.shared.get(candidate)
            if topic is not None:
                return topic
        return None

    def get_or_create(self, key: str, text: str, municipality: Municipality | None, language: str) -> Topic:
        topic = self.known(key, text, municipality)
        if topic is None:
            if IMPORTED_TOPIC_KEY not in self.shared:
                self.shared[IMPORTED_TOPIC_KEY] = organisation_services.topic_create(
                    actor=SYSTEM, municipality=None, key=IMPORTED_TOPIC_KEY, names=IMPORTED_TOPIC_NAMES
                )
            name_language = language if language in TOPIC_NAME_LANGUAGES else "en"
            topic = organisation_services.topic_create(
                actor=SYSTEM,
                municipality=None,
                key=key,
                names={name_language: text},
                parent_key=IMPORTED_TOPIC_KEY,
            )
            self.shared[key] = topic
            self.created.append(key)
        return topic


def _existing(center: ServiceCenter, rows: list[_Row]) -> dict[tuple[int | None, str], Article]:
    """The articles the rows may update, by (municipality id or None for shared, slug)."""
    slugs = {row.record.slug for row in rows}
    local_ids = {row.municipality.pk for row in rows if row.municipality}
    articles = Article.objects.filter(slug__in=slugs).filter(
        Q(municipality__isnull=True, center=center) | Q(municipality_id__in=local_ids)
    )
    return {(a.municipality_id, a.slug): a for a in articles.prefetch_related("topics")}


def _write(
    actor: Actor,
    center: ServiceCenter,
    row: _Row,
    article: Article | None,
    topics: list[Topic],
    publish: bool,
    shared: Article | None,
):
    """Create or update one row's article (a municipality's row with a shared article's slug as its local
    variant); returns "created", "updated" or "unchanged"."""
    record = row.record
    fields = {
        "title": record.title.strip(),
        "body": record.body.strip(),
        "language": record.language,
        "audience": record.audience,
    }
    if article is None:
        services.article_create(
            actor=actor,
            center=center,
            municipality=row.municipality,
            slug=record.slug,
            topics=topics,
            status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
            variant_of=shared if row.municipality else None,
            **fields,
        )
        return "created"
    same_fields = all(getattr(article, name) == value for name, value in fields.items())
    same_topics = {t.pk for t in topics} == {t.pk for t in article.topics.all()}
    if same_fields and same_topics:
        return "unchanged"
    services.article_update(actor=actor, article=article, note=_("Imported"), topics=topics, **fields)
    return "updated"


def _shared_of(center: ServiceCenter, row: _Row) -> Article | None:
    """The centre's shared article a municipality's row is a local variant of (same slug), if any."""
    if row.municipality is None:
        return None
    return Article.objects.filter(center=center, municipality__isnull=True, slug=row.record.slug).first()


def _write_rows(actor, center, rows, existing, topics: "_Topics", publish: bool, result: ImportResult) -> "_Topics":
    """Each row in its own savepoint: one that fails is listed and leaves nothing behind (nor its term counts)."""
    for row in sorted(rows, key=lambda row: row.municipality is not None):  # shared first: variants name them
        created_before = list(topics.created)
        try:
            with transaction.atomic(), store.counting_deferred():
                chosen = [
                    topics.get_or_create(key, text, row.municipality, row.record.language)
                    for key, text in row.topic_keys
                ]
                article = existing.get((getattr(row.municipality, "pk", None), row.record.slug))
                shared = _shared_of(center, row)
                outcome = _write(actor, center, row, article, chosen, publish, shared)
        except DomainError as error:
            topics = _Topics()  # a topic made for this row went with its savepoint
            topics.created = created_before
            result.problems.append(Problem(row.record.line_or_file, error.message))
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return topics


@transaction.atomic
def knowledge_import(
    *,
    actor: Actor,
    center: ServiceCenter,
    records: list[ArticleRecord],
    problems: list[Problem] = (),
    only_valid: bool = False,
    publish: bool = True,
    dry_run: bool = False,
) -> ImportResult:
    """Bring a file's articles into ``center``'s knowledge base, by slug within each article's scope. Any problem
    (``problems`` from reading the file, or one found here) means nothing is imported, unless ``only_valid``:
    then the rows without problems are. New articles are published unless ``publish`` is false. A ``dry_run``
    does everything (so it finds every problem and counts what would change) and then writes nothing."""
    served = _served(center)
    _require_import(actor, center, served)
    rows, found = _resolve(actor, center, records, served)
    result = ImportResult(problems=[*problems, *found], dry_run=dry_run)
    if result.problems and not only_valid:
        result.applied = False
        return result

    topics = _Topics()
    existing = _existing(center, rows)
    with store.counting_deferred():  # the term counts once for the whole file
        topics = _write_rows(actor, center, rows, existing, topics, publish, result)
    result.topics_created = topics.created

    if result.problems and not only_valid:
        transaction.set_rollback(True)
        return ImportResult(problems=result.problems, applied=False, dry_run=dry_run)
    if dry_run:
        transaction.set_rollback(True)
        result.applied = False
        return result
    audit.record(
        actor=actor,
        action="knowledge.import",
        obj=center,
        details={**result.counts, "problems": len(result.problems), "topics_created": result.topics_created},
    )
    return result


def knowledge_export(*, actor: Actor, center: ServiceCenter) -> list[ArticleRecord]:
    """Every article the actor may see that ``center`` shares or that is local to a municipality it serves, as
    records for ``formats`` to write; archived articles are left out, since an import would bring them back
    as published."""
    access.require(actor, Action.VIEW, center)
    served = access.current_member_ids([center.pk])
    articles = (
        access.visible(actor, Article.objects.all())
        .filter(access.owned_by(Article, served))
        .filter(Q(municipality__isnull=False) | Q(center=center))
        .exclude(status=Article.Status.ARCHIVED)
        .select_related("municipality")
        .prefetch_related("topics")
        .order_by(F("municipality__slug").asc(nulls_first=True), "slug")
    )
    return [
        ArticleRecord(
            slug=article.slug,
            title=article.title,
            body=article.body,
            language=article.language,
            topics=sorted(topic.key for topic in article.topics.all()),
            audience=article.audience,
            municipality=article.municipality.slug if article.municipality else None,
        )
        for article in articles
    ]
