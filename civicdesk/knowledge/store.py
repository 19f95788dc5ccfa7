"""The search store: each article and incident as the analyser's terms in ``SearchEntry``, found through the
engine's own full-text index over those terms — SQLite FTS5, PostgreSQL's ``simple`` configuration — and
ranked here, in Python, so both engines give the same answer.

Matching: a question is a list of words, each with alternative terms (its stems in several languages,
compound parts, concepts, a municipality's synonyms). An entry matches when it has a term of every word;
when no entry does, one of any word. The engine returns the matching entries of the searcher's scope, up to
``POOL`` of them by its own rank (only there do the engines differ, and only when more than ``POOL`` match),
and ``rank`` orders them by how well, the same way on both.
"""

import math
from collections import Counter

from django.db import connection
from django.db.models import Q

from civicdesk.knowledge.analysis import QueryWord, analyse_document
from civicdesk.knowledge.markdown import plain_text
from civicdesk.knowledge.models import Article, Incident, SearchEntry

POOL = 200
TITLE_WEIGHT = 3  # a title's terms are indexed this many times


def index_article(article: Article) -> SearchEntry:
    """The article's entry, written again from what it says now."""
    text = plain_text(article.body)
    return _save(
        {"article": article},
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


def index_incident(incident: Incident, language: str) -> SearchEntry:
    text = "\n".join(part for part in (incident.public_message, incident.agent_script, incident.areas) if part)
    return _save(
        {"incident": incident},
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


def _save(owner: dict, **values) -> SearchEntry:
    entry, _created = SearchEntry.objects.update_or_create(**owner, defaults=values)
    return entry


def matching(words: list[QueryWord], scope: Q, *, every_word: bool = True) -> list[int]:
    """Ids of the entries in ``scope`` having a term of every word (or of any word), at most ``POOL``."""
    alternatives = [sorted({term for term in word.terms if term.isalnum()}) for word in words]
    alternatives = [terms for terms in alternatives if terms]
    if not alternatives:
        return []
    if connection.vendor == "postgresql":
        joiner = " & " if every_word else " | "
        expression = joiner.join("(" + " | ".join(terms) + ")" for terms in alternatives)
        sql = (
            "SELECT id FROM knowledge_searchentry, to_tsquery('simple', %s) query WHERE terms_vector @@ query "
            "ORDER BY ts_rank(terms_vector, query) DESC LIMIT %s"
        )
        parameters = [expression, POOL * 4]
    else:
        joiner = " AND " if every_word else " OR "
        expression = joiner.join("(" + " OR ".join(f'"{term}"' for term in terms) + ")" for terms in alternatives)
        sql = (
            "SELECT rowid FROM knowledge_searchentry_fts WHERE knowledge_searchentry_fts MATCH %s "
            "ORDER BY bm25(knowledge_searchentry_fts) LIMIT %s"
        )
        parameters = [expression, POOL * 4]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        found = [row[0] for row in cursor.fetchall()]
    # The scope (the access layer's) is applied to what the engine found: its index knows terms only.
    return list(SearchEntry.objects.filter(scope, pk__in=found).values_list("pk", flat=True)[:POOL])


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
