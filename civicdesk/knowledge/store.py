"""The search store: each article and incident as the analyser's terms in ``SearchEntry``, found through the
engine's own full-text index over those terms — SQLite FTS5, PostgreSQL's ``simple`` configuration — and
ranked here, in Python, so both engines give the same answer.

Matching: a question is a list of words, each with alternative terms (its stems in several languages,
compound parts, concepts, a municipality's synonyms). ``SearchTerm`` counts the entries each term is in, which
decides three things the same way on both engines:

- a word none of whose terms the index holds is a typo: the indexed words within one letter (two from eight
  letters on) that begin like it and have about its length stand in for it (edit distance from ``rapidfuzz``);
  PostgreSQL's ``pg_trgm`` and FTS5's trigrams would each find other candidates, so neither is used;
- the entries having a term of every word are the candidates; when they are too few,
- those having a term of one of the rarer words are, the rarest first, as long as together they are in at most
  ``FALLBACK_ENTRIES`` entries by the counts: a word in thousands of entries ("time", "come") finds nothing worth
  reading, and matching it would read much of the index.

The engine returns the candidates in the searcher's scope (a condition in the same statement), at most ``POOL``
by its own rank (only there do the engines differ, and only when more than ``POOL`` match), and ``rank`` orders
them by how well, the same way on both.
"""

import math
import threading
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from civicdesk.knowledge.analysis import Analyzer, QueryWord, analyse_document, language_code
from civicdesk.knowledge.markdown import plain_text
from civicdesk.knowledge.models import Article, Incident, SearchEntry, SearchTerm, SynonymGroup
from civicdesk.lib.memo import Memo
from civicdesk.organisations import access

POOL = 200
TITLE_WEIGHT = 3  # a title's terms are indexed this many times
FALLBACK_ENTRIES = 1500  # the any-word fallback reads about this many entries at most (by the term counts)
TYPO_SHORTEST = 4  # letters in the shortest word whose typos are corrected
TERM_LONGEST = 60
CHUNK = 500  # terms per statement (SQLite's variable limit)

SYNONYMS = Memo("knowledge-synonyms")


# --- Writing --------------------------------------------------------------------------------------------------


def index_article(article: Article, *, count: bool = True) -> SearchEntry:
    """The article's entry, written again from what it says now."""
    text = plain_text(article.body)
    return _save(
        {"article": article},
        count,
        center_id=article.center_id,
        municipality_id=article.municipality_id,
        language=article.language,
        audience=article.audience,
        is_live=article.status == Article.Status.PUBLISHED,
        variant_of_id=article.variant_of_id,
        title=article.title,
        text=text,
        terms=_terms(article.title, text, article.language),
    )


def index_incident(incident: Incident, language: str, *, count: bool = True) -> SearchEntry:
    text = "\n".join(part for part in (incident.public_message, incident.agent_script, incident.areas) if part)
    return _save(
        {"incident": incident},
        count,
        center_id=incident.center_id,
        municipality_id=incident.municipality_id,
        language=language,
        audience="public" if incident.is_public else "internal",
        is_live=incident.resolved_at is None,
        variant_of_id=None,
        title=incident.title,
        text=text,
        terms=_terms(incident.title, text, language),
    )


def _terms(title: str, text: str, language: str) -> str:
    return " ".join(analyse_document(title, language) * TITLE_WEIGHT + analyse_document(text, language))


def _save(owner: dict, count: bool, **values) -> SearchEntry:
    if not count:
        return SearchEntry.objects.update_or_create(**owner, defaults=values)[0]
    before = SearchEntry.objects.filter(**owner).values_list("terms", flat=True).first() or ""
    entry, _created = SearchEntry.objects.update_or_create(**owner, defaults=values)
    _count(set(before.split()), set(values["terms"].split()))
    return entry


def entry_removed(entry: SearchEntry) -> None:
    """An entry went (its article was deleted): its terms are in one entry fewer."""
    _count(set(entry.terms.split()), set())


_deferred = threading.local()


@contextmanager
def counting_deferred():
    """Term counts of the entries written inside, applied once at the end: an import of thousands of articles
    in one transaction would otherwise update each common term's row thousands of times, and PostgreSQL keeps a
    row version for each until the transaction ends. Nested, an inner one hands its counts to the outer one
    when it ends normally and drops them when it ends in an exception (its savepoint rolled back)."""
    stack = _deferred.__dict__.setdefault("stack", [])
    stack.append(Counter())
    try:
        yield
    except BaseException:
        stack.pop()
        raise
    changes = stack.pop()
    if stack:
        stack[-1].update(changes)
    else:
        _apply(changes)


def _count(before: set[str], after: set[str]) -> None:
    changes = Counter({term: 1 for term in after - before if len(term) <= TERM_LONGEST})
    changes.subtract({term: 1 for term in before - after})
    stack = getattr(_deferred, "stack", None)
    if stack:
        stack[-1].update(changes)
    else:
        _apply(changes)


def _apply(changes: Counter) -> None:
    """Add each change to its term's count (new terms made), one statement per chunk of terms changed alike."""
    by_change: dict[int, list[str]] = {}
    for term, change in changes.items():
        if change:
            by_change.setdefault(change, []).append(term)
    for change, terms in sorted(by_change.items()):
        for chunk in _chunks(sorted(terms)):
            if change > 0:
                known = set(SearchTerm.objects.filter(term__in=chunk).values_list("term", flat=True))
                SearchTerm.objects.bulk_create(
                    [SearchTerm(term=term, length=len(term)) for term in chunk if term not in known],
                    ignore_conflicts=True,
                )
            SearchTerm.objects.filter(term__in=chunk).update(entries=Greatest(F("entries") + change, Value(0)))


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def reindex() -> int:
    """Every entry analysed again and the term counts made anew (after the analyser or its lexicon changed)."""
    count = 0
    for article in Article.objects.iterator():
        index_article(article, count=False)
        count += 1
    for incident in Incident.objects.prefetch_related("municipalities").iterator(chunk_size=200):
        first = incident.municipality or min(incident.municipalities.all(), key=lambda m: m.pk, default=None)
        index_incident(incident, first.language if first else "nb", count=False)
        count += 1
    # Counted here in one pass: one row updated once per entry would leave PostgreSQL a row version each.
    counts: Counter = Counter()
    for terms in SearchEntry.objects.values_list("terms", flat=True).iterator(chunk_size=1000):
        counts.update(set(terms.split()))
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=t, length=len(t), entries=n) for t, n in counts.items() if len(t) <= TERM_LONGEST],
        batch_size=2000,
    )
    return count


# --- The analyser a municipality's questions go through ----------------------------------------------------------


def analyzer_for(municipality_id: int | None) -> Analyzer:
    """The analyser with the synonyms a municipality keeps and those its centres share."""
    if municipality_id is None:
        return _plain_analyzer()

    def load() -> Analyzer:
        centers = access.centers_serving_ids([municipality_id])
        groups = SynonymGroup.objects.filter(municipality_id=municipality_id) | SynonymGroup.objects.filter(
            municipality__isnull=True, center_id__in=centers
        )
        return Analyzer(synonyms=[group.split(" = ") for group in groups.values_list("terms", flat=True)])

    return SYNONYMS.get(municipality_id, load)


@cache
def _plain_analyzer() -> Analyzer:
    return Analyzer()


def synonyms_changed() -> None:
    SYNONYMS.bump()


# --- Finding ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A question as the store searches it: its words (typos corrected) and the words to mark in snippets."""

    words: list[QueryWord]
    marked: list[str]
    corrected: dict[str, str]  # word as typed → the indexed word it was taken for


def question(text: str, language: str, analyzer: Analyzer) -> Question:
    words = analyzer.query(text, language_code(language))
    counts = frequencies({term for word in words for term in word.terms})
    corrected: dict[str, str] = {}
    out = []
    for word in words:
        if any(counts.get(term) for term in word.terms) or len(word.word) < TYPO_SHORTEST or not word.word.isalpha():
            out.append(word)
            continue
        stand_in = _nearest(word.word)
        if stand_in is None:
            out.append(word)
            continue
        corrected[word.word] = stand_in
        extra = [term for found in analyzer.query(stand_in, language_code(language)) for term in found.terms]
        out.append(QueryWord(word.word, tuple(dict.fromkeys([stand_in, *extra, *word.terms]))))
    marked = [word.word for word in words] + list(corrected.values())
    return Question(out, marked, corrected)


def frequencies(terms: Iterable[str]) -> dict[str, int]:
    """In how many entries each of ``terms`` is (terms in none left out)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(terms)):
        found.update(SearchTerm.objects.filter(term__in=chunk, entries__gt=0).values_list("term", "entries"))
    return found


def _nearest(word: str) -> str | None:
    """The indexed word a typo was meant as: within one edit (two from eight letters), same first letter,
    the closest, then the most common."""
    limit = 1 if len(word) < 8 else 2
    first = word[0]
    rows = SearchTerm.objects.filter(
        length__gte=len(word) - limit,
        length__lte=len(word) + limit,
        term__gte=first,
        term__lt=chr(ord(first) + 1),
        entries__gt=0,
    ).values_list("term", "entries")
    choices = dict(rows)
    if not choices:
        return None
    near = process.extract(word, list(choices), scorer=Levenshtein.distance, score_cutoff=limit, limit=20)
    if not near:
        return None
    best = min(near, key=lambda found: (found[1], -choices[found[0]], found[0]))
    return best[0]


def candidates(words: list[QueryWord], entries: QuerySet, *, wanted: int) -> list[int]:
    """Ids of the ``entries`` (the searcher's scope) having a term of every word, or when fewer than ``wanted``
    also of the rarer words (see the module's docstring); at most ``POOL``."""
    alternatives = [sorted({term for term in word.terms if term.isalnum()}) for word in words]
    counts = frequencies({term for terms in alternatives for term in terms})
    known = [[term for term in terms if term in counts] for terms in alternatives]
    known = [terms for terms in known if terms]
    if not known:
        return []
    found = _match(known, entries, every_word=True)
    if len(found) >= wanted or len(known) == 1:
        return found
    spread = sorted((sum(counts[term] for term in terms), terms) for terms in known)
    rare, reach = [], 0
    for size, terms in spread:
        if rare and reach + size > FALLBACK_ENTRIES:
            break
        rare.append(terms)
        reach += size
    return found + [pk for pk in _match(rare, entries, every_word=False) if pk not in found][: POOL - len(found)]


def _match(alternatives: list[list[str]], entries: QuerySet, *, every_word: bool) -> list[int]:
    if connection.vendor == "postgresql":
        joiner = " & " if every_word else " | "
        expression = joiner.join("(" + " | ".join(terms) + ")" for terms in alternatives)
        matched = entries.extra(
            where=["knowledge_searchentry.terms_vector @@ to_tsquery('simple', %s)"], params=[expression]
        ).order_by(RawSQL("ts_rank(knowledge_searchentry.terms_vector, to_tsquery('simple', %s))", [expression]).desc())
    else:
        joiner = " AND " if every_word else " OR "
        expression = joiner.join("(" + " OR ".join(f'"{term}"' for term in terms) + ")" for terms in alternatives)
        matched = entries.extra(
            tables=["knowledge_searchentry_fts"],
            where=["knowledge_searchentry_fts.rowid = knowledge_searchentry.id", "knowledge_searchentry_fts MATCH %s"],
            params=[expression],
        ).order_by(RawSQL("bm25(knowledge_searchentry_fts)", []))
    return list(matched.values_list("pk", flat=True)[:POOL])


def rank(candidates: list[tuple[int, str, str]], words: list[QueryWord], *, language: str) -> list[tuple[float, int]]:
    """(score, entry id) best first, for candidates given as (id, terms, language): for each word its best
    alternative (earlier alternatives count more), by how often the entry says it against how long it is
    and how rare it is among the candidates (BM25's shape); an entry in the asker's language counts more."""
    if not candidates:
        return []
    wanted = {term for word in words for term in word.terms}
    counted, lengths = [], []
    for _pk, terms, _language in candidates:
        split = terms.split()
        lengths.append(len(split) or 1)
        counted.append(Counter(term for term in split if term in wanted))
    average = sum(lengths) / len(lengths)
    pool = len(candidates)
    document_frequency: Counter = Counter()
    for counts in counted:
        document_frequency.update(counts.keys())
    scored = []
    for (pk, _terms, entry_language), counts, length in zip(candidates, counted, lengths, strict=True):
        score = 0.0
        for word in words:
            best = 0.0
            for place, term in enumerate(word.terms):
                frequency = counts.get(term, 0)
                if not frequency:
                    continue
                rarity = math.log(1 + (pool - document_frequency[term] + 0.5) / (document_frequency[term] + 0.5))
                weight = 1.0 / (1 + 0.25 * place)
                bm25 = frequency * 2.2 / (frequency + 1.2 * (0.25 + 0.75 * length / average))
                best = max(best, weight * (0.5 + rarity) * bm25)
            score += best
        if entry_language == language:
            score *= 1.15
        scored.append((score, pk))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return scored
