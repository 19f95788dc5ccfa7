"""Retrieval evaluation for the knowledge base: a test set of citizen questions and a plain BM25 baseline.

The set lives in `bench/knowledge_set/`: `articles/<slug>.md` (Markdown with YAML front matter: slug, title,
language, topics, audience, municipality) and `questions.jsonl` (one question a line: q, language,
municipality, expected). This module needs neither Django nor a database:

    .venv/bin/python bench/knowledge_eval.py            # BM25 table, per language and overall
    .venv/bin/python bench/knowledge_eval.py --json     # the same figures as JSON

Metrics, per question language and overall. `expected` lists the acceptable articles for a question (usually
one); any of them counts as a hit.

- `top1`: share of questions whose first result is acceptable.
- `recall@5`: share of questions with an acceptable article among the first five results.
- `mrr`: mean reciprocal rank of the first acceptable article (0 when none is returned).

Plugging in civicdesk's search (the plug-in point): `evaluate(rank)` takes any function from a `Question` to
a ranked list of article slugs, best first. A search backed by Django imports the set into its models, then
passes its own ranking, and prints it beside the baseline:

    import knowledge_eval as ke                      # with bench/ on sys.path

    articles = ke.load_articles()
    # ... import `articles` (or the Markdown folder) into civicdesk's knowledge base ...
    def civicdesk_rank(question: ke.Question) -> list[str]:
        hits = search(question.q, municipality=question.municipality, audience="public")  # civicdesk's API
        return [hit.slug for hit in hits]

    print(ke.format_table({"civicdesk": ke.evaluate(civicdesk_rank), "bm25": ke.evaluate(ke.bm25_ranker(articles))}))

Every question is a citizen's, so a ranking should offer only `public` articles that are visible from the
question's municipality: those shared by the whole centre (municipality null) plus that municipality's own
(`visible_articles`). Where a municipality has a local variant of a shared article, the local variant is the
expected answer. The BM25 baseline filters to the visible articles but knows nothing of variants, languages,
stemming, folding or synonyms: Okapi BM25 (k1=1.2, b=0.75) over title and body, lowercased and split on
non-letters.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

SET_DIR = Path(__file__).resolve().parent / "knowledge_set"
LANGUAGES = ("da", "sv", "nb", "en")
AUDIENCES = ("public", "internal", "agents")
MUNICIPALITIES = ("holbaek", "orebro", "gulen", "osteroy", "samnanger", "aurland")
FRONT_MATTER_KEYS = ("slug", "title", "language", "topics", "audience", "municipality")
METRICS = ("top1", "recall@5", "mrr")


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    language: str
    topics: tuple[str, ...]
    audience: str
    municipality: str | None
    body: str


@dataclass(frozen=True)
class Question:
    q: str
    language: str
    municipality: str | None
    expected: tuple[str, ...]


def read_front_matter(text: str) -> tuple[dict, str]:
    """Split a Markdown file into its YAML front matter (a dict) and its body."""
    match = re.match(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", text, re.DOTALL)
    if not match:
        raise ValueError("no YAML front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping")
    return meta, match.group(2).strip()


def load_articles(set_dir: Path = SET_DIR) -> list[Article]:
    articles = []
    for path in sorted((Path(set_dir) / "articles").glob("*.md")):
        meta, body = read_front_matter(path.read_text(encoding="utf-8"))
        missing = [key for key in FRONT_MATTER_KEYS if key not in meta]
        if missing:
            raise ValueError(f"{path.name}: front matter lacks {', '.join(missing)}")
        articles.append(
            Article(
                slug=meta["slug"],
                title=meta["title"],
                language=meta["language"],
                topics=tuple(meta["topics"] or ()),
                audience=meta["audience"],
                municipality=meta["municipality"],
                body=body,
            )
        )
    return articles


def load_questions(set_dir: Path = SET_DIR) -> list[Question]:
    questions = []
    with open(Path(set_dir) / "questions.jsonl", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                questions.append(Question(row["q"], row["language"], row["municipality"], tuple(row["expected"])))
    return questions


def visible_articles(articles: Iterable[Article], municipality: str | None, audiences=("public",)) -> list[Article]:
    """The articles a citizen of `municipality` may be offered: shared ones plus the municipality's own."""
    return [a for a in articles if a.audience in audiences and a.municipality in (None, municipality)]


def tokenize(text: str) -> list[str]:
    """Lowercase and split on anything that is not a letter; no stemming, folding or stop words."""
    return re.findall(r"[^\W\d_]+", text.lower())


class BM25:
    """Okapi BM25 over a fixed collection (idf as in Lucene: log(1 + (N - n + 0.5) / (n + 0.5)))."""

    def __init__(self, documents: dict[str, str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.terms = {key: Counter(tokenize(text)) for key, text in documents.items()}
        self.lengths = {key: sum(counts.values()) for key, counts in self.terms.items()}
        self.average_length = sum(self.lengths.values()) / max(len(self.lengths), 1)
        frequency = Counter(term for counts in self.terms.values() for term in counts)
        n = len(self.terms)
        self.idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}

    def score(self, query_terms: list[str], key: str) -> float:
        counts, length = self.terms[key], self.lengths[key]
        norm = self.k1 * (1 - self.b + self.b * length / self.average_length)
        total = 0.0
        for term in query_terms:
            tf = counts.get(term, 0)
            if tf:
                total += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
        return total

    def rank(self, query: str, keys: Iterable[str]) -> list[str]:
        """Keys ordered by score, best first; documents sharing no term with the query are left out."""
        terms = tokenize(query)
        scored = [(self.score(terms, key), key) for key in keys]
        return [key for score, key in sorted(scored, key=lambda pair: (-pair[0], pair[1])) if score > 0]


def bm25_ranker(articles: list[Article] | None = None) -> Callable[[Question], list[str]]:
    """The baseline: BM25 over every public article, ranking only those visible to the question."""
    articles = load_articles() if articles is None else articles
    public = [a for a in articles if a.audience == "public"]
    index = BM25({a.slug: f"{a.title}\n{a.body}" for a in public})

    def rank(question: Question) -> list[str]:
        return index.rank(question.q, [a.slug for a in visible_articles(public, question.municipality)])

    return rank


def _scores(ranking: list[str], expected: tuple[str, ...]) -> dict[str, float]:
    position = next((i for i, slug in enumerate(ranking) if slug in expected), None)
    return {
        "top1": float(position == 0),
        "recall@5": float(position is not None and position < 5),
        "mrr": 0.0 if position is None else 1.0 / (position + 1),
    }


def evaluate(rank: Callable[[Question], list[str]], questions: list[Question] | None = None) -> dict:
    """Run `rank` on every question; return {"overall"|language: {"n", "top1", "recall@5", "mrr"}} (0–1)."""
    questions = load_questions() if questions is None else questions
    groups: dict[str, list[dict[str, float]]] = {"overall": []}
    for question in questions:
        scores = _scores(list(rank(question)), question.expected)
        groups["overall"].append(scores)
        groups.setdefault(question.language, []).append(scores)
    result = {}
    for name in (*LANGUAGES, "overall", *sorted(set(groups) - {*LANGUAGES, "overall"})):
        if rows := groups.get(name):
            result[name] = {"n": len(rows), **{m: sum(r[m] for r in rows) / len(rows) for m in METRICS}}
    return result


def format_table(systems: dict[str, dict]) -> str:
    """Systems side by side: one row per language and overall; top-1 and recall@5 in %, MRR as a fraction."""
    names = list(systems)
    header = f"{'':<9}{'n':>5}" + "".join(f"  {name + ' top1':>16}{'r@5':>7}{'MRR':>7}" for name in names)
    lines = [header]
    groups = next(iter(systems.values())) if systems else {}
    for group in groups:
        line = f"{group:<9}{groups[group]['n']:>5}"
        for name in names:
            figures = systems[name][group]
            line += f"  {figures['top1'] * 100:>15.1f}%{figures['recall@5'] * 100:>6.1f}%{figures['mrr']:>7.3f}"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=SET_DIR, help="the knowledge set folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    articles, questions = load_articles(args.set), load_questions(args.set)
    results = {"bm25": evaluate(bm25_ranker(articles), questions)}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        languages = Counter(a.language for a in articles)
        per_language = ", ".join(f"{language} {languages[language]}" for language in LANGUAGES)
        print(f"{len(articles)} articles ({per_language}), {len(questions)} questions")
        print(format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
