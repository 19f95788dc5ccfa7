"""Search-as-you-type over the directory: units, people, named functions, their numbers and the topics they
handle, forgiving typos and the Nordic spellings of one letter (æ/ä/ae, ø/ö/oe, å/aa).

Each process keeps one small index per municipality in memory (folded word → the entries that have it),
built from the directory's rows the first time it is asked and again when that municipality's directory
changes: a generation number per municipality in the shared cache says when, as ``lib/memo`` does for
reference rows. A keystroke then costs a few bisects and dict lookups; only the entries shown are read
from the database, by the selector.

Why not the databases' own text search: PostgreSQL's ``pg_trgm`` and SQLite's FTS5 fold, rank and forgive
differently, so the same keystrokes would find different people on the two engines, and neither forgives
a typo in a word still being typed. Edit distance comes from ``rapidfuzz``, over the distinct prefixes
of the index's words.
"""

import gc
import heapq
import re
import secrets
import time as clock
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import NamedTuple

import phonenumbers
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from civicdesk.directory.models import Employee, PhoneNumber, Responsibility, Unit, UnitClosure, UnitHours
from civicdesk.lib.nordic_text import fold
from civicdesk.lib.nordic_text import words as words_of

CHECK_EVERY_SECONDS = 1.0
GENERATION_SECONDS = 24 * 3600
MIN_QUERY_LENGTH = 2
FUZZY_FROM_LENGTH = 4
MANY_WORDS = 300
MAX_POSTINGS = 2000  # per word and municipality: beyond this a prefix says too little to rank by
MAX_CHECKED = 500  # candidates of a many-word query checked for its other words
MAX_NEAR = 400  # words a typo away looked at, per word and municipality

# How much a word counts by where it stands in the entry.
NAME, NUMBER, TITLE, TOPIC, TEXT = 4.0, 4.0, 2.0, 1.5, 0.75
MAX_WEIGHT = max(NAME, NUMBER, TITLE, TOPIC, TEXT)

_NUMBER_QUERY = re.compile(r"^[\d\s+()./-]+$")


def query_words(query: str) -> list[str]:
    """The words of what was typed; a phone number typed with spaces or a country code is one word."""
    query = query.strip()
    if _NUMBER_QUERY.match(query) and any(char.isdigit() for char in query):
        digits = "".join(char for char in query if char.isdigit())
        return [digits[2:] if query.startswith("00") else digits]
    return words_of(query)


def number_words(number: str) -> list[str]:
    """How a number (E.164) may be typed: whole with country code, national, or its last four digits (the
    extension people know)."""
    digits = number.lstrip("+")
    national = digits
    for length in (1, 2, 3):  # country codes are one to three digits and none is a prefix of another
        if int(digits[:length] or 0) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[length:]
            break
    return [digits, national, national[-4:]]


# --- The index of one municipality ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What a result shows, kept with the index so a keystroke reads nothing from the database."""

    kind: str  # "unit" or "employee"
    pk: int
    name: str
    internal_only: bool
    order: tuple  # among equal scores: units first, then by name
    municipality_id: int
    unit_id: int | None  # the unit itself, or the person's unit
    title: str  # a person's title; a unit's kind
    unit_name: str  # a person's unit; the unit a unit is part of
    phones: tuple[tuple[str, str, bool], ...]  # (purpose, E.164 number, internal-only)
    topic_ids: tuple[int, ...]  # topics a unit is responsible for


class HoursRow(NamedTuple):
    channel: str
    weekday: int
    opens_at: time
    closes_at: time


class ClosureRow(NamedTuple):
    channel: str
    date: date
    opens_at: time | None
    closes_at: time | None


@dataclass(frozen=True)
class Hit:
    entry: Entry
    index: "MunicipalityIndex"
    score: float
    matched: frozenset[str]  # the fields that matched: "name", "number", "title", "topic", "text"


Posting = tuple[int, float, str, bool]  # entry number, weight, field, internal-only number


@dataclass
class MunicipalityIndex:
    """Folded word → postings, each entry's own words, and the sorted words for prefixes (with the running
    count of postings, so how many entries a prefix reaches is two lookups)."""

    municipality_id: int
    entries: list[Entry] = field(default_factory=list)
    hours: dict[int, tuple[list[HoursRow], list[ClosureRow]]] = field(default_factory=dict)  # by unit
    derived: dict = field(default_factory=dict)  # what readers work out once per index (calendars)
    entries_by_key: dict[tuple[str, int], Entry] = field(default_factory=dict)
    own_words: list[list[tuple[str, float, str, bool]]] = field(default_factory=list)
    postings: dict[str, list[Posting]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    _running: list[int] = field(default_factory=list)
    _prefixes: dict[int, list[str]] = field(default_factory=dict)

    def add(self, entry: Entry, weighted: list[tuple[str, float, str, bool]]) -> None:
        number = len(self.entries)
        self.entries_by_key[(entry.kind, entry.pk)] = entry
        best: dict[str, tuple[str, float, str, bool]] = {}
        for item in weighted:  # a word counts once per entry: where it weighs most, public before internal
            kept = best.get(item[0])
            if kept is None or item[1] > kept[1] or (item[1] == kept[1] and kept[3] and not item[3]):
                best[item[0]] = item
        own = list(best.values())
        self.entries.append(entry)
        self.own_words.append(own)
        postings = self.postings
        for word, weight, where, internal in own:
            posting = (number, weight, where, internal)
            if word in postings:
                postings[word].append(posting)
            else:
                postings[word] = [posting]

    def seal(self) -> None:
        self.words = sorted(self.postings)
        running, total = [0], 0
        for word in self.words:
            total += len(self.postings[word])
            running.append(total)
        self._running = running
        for length in range(FUZZY_FROM_LENGTH - 1, 13):  # typo candidates, so no keystroke waits for them
            self._prefixes_of(length)

    def _span(self, prefix: str) -> tuple[int, int]:
        return bisect_left(self.words, prefix), bisect_left(self.words, prefix + "\U0010ffff")

    def starting_with(self, prefix: str) -> list[str]:
        start, end = self._span(prefix)
        return self.words[start:end]

    def near(self, word: str) -> dict[str, int]:
        """Words whose beginning is within the typo allowance of ``word`` but does not start with it, with
        the distance."""
        allowed = 1 if len(word) < 8 else 2
        # A letter too many (so a shorter beginning) only from six letters on: before that a shorter
        # beginning is a different word more often than a typo, and it begins thousands.
        shortest = len(word) - allowed if len(word) >= 6 else len(word)
        found: dict[str, int] = {}
        for length in range(shortest, len(word) + allowed + 1):
            for prefix, distance, _index in process.extract(
                word, self._prefixes_of(length), scorer=Levenshtein.distance, score_cutoff=allowed, limit=None
            ):
                if distance == 0:
                    continue
                start, end = self._span(prefix)
                for full in self.words[start : min(end, start + MAX_NEAR)]:
                    if distance < found.get(full, allowed + 1) and not full.startswith(word):
                        found[full] = int(distance)
                if len(found) >= MAX_NEAR:  # a typo of a common beginning: enough to choose from
                    return found
        return found

    def _misspelt(self, word: str) -> bool:
        """Worth looking a typo away: a word of letters long enough that no word here begins with it."""
        if len(word) < FUZZY_FROM_LENGTH or not word.isalpha():
            return False
        start, end = self._span(word)
        return start == end

    def _prefixes_of(self, length: int) -> list[str]:
        if length < 2:
            return []
        prefixes = self._prefixes.get(length)
        if prefixes is None:
            prefixes = sorted({word[:length] for word in self.words if len(word) >= length and word.isalpha()})
            self._prefixes[length] = prefixes
        return prefixes

    def match(self, words: list[str], *, fuzzy: bool, internal: bool, limit: int) -> list[tuple[float, int, set]]:
        """The best ``limit`` entries having every word (as a word or the beginning of one; with ``fuzzy``
        also within a typo or two): (score, entry number, fields that matched), best first.

        The word reaching the fewest entries picks the candidates; each candidate's own words are then
        checked for the others, so a short word typed beside a long one costs nothing. A single word stops
        as soon as no entry not yet seen could beat the best ``limit``; no word looks at more than
        ``MAX_POSTINGS`` entries, so a prefix shared by thousands (a number's exchange) stays as quick."""
        near = {word: self.near(word) if fuzzy and self._misspelt(word) else {} for word in words}
        reach = []
        for word in words:
            start, end = self._span(word)
            fuzzy_reach = sum(len(self.postings[found]) for found in near[word])
            reach.append(self._running[end] - self._running[start] + fuzzy_reach)
        driver = min(range(len(words)), key=reach.__getitem__)
        candidates = self._scores_of(words[driver], near[words[driver]], internal, limit if len(words) == 1 else 0)
        if len(words) > 1 and len(candidates) > MAX_CHECKED:  # the others are checked on the best of them
            candidates = dict(heapq.nlargest(MAX_CHECKED, candidates.items(), key=lambda item: item[1][0]))
        others = [(word, near[word]) for position, word in enumerate(words) if position != driver]
        found: dict[int, tuple[float, set]] = {}
        for number, (score, where) in candidates.items():
            fields = {where}
            for word, close in others:
                best, best_where = _best_in(self.own_words[number], word, close, internal)
                if not best:
                    break
                score += best
                fields.add(best_where)
            else:
                found[number] = (score, fields)
        entries = self.entries
        if not internal:
            found = {number: value for number, value in found.items() if not entries[number].internal_only}
        if len(found) > limit:  # only those scoring at least the limit-th best need ordering
            least = heapq.nlargest(limit, (score for score, _fields in found.values()))[-1]
            found = {number: value for number, value in found.items() if value[0] >= least}
        ranked = heapq.nsmallest(limit, found.items(), key=lambda item: (-item[1][0], item[0]))
        return [(score, number, fields) for number, (score, fields) in ranked]

    def _scores_of(self, word: str, close: dict[str, int], internal: bool, stop_at: int) -> dict[int, tuple]:
        """Entry → (best score, field) for one word, the best-matching words first (the word itself, then
        the shortest it begins, then those a typo away); with ``stop_at`` only until that many entries are
        certain to be the best."""
        levels: dict[float, list[str]] = {}
        start, end = self._span(word)
        if end - start > MANY_WORDS:  # ranking them all costs more than it tells: alphabetical, the word first
            levels[_quality(word, word)] = self.words[start:end]
        else:
            for found in self.words[start:end]:
                levels.setdefault(_quality(word, found), []).append(found)
        for found, distance in close.items():
            levels.setdefault(_fuzzy_quality(distance), []).append(found)
        scores: dict[int, tuple[float, str]] = {}
        ordered = sorted(levels, reverse=True)
        looked_at = 0
        for position, quality in enumerate(ordered):
            best_possible = quality * MAX_WEIGHT
            certain = 0  # entries that nothing later can beat (ties aside): as good as this level gives
            for found in levels[quality]:
                postings = self.postings[found]
                looked_at += len(postings)
                for number, weight, where, is_internal in postings:
                    if is_internal and not internal:
                        continue
                    score = quality * weight
                    before = scores.get(number, _NOTHING)[0]
                    if score > before:
                        scores[number] = (score, where)
                        certain += score >= best_possible > before
                if looked_at >= MAX_POSTINGS or (stop_at and certain >= stop_at):
                    return scores
            if stop_at and position + 1 < len(ordered) and len(scores) >= stop_at:
                bound = ordered[position + 1] * MAX_WEIGHT
                if sum(1 for score, _where in scores.values() if score >= bound) >= stop_at:
                    break
        return scores


_NOTHING = (0.0, "")


def _quality(word: str, found: str) -> float:
    """1 for the word itself; a beginning counts more the more of the word it is."""
    return 1.0 if found == word else 0.6 + round(0.3 * len(word) / len(found), 3)


def _fuzzy_quality(distance: int) -> float:
    return 0.5 - 0.15 * distance


def _best_in(own: list, word: str, close: dict[str, int], internal: bool) -> tuple[float, str]:
    best, best_where = 0.0, ""
    for found, weight, where, is_internal in own:
        if is_internal and not internal:
            continue
        if found.startswith(word):
            quality = _quality(word, found)
        elif found in close:
            quality = _fuzzy_quality(close[found])
        else:
            continue
        if quality * weight > best:
            best, best_where = quality * weight, where
    return best, best_where


def build(municipality_id: int) -> MunicipalityIndex:
    """The index of one municipality's directory, from its rows: five queries."""
    index = MunicipalityIndex(municipality_id)
    units: dict[int, dict] = {}
    people: dict[int, dict] = {}
    for pk, name, kind, description, email, visiting, internal_only, parent in Unit.objects.filter(
        municipality_id=municipality_id
    ).values_list("pk", "name", "kind", "description", "email", "visiting_address", "internal_only", "parent__name"):
        weighted = _weigh(name, NAME, "name") + _weigh(parent or "", TEXT, "text")
        weighted += _weigh(f"{description} {email.partition('@')[0]} {visiting}", TEXT, "text")
        units[pk] = {
            "entry": {
                "kind": "unit",
                "pk": pk,
                "name": name,
                "internal_only": internal_only,
                "unit_id": pk,
                "title": kind,
                "unit_name": parent or "",
            },
            "weighted": weighted,
            "phones": [],
            "topics": [],
        }
    for pk, name, title, email, handles, internal_only, unit_id in Employee.objects.filter(
        municipality_id=municipality_id
    ).values_list("pk", "name", "title", "email", "handles", "internal_only", "unit_id"):
        unit_name = units[unit_id]["entry"]["name"] if unit_id in units else ""
        weighted = _weigh(name, NAME, "name") + _weigh(f"{title} {unit_name}", TITLE, "title")
        weighted += _weigh(handles, TOPIC, "topic") + _weigh(email.partition("@")[0], TEXT, "text")
        people[pk] = {
            "entry": {
                "kind": "employee",
                "pk": pk,
                "name": name,
                "internal_only": internal_only,
                "unit_id": unit_id,
                "title": title,
                "unit_name": unit_name,
            },
            "weighted": weighted,
            "phones": [],
            "topics": [],
        }
    for unit_id, employee_id, number, purpose, internal_only in PhoneNumber.objects.filter(
        municipality_id=municipality_id
    ).values_list("unit_id", "employee_id", "number", "purpose", "internal_only"):
        owner = units.get(unit_id) if unit_id else people.get(employee_id)
        if owner is not None:
            owner["weighted"] += [(word, NUMBER, "number", internal_only) for word in number_words(number)]
            owner["phones"].append((purpose, number, internal_only))
    for unit_id, employee_id, topic_id, *names in Responsibility.objects.filter(
        municipality_id=municipality_id
    ).values_list(
        "unit_id", "employee_id", "topic_id", "topic__name_en", "topic__name_da", "topic__name_sv", "topic__name_nb"
    ):
        weighted = _weigh(" ".join(names), TOPIC, "topic")
        units[unit_id]["topics"].append(topic_id)
        for owner in (units.get(unit_id), people.get(employee_id) if employee_id else None):
            if owner is not None:
                owner["weighted"] += weighted
    for unit_id, channel, weekday, opens_at, closes_at in UnitHours.objects.filter(
        unit__municipality_id=municipality_id
    ).values_list("unit_id", "channel", "weekday", "opens_at", "closes_at"):
        index.hours.setdefault(unit_id, ([], []))[0].append(HoursRow(channel, weekday, opens_at, closes_at))
    for unit_id, channel, day, opens_at, closes_at in UnitClosure.objects.filter(
        unit__municipality_id=municipality_id, date__gte=timezone.now().date() - timedelta(days=1)
    ).values_list("unit_id", "channel", "date", "opens_at", "closes_at"):
        index.hours.setdefault(unit_id, ([], []))[1].append(ClosureRow(channel, day, opens_at, closes_at))
    made = [
        (
            Entry(
                order=(order, fold(row["entry"]["name"]), row["entry"]["pk"]),
                municipality_id=municipality_id,
                phones=tuple(row["phones"]),
                topic_ids=tuple(row["topics"]),
                **row["entry"],
            ),
            row["weighted"],
        )
        for order, rows in ((0, units), (1, people))
        for row in rows.values()
    ]
    made.sort(key=lambda pair: pair[0].order)  # so an entry's number is its place among equal scores
    for entry, weighted in made:
        index.add(entry, weighted)
    index.seal()
    return index


def _weigh(text: str, weight: float, where: str) -> list[tuple[str, float, str, bool]]:
    return [(word, weight, where, False) for word in words_of(text)]


# --- Indexes kept in the process, renewed when a municipality's directory changes ---------------------------------


class Indexes:
    """The indexes this process holds, each with the generation it was built under."""

    def __init__(self):
        self._held: dict[int, tuple[str, MunicipalityIndex]] = {}
        self._checked: dict[int, tuple[float, str]] = {}

    def of(self, municipality_ids: list[int]) -> list[MunicipalityIndex]:
        generations = self._generations(municipality_ids)
        indexes = []
        for municipality_id in municipality_ids:
            generation = generations[municipality_id]
            held = self._held.get(municipality_id)
            if held is not None and held[0] == generation:
                indexes.append(held[1])
                continue
            index = build(municipality_id)
            if not connection.in_atomic_block:  # what a transaction read may yet be rolled back
                self._held[municipality_id] = (generation, index)
                # An index is a million small objects that live until the next change: left to the cyclic
                # garbage collector, each full collection walks them all (a few hundred ms, at random
                # keystrokes). Frozen, the collector skips them; reference counting still frees them.
                gc.freeze()
            indexes.append(index)
        return indexes

    def _generations(self, municipality_ids: list[int]) -> dict[int, str]:
        now = clock.monotonic()
        known = {
            mid: checked[1]
            for mid in municipality_ids
            if (checked := self._checked.get(mid)) and now - checked[0] < CHECK_EVERY_SECONDS
        }
        missing = [mid for mid in municipality_ids if mid not in known]
        if missing:
            stored = cache.get_many([_key(mid) for mid in missing])
            for mid in missing:
                generation = stored.get(_key(mid))
                if generation is None:
                    generation = _new_generation()
                    cache.add(_key(mid), generation, GENERATION_SECONDS)
                    generation = cache.get(_key(mid)) or generation
                known[mid] = generation
                self._checked[mid] = (now, generation)
        return known

    def forget(self) -> None:
        self._held.clear()
        self._checked.clear()


INDEXES = Indexes()


def _key(municipality_id: int) -> str:
    return f"directory-search:{municipality_id}"


def _new_generation() -> str:
    return secrets.token_hex(8)


def directory_changed(municipality_id: int) -> None:
    """A municipality's directory changed: every process builds its index again. Now, so this process sees
    its own change, and after commit, so nobody keeps what was read before it."""

    def renew():
        cache.set(_key(municipality_id), _new_generation(), GENERATION_SECONDS)
        INDEXES._checked.pop(municipality_id, None)

    renew()
    if connection.in_atomic_block:
        transaction.on_commit(renew)


def search(query: str, municipality_ids: list[int], *, internal: bool, limit: int = 10) -> tuple[list[Hit], bool]:
    """The best ``limit`` entries for what was typed, across the municipalities given; ``internal`` says
    whether internal-only entries and numbers may be found. Typos are forgiven when the exact spelling
    finds fewer than ``limit``. Also returns whether typos were forgiven."""
    words = query_words(query)
    if sum(len(word) for word in words) < MIN_QUERY_LENGTH:
        return [], False
    indexes = INDEXES.of(sorted(municipality_ids))
    hits = _hits(indexes, words, fuzzy=False, internal=internal, limit=limit)
    forgiven = False
    if len(hits) < limit:
        fuzzy_hits = _hits(indexes, words, fuzzy=True, internal=internal, limit=limit)
        forgiven = len(fuzzy_hits) > len(hits)
        hits = fuzzy_hits
    return hits, forgiven


def _hits(indexes: list[MunicipalityIndex], words: list[str], *, fuzzy: bool, internal: bool, limit: int) -> list[Hit]:
    hits = [
        Hit(index.entries[number], index, score, frozenset(fields))
        for index in indexes
        for score, number, fields in index.match(words, fuzzy=fuzzy, internal=internal, limit=limit)
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.entry.order))
    return hits[:limit]
