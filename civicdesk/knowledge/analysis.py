"""The one text analyser of the knowledge base: what an article, an incident or a question says, turned into
the terms both stores index and look up, so PostgreSQL and SQLite find the same things.

Interface
---------
``Analyzer(vocabulary=..., synonyms=...)``
    Built once per corpus (the knowledge a municipality searches), cheap to call after that. ``vocabulary`` is
    the folded stems seen in the corpus (``vocabulary_of`` collects them); with a seed of municipal compound
    parts and the lexicon's words it is what long words are split against. ``synonyms`` are the groups of
    equivalent words or phrases a municipality maintains, e.g. ``[["storskrald", "grovaffald"]]``.
``Analyzer.document(text, language) -> list[str]``
    The terms to index, repeated as often as they occur (term frequency).
``Analyzer.query(text, language, also=LANGUAGES) -> list[QueryWord]``
    One ``QueryWord`` per word asked: the word folded as typed (for the store's typo matching) and the terms
    any one of which matches it, best first. A document answers the question when it has a term of every word.
    The question is stemmed in ``language`` and in each of ``also``: people write in a neighbouring language.
``analyse_document`` and ``analyse_query``
    The same, with the seed vocabulary, the lexicon and no municipal synonyms.
``fold``
    The Nordic folding, for the store's trigram and edit-distance matching. Typos are the store's job.

Languages are ``da``, ``sv``, ``nb`` (``nn`` and ``no`` read as ``nb``) and ``en``.

What a word becomes
-------------------
Words are lowercased and stemmed by their language's Snowball stemmer on their real letters (the stemmers
need æ ø å ä ö; a Danish or Norwegian ``aa`` is read as ``å``), then folded: ``åbningstiderne`` and
``aabningstider`` both give ``abningstid``. The word folded as written is a term too, so an exact word counts
twice. A long word is split into known parts, allowing a linking s or e between them (``sophämtning`` →
``sop`` + ``hamtning``), and two adjacent words that together make a known word are also joined
(``stor skrald`` → ``storskrald``), so a compound meets itself written together or apart. Stop words go.

Concepts: ``LEXICON`` knows common municipal concepts in Danish, Swedish, Norwegian and English. A word or
phrase of a concept adds the concept's term (``0bulkywaste``) **on both sides**: the index carries it for each
mention in any of the languages, and a question carries it on every word of the phrase, so "bulky waste"
finds "storskrald". Changing the lexicon therefore means analysing the documents again. A municipality's
synonyms work on the question only (its words reach the other words of their group), so an article a centre
shares is indexed once whatever each municipality calls things, and a changed group needs no new index.

Every term is lowercase letters and digits: one word to PostgreSQL's ``simple`` configuration and to FTS5's
``unicode61`` tokenizer alike.
"""

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

import Stemmer

from civicdesk.lib.nordic_text import fold

STEMMERS = {"da": "danish", "sv": "swedish", "nb": "norwegian", "en": "english"}
ALIASES = {"nn": "nb", "no": "nb"}
LANGUAGES = tuple(STEMMERS)
NORDIC = ("da", "sv", "nb")
CONCEPT_MARK = "0"  # no word begins with a zero and then letters, so a concept term never meets a word
MIN_PART = 3  # letters in the shortest part of a compound
MIN_COMPOUND = 6  # letters in the shortest word worth splitting
MAX_SPLITS_HELD = 100_000

# Small words that would otherwise decide what a question finds, and the question words people type.
_STOP_WORDS = {
    "da": "og i på for til er det at en et af med som den de der om har kan ikke fra eller hvad hvornår hvordan "
    "hvor jeg min mit mine vi du skal",
    "sv": "och i på för till är det att en ett av med som den de om har kan inte från eller vad när hur var jag "
    "min mitt mina vi du ska",
    "nb": "og i på for til er det at en et ei av med som den de om har kan ikke fra eller hva når hvordan hvor "
    "jeg min mitt mine vi du skal",
    "en": "the a an and or of in on at for to is are it be by with from as this that what when how where why do "
    "who does can i my you your we our",
}
STOP_WORDS = {code: frozenset(words.split()) for code, words in _STOP_WORDS.items()}

# Parts that municipal compounds are made of, beyond the words of the lexicon.
SEED_PARTS = """
stor skrald affald grov sop sopor hämtning avfall vand vatten vatn vann bygg bygge tilladelse tillatelse
tillstånd lov sak parkering søknad ansøgning ansökan forsyning skat skatt ejendom fastighet eiendom eigedom
børn barn have hage skola skole skule hjem hem heim tjänst tjeneste teneste hjælp hjälp hjelp pleje pleie
sne snö snø rydning röjning brøyting vej väg vei veg gade gata gate tid tider åbning öppning åpning opning
adresse adress ændring ändring endring strøm ström straum afbrydelse avbrott brudd brot indsamling tømming
søppel kloak avlopp avløp ordning kontor center borger medborgare innbygger service plads plats plass
kort bolig bostad støtte stöd stønad bidrag ydelse regning räkning faktura beholder spand tunna dunk kärl
melding anmälan dag uge vecka veke uke liste lista hus hall
"""

# Common municipal concepts: the concept's name, then its words and phrases in English, Danish, Swedish and
# Norwegian (bokmål and nynorsk), comma-separated; an indented line goes on with the concept above it.
_LEXICON = """
bulkywaste: bulky waste, storskrald, grovaffald, grovsopor, grovavfall, storavfall
wastecollection: waste collection, refuse collection, garbage collection, bin collection, affaldsindsamling,
    dagrenovation, sophämtning, avfallshämtning, søppeltømming, renovasjon, avfallshenting
wastebin: wheelie bin, waste bin, skraldespand, affaldsbeholder, soptunna, sopkärl, avfallskärl, søppeldunk,
    avfallsbeholder, bosspann
recycling: recycling, recycling centre, genbrug, genbrugsplads, återvinning, återvinningscentral, gjenvinning,
    gjenvinningsstasjon, miljøstasjon
gardenwaste: garden waste, haveaffald, trädgårdsavfall, hageavfall
hazardouswaste: hazardous waste, farligt affald, farligt avfall, farlig avfall
water: water, drinking water, vand, drikkevand, vatten, dricksvatten, vann, vatn, drikkevann
sewage: sewage, sewer, wastewater, kloak, spildevand, avlopp, avloppsvatten, avløp, kloakk
buildingpermit: building permit, byggetilladelse, byggeansøgning, bygglov, bygglovsansökan, byggesøknad, byggeløyve,
    byggetillatelse
permit: permit, licence, license, tilladelse, tillstånd, løyve, tillatelse
kindergarten: kindergarten, nursery, preschool, daycare, børnehave, daginstitution, vuggestue, förskola, dagis,
    barnehage
school: school, skole, skola, skule, folkeskole, grundskola, grunnskole
afterschoolcare: after school care, skolefritidsordning, sfo, fritidshem, fritids
schooltransport: school transport, school bus, skolebus, skolekørsel, skolskjuts, skoleskyss
propertytax: property tax, ejendomsskat, grundskyld, fastighetsskatt, fastighetsavgift, eiendomsskatt, eigedomsskatt
tax: tax, skat, skatt
parkingpermit: parking permit, parkeringstilladelse, parkeringslicens, parkeringstillstånd, boendeparkering,
    parkeringsløyve, parkeringstillatelse, beboerparkering
parking: parking, parkering, parkere, parkera
snowclearing: snow clearing, snow removal, snow plough, snow plow, snerydning, snørydning, snöröjning, plogning,
    brøyting, snøbrøyting, snørydding
homecare: home care, home help, hjemmehjælp, hjemmepleje, hemtjänst, hemhjälp, hjemmetjeneste, heimeteneste,
    hjemmesykepleie, heimesjukepleie
eldercare: elderly care, nursing home, care home, plejehjem, ældrepleje, äldreboende, äldreomsorg, sykehjem,
    sjukeheim, eldreomsorg
roadclosed: road closed, road closure, roadworks, vej lukket, vejarbejde, spærret vej, väg avstängd, vägarbete,
    avstängd väg, veg stengd, vei stengt, stengt vei, vegarbeid, veiarbeid
pothole: pothole, hul vejen, slaghul, potthål, tjälskott, hull veien, hol vegen
streetlight: street light, streetlight, gadelys, vejbelysning, gatubelysning, gatlykta, gatelys
poweroutage: power outage, power cut, blackout, strømafbrydelse, strømsvigt, strömavbrott, straumbrot, strømbrudd,
    strømstans
openinghours: opening hours, opening times, åbningstider, öppettider, åpningstider, opningstider
addresschange: change of address, address change, adresseændring, flytning, adressändring, flyttanmälan,
    adresseendring, flyttemelding
publictransport: public transport, bus, kollektiv trafik, kollektivtrafik, kollektivtransport, buss
invoice: invoice, bill, regning, faktura, räkning, rekning
complaint: complaint, klage, klagemål, klagomål, överklagande
disability: disability, handicap, handikap, funktionsnedsættelse, funktionsnedsättning, funksjonsnedsettelse
assistivedevice: assistive device, mobility aid, hjælpemiddel, hjälpmedel, hjelpemiddel
citizenservice: citizen service, citizens service, borgerservice, medborgarservice, kontaktcenter, servicetorg,
    innbyggertorg, servicekontor
socialbenefits: social benefits, social assistance, welfare, kontanthjælp, ekonomiskt bistånd, försörjningsstöd,
    sosialhjelp, økonomisk sosialhjelp
housingbenefit: housing benefit, boligstøtte, bostadsbidrag, bostøtte
childbenefit: child benefit, børnecheck, børneydelse, barnbidrag, barnetrygd
dentalcare: dentist, dental care, tandpleje, tandlæge, tandvård, tannhelse, tannlege
doctor: doctor, general practitioner, læge, lægevagt, läkare, vårdcentral, fastlege, legevakt
library: library, bibliotek, folkebibliotek, stadsbibliotek
playground: playground, legeplads, lekplats, lekeplass, leikeplass
swimmingpool: swimming pool, svømmehal, simhall, badhus, svømmehall, symjehall
noise: noise, støj, buller, støy
pests: rats, rat, rotter, rotte, råttor, råtta, skadedyr, skadedjur
chimneysweep: chimney sweep, skorstensfejer, sotare, sotning, feier, feiing
burial: burial, funeral, cemetery, begravelse, kirkegård, begravning, kyrkogård, gravplass
wedding: wedding, civil marriage, vielse, bryllup, vigsel, bröllop
housing: housing, rental housing, almen bolig, hyresrätt, kommunal bolig, kommunal bustad
"""


def _concepts_of(table: str) -> dict[str, tuple[str, ...]]:
    concepts: dict[str, list[str]] = {}
    name = ""
    for line in table.strip().splitlines():
        if not line.startswith(" "):
            name, _colon, line = line.partition(":")
        concepts.setdefault(name, []).extend(phrase.strip() for phrase in line.split(",") if phrase.strip())
    return {name: tuple(phrases) for name, phrases in concepts.items()}


LEXICON = _concepts_of(_LEXICON)

_TOKEN = re.compile(r"[^\W_]+")
_LINKS = ("", "s", "e")
_local = threading.local()


class QueryWord(NamedTuple):
    """One word of a question: ``word`` folded as typed, for matching typos; ``terms``, any one of which in a
    document matches the word, best first."""

    word: str
    terms: tuple[str, ...]


def language_code(language: str) -> str:
    """``da``, ``sv``, ``nb`` or ``en``; Nynorsk and plain ``no`` are stemmed as Norwegian."""
    code = ALIASES.get(language, language)
    if code not in STEMMERS:
        raise ValueError(f"No stemmer for language {language!r}")
    return code


def _stemmer(language: str) -> Stemmer.Stemmer:
    # A PyStemmer object is not safe to share between threads: one set per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {code: Stemmer.Stemmer(name) for code, name in STEMMERS.items()}
    return stemmers[language]


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The folded Snowball stem of one lowercase word in a language (a code from ``language_code``)."""
    if not word.isalpha():
        return fold(word)
    if language in ("da", "nb") and "aa" in word:
        word = word.replace("aa", "å")
    return fold(_stemmer(language).stemWord(word))


_fold_word = lru_cache(maxsize=200_000)(fold)


def _tokens(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _TOKEN.findall(text.lower())


def _significant(tokens: list[str], stop_words: Iterable[frozenset[str]]) -> list[str]:
    """The words that are not stop words; all of them when nothing else is left."""
    stop = frozenset().union(*stop_words)
    return [token for token in tokens if token not in stop] or tokens


def _keys_of(phrase: str, languages: Sequence[str]) -> set[tuple[str, ...]]:
    """The folded stem sequences a phrase may appear as: in each language, and as written."""
    words = _significant(_tokens(phrase), STOP_WORDS.values())
    keys = {tuple(stem(word, language) for word in words) for language in languages}
    keys.add(tuple(_fold_word(word) for word in words))
    return keys


def _index_of(groups: Iterable[tuple[Sequence[str], frozenset[str]]]) -> dict[str, list]:
    """First stem → [(stem sequence, what it adds)], for finding phrases in a run of words."""
    index: dict[str, list] = {}
    for phrases, adds in groups:
        for phrase in phrases:
            for key in _keys_of(phrase, LANGUAGES):
                if key:
                    index.setdefault(key[0], []).append((key, adds))
    return index


@cache
def _lexicon_index() -> dict[str, list]:
    return _index_of((phrases, frozenset({CONCEPT_MARK + name})) for name, phrases in LEXICON.items())


@cache
def _seed_vocabulary() -> frozenset[str]:
    lexicon_words = [word for phrases in LEXICON.values() for phrase in phrases for word in _tokens(phrase)]
    words = SEED_PARTS.split() + lexicon_words
    return frozenset(_vocabulary_words(words, NORDIC))


def _vocabulary_words(words: Iterable[str], languages: Sequence[str]) -> set[str]:
    stop = frozenset().union(*STOP_WORDS.values())
    found = set()
    for word in words:
        if word in stop or not word.isalpha():
            continue
        found.add(_fold_word(word))
        found.update(stem(word, language) for language in languages)
    return {word for word in found if len(word) >= MIN_PART}


def vocabulary_of(documents: Iterable[tuple[str, str]]) -> set[str]:
    """The folded stems of a corpus given as (text, language) pairs, for ``Analyzer(vocabulary=...)``."""
    found: set[str] = set()
    for text, language in documents:
        found |= _vocabulary_words(_tokens(text), (language_code(language),))
    return found


class Analyzer:
    """The analysis of one corpus: its vocabulary for splitting and joining compounds, and its municipality's
    synonyms for questions."""

    def __init__(self, *, vocabulary: Iterable[str] = (), synonyms: Iterable[Sequence[str]] = ()):
        self.vocabulary = _seed_vocabulary() | {word for word in vocabulary if len(word) >= MIN_PART}
        self._splits: dict[str, tuple[tuple[int, int], ...]] = {}
        groups = [list(group) for group in synonyms]
        self._synonyms = _index_of((group, self._terms_of_group(group)) for group in groups)

    @staticmethod
    def _terms_of_group(group: Sequence[str]) -> frozenset[str]:
        return frozenset(term for phrase in group for key in _keys_of(phrase, LANGUAGES) for term in key)

    # --- Compounds ------------------------------------------------------------------------------------------------

    def split(self, word: str) -> tuple[tuple[int, int], ...]:
        """Where a folded stem splits into known parts: two, else three, each at least ``MIN_PART`` letters, a
        linking s or e allowed between them; () when it does not. Of several splits the one whose shortest part
        is longest wins (``byggesoknad`` → ``bygge`` + ``soknad`` rather than ``bygg`` + e + ``soknad``)."""
        spans = self._splits.get(word)
        if spans is None:
            if len(self._splits) > MAX_SPLITS_HELD:
                self._splits.clear()
            spans = () if len(word) < MIN_COMPOUND else (self._best_split(word, 2) or self._best_split(word, 3))
            self._splits[word] = spans
        return spans

    def _best_split(self, word: str, parts: int, start: int = 0) -> tuple[tuple[int, int], ...]:
        if parts == 1:
            return ((start, len(word)),) if len(word) - start >= MIN_PART and word[start:] in self.vocabulary else ()
        best: tuple[tuple[int, int], ...] = ()
        best_rank = (0, 0)
        for cut in range(start + MIN_PART, len(word) - MIN_PART + 1):
            if word[start:cut] not in self.vocabulary:
                continue
            for link in _LINKS:
                if link and not word.startswith(link, cut):
                    continue
                rest = self._best_split(word, parts - 1, cut + len(link))
                if rest:
                    spans = ((start, cut), *rest)
                    rank = (min(end - begin for begin, end in spans), -len(link))
                    if rank > best_rank:
                        best, best_rank = spans, rank
        return best

    def _pieces(self, word_stem: str, language: str) -> tuple[list[str], list[str]]:
        """The terms a compound's parts give (each part stemmed again, as a word of its own would be), and the
        pieces concepts are looked for in (the parts as found and each two adjacent ones together). A part that
        is a known compound itself gives its parts too: ``beborparkering`` + ``tillad`` also gives ``parkering``."""
        spans = self.split(word_stem)
        if not spans:
            return [], []
        parts = [word_stem[begin:end] for begin, end in spans]
        parts += [part[begin:end] for part in parts for begin, end in self.split(part)]
        adjacent = [word_stem[spans[i][0] : spans[i + 1][1]] for i in range(len(spans) - 1)]
        return [stem(part, language) for part in parts], parts + adjacent

    def _joined(self, first: str, second: str, languages: Sequence[str]) -> set[str]:
        """Two adjacent words written together, when that makes a word of the corpus or a concept."""
        lexicon = _lexicon_index()
        joined = {stem(first + second, language) for language in languages}
        return {word for word in joined if word in self.vocabulary or word in lexicon}

    # --- Documents ------------------------------------------------------------------------------------------------

    def document(self, text: str, language: str) -> list[str]:
        """The terms to index for a text in a language, each as often as it occurs."""
        language = language_code(language)
        words = _significant(_tokens(text), (STOP_WORDS[language],))
        terms: list[str] = []
        candidates: list[set[str]] = []
        for word in words:
            word_stem, written = stem(word, language), _fold_word(word)
            terms.append(word_stem)
            if written != word_stem:
                terms.append(written)
            parts, pieces = self._pieces(word_stem, language)
            terms += parts
            candidates.append({word_stem, written, *parts, *pieces})
        joined = [self._joined(first, second, (language,)) for first, second in pairwise(words)] + [set()]
        for pair in joined:
            terms += pair
        for _start, _end, adds in _phrases_in(candidates, joined, _lexicon_index()):
            terms += adds
        return terms

    # --- Questions ------------------------------------------------------------------------------------------------

    def query(self, text: str, language: str, also: Iterable[str] = LANGUAGES) -> list[QueryWord]:
        """The words of a question, each with the terms that match it, stemmed in ``language`` first and then
        in each of ``also``; concepts and the municipality's synonyms reach every word of their phrase."""
        languages = list(dict.fromkeys([language_code(language), *(language_code(code) for code in also)]))
        words = _significant(_tokens(text), (STOP_WORDS[code] for code in languages))
        alternatives: list[dict[str, None]] = []  # ordered sets, best first
        candidates: list[set[str]] = []
        for word in words:
            found = dict.fromkeys([stem(word, languages[0]), _fold_word(word)])
            found.update(dict.fromkeys(stem(word, code) for code in languages[1:]))
            pieces: list[str] = []
            for word_stem, code in {stem(word, code): code for code in languages}.items():
                parts, more = self._pieces(word_stem, code)
                found.update(dict.fromkeys(parts))
                pieces += more
            alternatives.append(found)
            candidates.append({*found, *pieces})
        joined = [self._joined(first, second, languages) for first, second in pairwise(words)] + [set()]
        for position, pair in enumerate(joined[:-1]):
            for neighbour in (position, position + 1):
                alternatives[neighbour].update(dict.fromkeys(sorted(pair)))
        for index in (_lexicon_index(), self._synonyms):
            for start, end, adds in _phrases_in(candidates, joined, index):
                for position in range(start, end):
                    alternatives[position].update(dict.fromkeys(sorted(adds)))
        return [QueryWord(_fold_word(word), tuple(found)) for word, found in zip(words, alternatives, strict=True)]


def _phrases_in(
    candidates: list[set[str]], joined: list[set[str]], index: dict[str, list]
) -> list[tuple[int, int, frozenset[str]]]:
    """Each phrase of the index found in a run of words, once, as (first word, word after it, what it adds). A word
    offers several candidates (its stems, its form as written, its compound parts); a one-word phrase that a
    word makes written together with the next (``joined``) covers both."""
    found = []
    for start, offered in enumerate(candidates):
        for candidate in offered:
            for key, adds in index.get(candidate, ()):
                end = start + len(key)
                if end <= len(candidates) and all(key[k] in candidates[start + k] for k in range(1, len(key))):
                    found.append((start, end, adds))
        for candidate in joined[start]:
            found += [(start, start + 2, adds) for key, adds in index.get(candidate, ()) if len(key) == 1]
    return list(dict.fromkeys(found))  # one mention found by several of its spellings counts once


@cache
def _default() -> Analyzer:
    return Analyzer()


def analyse_document(text: str, language: str) -> list[str]:
    """``Analyzer.document`` with the seed vocabulary and no municipal synonyms."""
    return _default().document(text, language)


def analyse_query(text: str, language: str, also: Iterable[str] = LANGUAGES) -> list[QueryWord]:
    """``Analyzer.query`` with the seed vocabulary and no municipal synonyms."""
    return _default().query(text, language, also)


__all__ = [
    "LANGUAGES",
    "LEXICON",
    "Analyzer",
    "QueryWord",
    "analyse_document",
    "analyse_query",
    "fold",
    "language_code",
    "stem",
    "vocabulary_of",
]
