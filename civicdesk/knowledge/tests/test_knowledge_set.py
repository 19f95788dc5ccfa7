"""The retrieval test set in bench/knowledge_set is complete and consistent (no database needed)."""

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"
TOPICS = {
    "waste-collection",
    "water-sewage",
    "building-permits",
    "surveying",
    "zoning-planning",
    "daycare",
    "schools",
    "home-care",
    "roads-snow-clearing",
    "parking",
    "property-tax",
    "address-change",
    "opening-hours",
    "library",
    "sports-halls",
    "elderly-housing",
    "social-assistance",
}


def _harness():
    name = "knowledge_eval"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCH / "knowledge_eval.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ke = _harness()


@pytest.fixture(scope="module")
def articles():
    return ke.load_articles()


@pytest.fixture(scope="module")
def questions():
    return ke.load_questions()


def test_enough_articles_in_every_language(articles):
    assert len(articles) >= 60
    languages = Counter(article.language for article in articles)
    assert set(languages) == set(ke.LANGUAGES)
    assert min(languages.values()) >= 8


def test_front_matter_is_complete_and_valid(articles):
    files = sorted((BENCH / "knowledge_set" / "articles").glob("*.md"))
    assert sorted(path.stem for path in files) == sorted(article.slug for article in articles)
    for article in articles:
        assert article.title.strip(), article.slug
        assert article.language in ke.LANGUAGES, article.slug
        assert article.audience in ke.AUDIENCES, article.slug
        assert article.municipality is None or article.municipality in ke.MUNICIPALITIES, article.slug
        assert article.topics and set(article.topics) <= TOPICS, article.slug
        assert 80 <= len(article.body.split()) <= 200, article.slug


def test_slugs_are_unique(articles):
    slugs = [article.slug for article in articles]
    assert len(slugs) == len(set(slugs))


def test_some_articles_are_for_staff_only(articles):
    assert {"internal", "agents"} <= {article.audience for article in articles}


def test_enough_questions_in_every_language(questions):
    assert len(questions) >= 200
    languages = Counter(question.language for question in questions)
    assert set(languages) == set(ke.LANGUAGES)
    assert min(languages.values()) >= 50


def test_every_expected_article_exists_and_is_offered_to_the_question(articles, questions):
    by_slug = {article.slug: article for article in articles}
    for question in questions:
        assert question.q.strip()
        assert question.municipality is None or question.municipality in ke.MUNICIPALITIES, question.q
        assert question.expected, question.q
        assert all(slug in by_slug for slug in question.expected), question.q
        offered = {article.slug for article in ke.visible_articles(articles, question.municipality)}
        assert set(question.expected) <= offered, question.q


def test_local_variants_are_expected_and_some_questions_cross_languages(articles, questions):
    by_slug = {article.slug: article for article in articles}
    local = [q for q in questions if any(by_slug[slug].municipality for slug in q.expected)]
    crossing = [q for q in questions if all(by_slug[slug].language != q.language for slug in q.expected)]
    assert {"gulen", "samnanger"} <= {q.municipality for q in local}
    assert len(crossing) >= len(questions) // 10


def test_metrics_of_a_perfect_and_of_an_empty_ranking(questions):
    perfect = ke.evaluate(lambda question: list(question.expected), questions)
    empty = ke.evaluate(lambda question: [], questions)
    assert perfect["overall"] == {"n": len(questions), "top1": 1.0, "recall@5": 1.0, "mrr": 1.0}
    assert empty["overall"] == {"n": len(questions), "top1": 0.0, "recall@5": 0.0, "mrr": 0.0}
    second = ke._scores(["other", "right"], ("right",))
    assert second == {"top1": 0.0, "recall@5": 1.0, "mrr": 0.5}


def test_bm25_baseline_ranks_only_visible_public_articles(articles, questions):
    rank = ke.bm25_ranker(articles)
    by_slug = {article.slug: article for article in articles}
    for question in questions[:: max(len(questions) // 40, 1)]:
        for slug in rank(question):
            assert by_slug[slug].audience == "public"
            assert by_slug[slug].municipality in (None, question.municipality)
    figures = ke.evaluate(rank, questions)
    assert set(figures) == {*ke.LANGUAGES, "overall"}
    assert 0 < figures["overall"]["top1"] <= figures["overall"]["recall@5"] <= 1
