"""Search code descriptions by words: lay terms, abbreviations, misspellings, partial words.

One ranked list over ICD-10-CM (long and short descriptions, inclusion terms and
``includes`` notes), HCPCS Level II, ICD-10-PCS, ICD-9-CM, and CPT when a
licensed file is loaded.

>>> from codekit.fuzzy import search
>>> [h.code for h in search("heart attack", limit=3)]
['I21.9', 'I22.9', 'I21.A9']
>>> hit = search("CHF", systems=["icd10cm"])[0]
>>> hit.code, hit.description, hit.matched, hit.match_kind
('I50.9', 'Heart failure, unspecified', 'Congestive heart failure NOS', 'abbreviation')
>>> [h.code for h in search("E11.4", limit=3)]
['E11.4', 'E11.40', 'E11.41']

Nothing is read at import time. The index of an edition is built on the
first search that needs it (once, under a lock) from the per-edition search
documents bundled under ``codekit/_data/search/`` when present, else from the
code set itself. The lay-term and abbreviation table is
``codekit/_data/search/synonyms.tsv``: it maps words to clinical words (never
to codes), each row with its source.
"""

from __future__ import annotations

import bisect
import datetime
import importlib
import importlib.resources
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from ._searchengine import Document, EngineHit, SearchIndex, Synonym, read_synonyms, tokenize
from ._searchengine import generality as _generality
from ._searchengine import specificity as _specificity

__all__ = ["SYSTEMS", "Hit", "search"]

SYSTEMS = ("icd10cm", "hcpcs", "icd10pcs", "icd9cm", "cpt")
"""Every system search knows, in the order used to break ties."""

_CURRENT_SYSTEMS = ("icd10cm", "hcpcs", "icd10pcs", "cpt")
"""Searched when neither ``systems`` nor ``as_of`` is given (ICD-9-CM is retired)."""

_ICD10_START = datetime.date(2015, 10, 1)

# weights of the texts other than a code's own description (see _searchengine.Document)
_W_SHORT = 0.97
_W_INCLUSION = 0.98
_W_INHERITED = 0.95
_W_LATER_ENCOUNTER = 0.94  # ICD-10-CM 7th characters other than "initial encounter"
_MAX_HEIRS = 3  # general billable codes that inherit a header's inclusion terms
_LATER_ENCOUNTER_RE = re.compile(r"subsequent encounter|, sequela$")


@attrs.frozen(slots=True)
class Hit:
    """One search result.

    ``matched`` is the text the query matched (the description, a short
    description or an inclusion term) and ``match_kind`` says which, or
    ``"synonym"`` / ``"abbreviation"`` when the words were found through the
    synonym table, or ``"code"`` for a code or code-prefix query.
    """

    system: str
    """``"icd10cm"``, ``"hcpcs"``, ``"icd10pcs"``, ``"icd9cm"`` or ``"cpt"``."""
    code: str
    """The code, in display form (``"E11.9"``)."""
    description: str
    """The code's description."""
    score: float
    """Relevance, higher is better (about 0-1); results are sorted by it."""
    matched: str
    """The text that matched."""
    match_kind: str
    """``description``, ``short_description``, ``inclusion_term``, ``synonym``,
    ``abbreviation`` or ``code``."""
    billable: bool
    """Whether the code is billable (complete) rather than a header."""
    edition: str
    """The edition searched, e.g. ``"FY2026"``."""


# ---------------------------------------------------------------------------
# turning code objects into search documents (adapters)


def _text(obj: Any, name: str) -> str | None:
    value = getattr(obj, name, None)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _own_notes(obj: Any) -> list[str]:
    """The inclusion terms and ``includes`` notes written at the code itself."""
    try:
        notes = obj.notes
    except Exception:  # a code object without notes support
        return []
    if notes is None:
        return []
    out: list[str] = []
    code = getattr(obj, "code", None)
    for field in ("inclusion_terms", "includes"):
        for note in getattr(notes, field, ()) or ():
            text = getattr(note, "text", note)
            source = getattr(note, "source", code)
            if isinstance(text, str) and text.strip() and source == code:
                out.append(text.strip())
    return out


def _terminated(obj: Any) -> bool:
    """A code the edition still lists but whose termination date has passed (HCPCS)."""
    end = getattr(obj, "terminated", None)
    if not isinstance(end, datetime.date):
        return False
    edition = getattr(obj, "edition", None)
    start = getattr(edition, "effective", None)
    return isinstance(start, datetime.date) and end < start


def _is_subsequence(short: str, word: str) -> bool:
    it = iter(word)
    return all(ch in it for ch in short)


def _adds_words(short: str, long: str) -> bool:
    """Whether a short description has a word the long one lacks (not a contraction of one:
    "encntr" is "encounter", "unsp" is "unspecified")."""
    long_words = set(tokenize(long))
    for w in tokenize(short):
        if w in long_words:
            continue
        if w.isalpha() and any(lw[0] == w[0] and _is_subsequence(w, lw) for lw in long_words):
            continue
        return True
    return False


def documents_from_codes(system: str, codes: Iterable[Any], *, notes: bool = True) -> list[Document]:
    """Search documents for the code objects of one edition.

    Each code gives its description, its short description when that adds
    words, and (for ICD-10-CM) the inclusion terms and ``includes`` notes
    written at it. A header's terms are also given to its most general
    billable descendants (the "unspecified" codes: an ICD-10-CM "NOS" term
    belongs to the unspecified code), so "acute otitis media" reaches H66.90.
    """
    docs: list[Document] = []
    headers: list[tuple[str, list[str]]] = []
    # key, code, description, generality, specificity
    billable_keys: list[tuple[str, str, str, int, int]] = []
    for obj in codes:
        if _terminated(obj):
            continue
        code = _text(obj, "code")
        desc = _text(obj, "description") or _text(obj, "short_description")
        if code is None or desc is None:
            continue
        billable = bool(getattr(obj, "billable", True))
        gen = _generality(desc)
        # a subsequent-encounter or sequela code is not what general words ask for
        w = _W_LATER_ENCOUNTER if _LATER_ENCOUNTER_RE.search(desc) else 1.0
        docs.append(Document(system, code, desc, "description", billable, desc, gen > 0, w))
        short = _text(obj, "short_description")
        if short and short != desc and _adds_words(short, desc):
            docs.append(Document(system, code, short, "short_description", billable, desc,
                                 gen > 0, _W_SHORT * w))
        terms = _own_notes(obj) if notes else []
        for term in terms:
            docs.append(Document(system, code, term, "inclusion_term", billable, desc, gen > 0,
                                 _W_INCLUSION * w))
        key = code.replace(".", "").upper()
        if billable and w == 1.0 and gen > 0:
            billable_keys.append((key, code, desc, gen, _specificity(desc)))
        elif terms:
            headers.append((key, terms))
    if headers:
        billable_keys.sort()
        keys = [k[0] for k in billable_keys]
        for key, terms in headers:
            lo = bisect.bisect_left(keys, key)
            hi = bisect.bisect_left(keys, key + "\x7f", lo)
            # the most general codes below: fewest weighted words, then most "unspecified"
            heirs = sorted(billable_keys[lo:hi], key=lambda b: (b[4], -b[3], b[0]))
            for rank, (_, code, desc, _, _) in enumerate(heirs[:_MAX_HEIRS]):
                for term in terms:
                    docs.append(Document(system, code, term, "inclusion_term", True, desc,
                                         True, _W_INHERITED - 0.01 * rank))
    return docs


# ---------------------------------------------------------------------------
# prebuilt indexes (written by the data build, read here)


def index_file_name(system: str, edition_id: str) -> str:
    """The file, under ``codekit/_data/search/``, holding a bundled edition's index."""
    return f"{system}-{edition_id}.idx"


def build_index_bytes(system: str, code_set: Iterable[Any]) -> bytes:
    """Build the index of one edition and return it as deterministic bytes.

    The data build calls this for every bundled edition and writes the result
    to ``_data/search/`` + :func:`index_file_name` (see ``docs/search.rst``)::

        data = search.build_index_bytes("icd10cm", icd10cm.code_set("FY2026"))
        (out / "search" / search.index_file_name("icd10cm", "FY2026")).write_bytes(data)
    """
    docs = documents_from_codes(system, code_set)
    return SearchIndex(docs, system_order=SYSTEMS).to_bytes()


def build_bundled_indexes(out_dir: str, systems: Sequence[str] = SYSTEMS) -> list[str]:
    """Write the index of every bundled edition of *systems* into *out_dir*.

    For the data build (``nox -s update_data``): call it with
    ``src/codekit/_data/search`` after the code-set data is written. Returns
    the paths written; the bytes are deterministic.
    """
    import os

    written: list[str] = []
    os.makedirs(out_dir, exist_ok=True)
    for system in systems:
        mod = _module(system)
        if mod is None or not hasattr(mod, "editions"):
            continue
        for edition in mod.editions():
            if getattr(edition, "origin", "bundled") != "bundled":
                continue
            data = build_index_bytes(system, mod.code_set(edition.id))
            path = os.path.join(out_dir, index_file_name(system, str(edition.id)))
            with open(path, "wb") as fh:
                fh.write(data)
            written.append(path)
    return written


# ---------------------------------------------------------------------------
# lazy, locked index construction

_lock = threading.Lock()
_indexes: dict[tuple[str, str, str], SearchIndex] = {}
_synonyms: list[Synonym] | None = None


def _load_synonyms() -> list[Synonym]:
    global _synonyms
    if _synonyms is None:
        ref = importlib.resources.files("codekit").joinpath("_data/search/synonyms.tsv")
        try:
            text = ref.read_text(encoding="utf-8")
        except OSError:
            text = ""
        _synonyms = read_synonyms(text.splitlines())
    return _synonyms


def _module(system: str) -> Any | None:
    try:
        return importlib.import_module(f"codekit.{system}")
    except ImportError:
        return None


def _code_set(system: str, as_of: datetime.date | None) -> Any | None:
    """The edition of *system* in force on *as_of* (newest when None), or None."""
    mod = _module(system)
    if mod is None or not hasattr(mod, "code_set"):
        return None
    if system.startswith("icd10") and as_of is not None and as_of < _ICD10_START:
        return None
    try:
        return mod.code_set(as_of=as_of)
    except Exception:  # no data, no edition in force, no licensed file
        return None


def _bundled_index(system: str, edition: Any) -> SearchIndex | None:
    if getattr(edition, "origin", "bundled") != "bundled":
        return None
    name = "_data/search/" + index_file_name(system, str(edition.id))
    ref = importlib.resources.files("codekit").joinpath(name)
    try:
        data = ref.read_bytes()
    except OSError:
        return None
    try:
        return SearchIndex.from_bytes(data, _load_synonyms())
    except ValueError:  # an index of another layout: build from the code set instead
        return None


def _index_for(system: str, cs: Any) -> SearchIndex:
    edition = cs.edition
    key = (system, str(edition.id), str(getattr(edition, "origin", "")))
    index = _indexes.get(key)
    if index is not None:
        return index
    with _lock:
        index = _indexes.get(key)
        if index is None:
            index = _bundled_index(system, edition)
            if index is None:
                docs = documents_from_codes(system, cs)
                index = SearchIndex(docs, _load_synonyms(), system_order=SYSTEMS)
            _indexes[key] = index
    return index


def _as_date(value: object) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip())
    raise TypeError(f"as_of must be a datetime.date, not {type(value).__name__}")


def _targets(systems: str | Sequence[str] | None,
             as_of: datetime.date | None) -> Iterator[tuple[str, Any]]:
    if isinstance(systems, str):
        systems = (systems,)
    if systems is None:
        wanted: Sequence[str] = _CURRENT_SYSTEMS if as_of is None else SYSTEMS
    else:
        unknown = [s for s in systems if s not in SYSTEMS]
        if unknown:
            raise ValueError(f"unknown system(s) {unknown}; known: {', '.join(SYSTEMS)}")
        wanted = [s for s in SYSTEMS if s in systems]
    for system in wanted:
        cs = _code_set(system, as_of)
        if cs is not None:
            yield system, cs


def search(
    query: str,
    *,
    systems: str | Sequence[str] | None = None,
    limit: int = 10,
    as_of: object = None,
    billable_only: bool = False,
    prefix: str | Sequence[str] | None = None,
) -> list[Hit]:
    """Codes whose descriptions match *query*, best first.

    *query* may be clinical or lay words in any order ("heart attack"),
    abbreviations ("CHF"), misspellings ("pnuemonia"), partial words as you
    type ("diab mel"), or a code or code prefix ("E11.", "A42"), which lists
    codes in code order. *systems* picks code systems (default: those in use
    today, i.e. all but ICD-9-CM; with *as_of*, every system that has an
    edition in force that day). *as_of* (a date of service) picks the edition
    in force, else the newest. *billable_only* drops headers. *prefix* keeps
    codes that start with a code prefix (``"S52.5"``) or fall in a range
    (``"I00-I99"``, e.g. an ICD-10-CM chapter); a list keeps codes matching any.
    An empty or blank query gives ``[]``; no ``str`` makes it raise.

    >>> [h.code for h in search("pnuemonia", limit=2)]
    ['J18.9', 'J18.8']
    >>> [h.code for h in search("walker folding wheeled", systems="hcpcs", limit=2)]
    ['E0143', 'E0149']
    >>> search("   ")
    []
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, not {type(query).__name__}")
    if limit <= 0 or not query.strip():
        return []
    day = _as_date(as_of)
    targets = [(system, _index_for(system, cs), str(cs.edition.id))
               for system, cs in _targets(systems, day)]
    return _merged_query(targets, query, limit=limit, billable_only=billable_only, prefix=prefix)


def _merged_query(
    targets: Sequence[tuple[str, SearchIndex, str]],
    query: str,
    *,
    limit: int,
    billable_only: bool = False,
    prefix: str | Sequence[str] | None = None,
) -> list[Hit]:
    """Query one index per system and merge by score (ties: system order, then rank)."""
    known: frozenset[str] = frozenset()
    if len(targets) > 1:
        known = frozenset().union(*(index.known_words(query) for _, index, _ in targets))
    merged: list[tuple[float, int, int, EngineHit, str]] = []
    for system, index, edition in targets:
        found = index.query(query, limit=limit, billable_only=billable_only, prefix=prefix,
                            known=known)
        rank = SYSTEMS.index(system) if system in SYSTEMS else len(SYSTEMS)
        for pos, h in enumerate(found):
            merged.append((-h.score, rank, pos, h, edition))
    merged.sort(key=lambda m: m[:3])
    return [Hit(h.system, h.code, h.description, h.score, h.matched, h.match_kind, h.billable,
                edition) for _, _, _, h, edition in merged[:limit]]
