"""The name search index: every name and code an organisation ever bore, in SQLite FTS5 (standard library).

Built from the graph itself (`collect_entries`), once per release: the build writes it beside the store
directory (``store.search.sqlite``); a release made by a write gets its own on first use. What is indexed,
for every organisation with an ODS or ONS code (CCGs, GP practices, ICBs, sub-ICB locations, PCTs, regions,
local offices, STPs, local authorities, ...):

* codes: every ``ccg:odsCode`` and ``ccg:onsCode`` (former ONS codes included);
* current name: ``skos:prefLabel``;
* former names: ``skos:altLabel`` and every release's spelling (``ccg:nameRecord``), ONS and ODS alike;
* abbreviations: no source gives any, so they are derived by one rule, for CCGs, ICBs, sub-ICB locations,
  STPs and ICSs: the initials of the current name's words once "NHS", "CCG", "ICB", "Clinical Commissioning
  Group", "Integrated Care Board" and the words "and", "of", "the", "&" are dropped, kept when three letters
  or more ("NHS Bedfordshire, Luton and Milton Keynes CCG" gives "BLMK").

Ranking (`SearchIndex.search`): an exact code first; then names equal to the text word for word (a former name
typed in full finds its organisation before others whose names merely contain its words); then names
containing every word, then names matched
after correcting one typo (a word one edit away from a word in the index), then names containing the text
anywhere (FTS5 trigram index: the old ``/search``'s "contains" behaviour); within each, current names and
abbreviations before former names, organisations open on the chosen date before closed ones, then FTS5's
bm25 relevance, then the name.
"""

from __future__ import annotations

import os
import re
import sqlite3
import string
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ccg_graph.core.namespaces import DEF_BASE, KIND_LABELS

if TYPE_CHECKING:  # the store's SPARQL functions import this module: the store is named for typing only
    from ccg_graph.store.base import Store

XSD = "http://www.w3.org/2001/XMLSchema#"
#: The SPARQL functions (see docs/places.md): ccg:textMatch(text, query) and ccg:searchRank(iri, query).
TEXT_MATCH = DEF_BASE + "textMatch"
SEARCH_RANK = DEF_BASE + "searchRank"
NAME_KINDS = {"code": 0, "current": 1, "abbreviation": 1, "former": 2}  # the rank of each kind of name
NAME_KIND_LABELS = {"code": "code", "current": "current name", "abbreviation": "abbreviation", "former": "former name"}
MATCH_QUALITIES = ("code", "whole name", "words", "one typo", "contains")
_WORD = re.compile(r"[0-9a-z]+")
_DROPPED = re.compile(
    r"\b(nhs|ccg|icb|clinical commissioning group|integrated care board|and|of|the)\b|&", re.IGNORECASE
)
_LETTERS = string.ascii_lowercase + string.digits
MAX_CANDIDATES = 2000
#: The kinds of organisation whose names people abbreviate (a practice's initials are noise: "NHS" ...).
ABBREVIATED_CLASSES = frozenset(
    {
        "ClinicalCommissioningGroup",
        "IntegratedCareBoard",
        "SubICBLocation",
        "SustainabilityAndTransformationPartnership",
        "IntegratedCareSystem",
    }
)


@dataclass(frozen=True)
class NameEntry:
    """One name or code of one organisation."""

    iri: str
    text: str
    name_kind: str  # a key of NAME_KINDS


@dataclass(frozen=True)
class Organisation:
    iri: str
    name: str
    code: str
    kind: str
    opened: date | None
    closed: date | None

    def open_on(self, day: date) -> bool:
        return (self.opened is None or self.opened <= day) and (self.closed is None or day <= self.closed)


@dataclass(frozen=True)
class Hit:
    """One organisation found, with the name or code that matched and how."""

    organisation: Organisation
    matched: str
    matched_as: str  # a value of NAME_KIND_LABELS
    quality: str  # one of MATCH_QUALITIES


def fold(text: str) -> str:
    """Lower case without accents: how both the index and the queries see text."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def abbreviation(name: str) -> str | None:
    """The initials rule of the module docstring; None when it gives fewer than three letters."""
    kept = _DROPPED.sub(" ", name)
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", kept))
    return initials.upper() if len(initials) >= 3 else None


def index_path(store_location: Path) -> Path:
    """Where the search index of the store directory `store_location` lives (beside it)."""
    return store_location.with_name(store_location.name + ".search.sqlite")


# --- building -------------------------------------------------------------------------------------------------
_PREFIXES = """PREFIX ccg: <https://w3id.org/ccg-graph/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_ORGANISATIONS = (
    _PREFIXES
    + """SELECT ?s (SAMPLE(?n) AS ?name) (SAMPLE(?ods) AS ?odsCode) (SAMPLE(?ons) AS ?onsCode) (SAMPLE(?k) AS ?kind)
       (MIN(?o) AS ?open) (MAX(?e) AS ?close) WHERE {
  { ?s ccg:odsCode ?ods } UNION { ?s ccg:onsCode ?ons }
  OPTIONAL { ?s skos:prefLabel ?n }
  OPTIONAL { ?s a ?k . FILTER (STRSTARTS(STR(?k), STR(ccg:))) }
  OPTIONAL { ?s ccg:openDate ?o } OPTIONAL { ?s ccg:closeDate ?e }
} GROUP BY ?s"""
)
_NAMES = (
    _PREFIXES
    + """SELECT DISTINCT ?s ?text ?how WHERE {
  { ?s ccg:odsCode ?text BIND ("code" AS ?how) } UNION { ?s ccg:onsCode ?text BIND ("code" AS ?how) }
  UNION { ?s skos:prefLabel ?text BIND ("current" AS ?how) }
  UNION { ?s skos:altLabel ?text BIND ("former" AS ?how) }
  UNION { ?s ccg:nameRecord/ccg:recordedName ?text BIND ("former" AS ?how) }
  FILTER EXISTS { ?s ccg:odsCode|ccg:onsCode ?any }
}"""
)


def _day(term: object) -> date | None:
    if isinstance(term, ox.Literal):
        try:
            return date.fromisoformat(term.value[:10])
        except ValueError:
            return None
    return None


def _kind_label(term: object) -> str:
    if not isinstance(term, ox.NamedNode):
        return ""
    name = term.value.removeprefix(DEF_BASE)
    return KIND_LABELS.get(name, name)


def collect(store: Store) -> tuple[list[Organisation], list[NameEntry]]:
    """Every organisation with a code, and every name and code of each, from a store (`Store.query`)."""
    organisations = []
    classes: dict[str, str] = {}
    result = store.query(_ORGANISATIONS)
    assert result.solutions is not None
    for row in result.solutions:
        iri = row["s"].value
        if isinstance(row["kind"], ox.NamedNode):
            classes[iri] = row["kind"].value.removeprefix(DEF_BASE)
        code = row["odsCode"] or row["onsCode"]
        name = row["name"].value if row["name"] is not None else (code.value if code else iri)
        organisations.append(
            Organisation(
                iri, name, code.value if code else "", _kind_label(row["kind"]), _day(row["open"]), _day(row["close"])
            )
        )
    entries: dict[tuple[str, str], NameEntry] = {}
    result = store.query(_NAMES)
    assert result.solutions is not None
    for row in result.solutions:
        text, how = row["text"].value, row["how"].value
        entry = NameEntry(row["s"].value, text, how)
        key = (entry.iri, " ".join(words(text)))
        if key not in entries or NAME_KINDS[how] < NAME_KINDS[entries[key].name_kind]:
            entries[key] = entry
        if how == "current" and classes.get(entry.iri) in ABBREVIATED_CLASSES and (short := abbreviation(text)):
            entries.setdefault((entry.iri, short.lower()), NameEntry(entry.iri, short, "abbreviation"))
    return organisations, list(entries.values())


_SCHEMA = """
CREATE TABLE organisation (iri TEXT PRIMARY KEY, name TEXT, code TEXT, kind TEXT, opened TEXT, closed TEXT);
CREATE TABLE code (code TEXT, iri TEXT);
CREATE INDEX code_by_code ON code (code);
CREATE VIRTUAL TABLE name_words USING fts5(text, iri UNINDEXED, how UNINDEXED,
    tokenize = "unicode61 remove_diacritics 2", prefix = '1 2 3');
CREATE VIRTUAL TABLE name_trigrams USING fts5(text, iri UNINDEXED, how UNINDEXED, tokenize = "trigram");
CREATE VIRTUAL TABLE vocabulary USING fts5vocab(name_words, 'row');
"""


def write_index(organisations: Iterable[Organisation], entries: Iterable[NameEntry], target: Path) -> None:
    """Write the index to `target` atomically (a half-written index is never opened)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    os.close(fd)
    try:
        connection = sqlite3.connect(temporary)
        with connection:
            connection.executescript(_SCHEMA)
            connection.executemany(
                "INSERT INTO organisation VALUES (?, ?, ?, ?, ?, ?)",
                ((o.iri, o.name, o.code, o.kind, _iso(o.opened), _iso(o.closed)) for o in organisations),
            )
            rows = [(e.text, e.iri, e.name_kind) for e in entries]
            connection.executemany("INSERT INTO name_words VALUES (?, ?, ?)", rows)
            # Codes match exactly or word for word, never as a fragment (as the scan did): no trigrams for them.
            connection.executemany("INSERT INTO name_trigrams VALUES (?, ?, ?)", [r for r in rows if r[2] != "code"])
            connection.executemany(
                "INSERT INTO code VALUES (?, ?)", ((e.text.upper(), e.iri) for e in entries if e.name_kind == "code")
            )
            connection.execute("INSERT INTO name_words(name_words) VALUES ('optimize')")
            connection.execute("INSERT INTO name_trigrams(name_trigrams) VALUES ('optimize')")
        connection.close()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def build_index(store: Store, target: Path) -> None:
    """Collect the names of `store` and write its index to `target`."""
    organisations, entries = collect(store)
    write_index(organisations, entries, target)


# --- searching ------------------------------------------------------------------------------------------------
def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | transposes | replaces | inserts


class SearchIndex:
    """Read-only queries over one index file; safe to share between threads (a connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._vocabulary: frozenset[str] | None = None

    def _db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            self._local.connection = connection
        return connection

    def vocabulary(self) -> frozenset[str]:
        if self._vocabulary is None:
            self._vocabulary = frozenset(term for (term,) in self._db().execute("SELECT term FROM vocabulary"))
        return self._vocabulary

    def organisation(self, iri: str) -> Organisation | None:
        row = self._db().execute("SELECT * FROM organisation WHERE iri = ?", (iri,)).fetchone()
        return _organisation(row) if row else None

    def _organisations(self, iris: Iterable[str]) -> dict[str, Organisation]:
        wanted = list(set(iris))
        found: dict[str, Organisation] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db().execute(f"SELECT * FROM organisation WHERE iri IN ({marks})", chunk):
                found[row[0]] = _organisation(row)
        return found

    def _typo_query(self, tokens: list[str]) -> str | None:
        """An FTS5 query allowing one edit in one word (each unknown word of 4+ letters may be corrected)."""
        vocabulary = self.vocabulary()
        groups, corrected = [], False
        for token in tokens:
            options = {token}
            if token not in vocabulary and len(token) >= 4:
                near = edits1(token) & vocabulary
                corrected = corrected or bool(near)
                options |= near
            groups.append("(" + " OR ".join(_phrase(o) for o in sorted(options)) + ")")
        return " AND ".join(groups) if corrected else None

    def _matches(self, table: str, query: str) -> Iterator[tuple[str, str, str, float]]:
        # The best MAX_CANDIDATES names by bm25 (FTS5's `rank`): enough for 40 pages of results.
        sql = f"SELECT iri, text, how, rank FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT {MAX_CANDIDATES}"
        try:
            yield from self._db().execute(sql, (query,))
        except sqlite3.OperationalError:  # a query FTS5 cannot parse (e.g. only punctuation) matches nothing
            return

    def search(self, text: str, day: date | None = None) -> list[Hit]:
        """Every organisation matching `text`, best first (module docstring)."""
        needle = text.strip()
        if not needle:
            return []
        day = day or date.today()
        best: dict[str, tuple[tuple[object, ...], str, str, str]] = {}

        def consider(iri: str, matched: str, how: str, quality: str, score: float) -> None:
            key = (MATCH_QUALITIES.index(quality), NAME_KINDS[how], score)
            if iri not in best or key < best[iri][0]:
                best[iri] = (key, matched, how, quality)

        for (iri,) in self._db().execute("SELECT iri FROM code WHERE code = ?", (needle.upper(),)):
            consider(iri, needle.upper(), "code", "code", 0.0)
        tokens = words(needle)
        if tokens:
            exact = " AND ".join(_phrase(t) for t in tokens)
            for iri, matched, how, score in self._matches("name_words", exact):
                consider(iri, matched, how, "whole name" if words(matched) == tokens else "words", score)
            typo = self._typo_query(tokens)
            if typo:
                for iri, matched, how, score in self._matches("name_words", typo):
                    consider(iri, matched, how, "one typo", score)
        if len(needle) >= 3:
            for iri, matched, how, score in self._matches("name_trigrams", _phrase(needle)):
                consider(iri, matched, how, "contains", score)
        organisations = self._organisations(best)
        ranked = sorted(
            (
                (key[0], key[1], not organisations[iri].open_on(day), key[2], organisations[iri].name, iri)
                for iri, (key, _m, _h, _q) in best.items()
                if iri in organisations
            ),
        )
        return [
            Hit(organisations[iri], best[iri][1], NAME_KIND_LABELS[best[iri][2]], best[iri][3])
            for *_rest, iri in ranked
        ]

    def suggest(self, text: str, day: date | None = None, limit: int = 10) -> list[Hit]:
        """Completions for a search box: every word typed so far, the last one as a prefix."""
        tokens = words(text)
        if not tokens:
            return []
        day = day or date.today()
        query = " AND ".join([*(_phrase(t) for t in tokens[:-1]), _phrase(tokens[-1]) + "*"])
        best: dict[str, tuple[tuple[object, ...], str, str]] = {}
        for iri, matched, how, score in self._matches("name_words", query):
            key = (NAME_KINDS[how], score)
            if iri not in best or key < best[iri][0]:
                best[iri] = (key, matched, how)
        organisations = self._organisations(best)
        ranked = sorted(
            (not organisations[i].open_on(day), best[i][0], len(organisations[i].name), organisations[i].name, i)
            for i in best
            if i in organisations
        )
        return [
            Hit(organisations[i], best[i][1], NAME_KIND_LABELS[best[i][2]], "prefix") for *_rest, i in ranked[:limit]
        ]

    def ranks(self, text: str) -> dict[str, int]:
        """Organisation IRI -> its 1-based place in `search(text)` (for ccg:searchRank)."""
        return {hit.organisation.iri: place for place, hit in enumerate(self.search(text), start=1)}


def _organisation(row: tuple[str, str, str, str, str | None, str | None]) -> Organisation:
    iri, name, code, kind, opened, closed = row
    return Organisation(
        iri,
        name,
        code,
        kind,
        date.fromisoformat(opened) if opened else None,
        date.fromisoformat(closed) if closed else None,
    )


def ensure_index(store_location: Path) -> SearchIndex:
    """The index of the store at `store_location`, built from it (read-only) first if it is missing."""
    target = index_path(store_location)
    if not target.is_file():
        from ccg_graph.store.embedded import EmbeddedStore

        store = EmbeddedStore(store_location, read_only=True)
        try:
            build_index(store, target)
        finally:
            store.close()
    return SearchIndex(target)


# --- SPARQL functions -----------------------------------------------------------------------------------------
def text_match(text: object, query: object) -> ox.Literal | None:
    """ccg:textMatch(text, query): true when every word of `query` is a word of `text` (case and accents
    ignored), the last word also as a prefix; the same word rules as the index, without its ranking."""
    if not isinstance(text, ox.Literal) or not isinstance(query, ox.Literal):
        return None
    wanted, have = words(query.value), words(text.value)
    if not wanted:
        return None
    *whole, last = wanted
    found = all(w in have for w in whole) and any(h.startswith(last) for h in have)
    return ox.Literal("true" if found else "false", datatype=ox.NamedNode(XSD + "boolean"))


def search_functions(store_location: Path | None) -> dict[ox.NamedNode, Callable[..., ox.Literal | None]]:
    """ccg:textMatch always; ccg:searchRank when the store is on disk (its index lives beside it)."""
    functions: dict[ox.NamedNode, Callable[..., ox.Literal | None]] = {ox.NamedNode(TEXT_MATCH): text_match}
    if store_location is None:
        return functions

    @lru_cache(maxsize=64)
    def ranks(text: str) -> dict[str, int]:
        return ensure_index(store_location).ranks(text)

    def search_rank(organisation: object, query: object) -> ox.Literal | None:
        """ccg:searchRank(iri, query): the organisation's place in the search index's answer, else unbound."""
        if not isinstance(organisation, ox.NamedNode) or not isinstance(query, ox.Literal):
            return None
        place = ranks(query.value).get(organisation.value)
        return ox.Literal(str(place), datatype=ox.NamedNode(XSD + "integer")) if place else None

    functions[ox.NamedNode(SEARCH_RANK)] = search_rank
    return functions
