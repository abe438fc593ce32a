"""Search code descriptions by words: lay terms, abbreviations, misspellings, partial words.

One ranked list over ICD-10-CM (long and short descriptions, inclusion terms and
``includes`` notes), HCPCS Level II, ICD-10-PCS, ICD-9-CM, and CPT when a
licensed file is loaded.

>>> import codekit
>>> [h.code for h in codekit.search("heart attack", limit=3)]
['I21.9', 'I21.A1', 'I21.A9']
>>> hit = codekit.search("CHF", systems=["icd10cm"])[0]
>>> hit.code, hit.description, hit.matched, hit.match_kind
('I50.9', 'Heart failure, unspecified', 'Congestive heart failure NOS', 'abbreviation')
>>> [h.code for h in codekit.search("E11.4", limit=3)]
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
import gzip
import importlib
import importlib.resources
import io
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from ._searchengine import Document, EngineHit, SearchIndex, Synonym, read_synonyms, tokenize
from ._searchengine import generality as _generality

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
_MAX_HEIRS = 3  # general billable codes that inherit a header's inclusion terms


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


def _adds_words(short: str, long_words: set[str]) -> bool:
    return any(w not in long_words for w in tokenize(short))


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
    billable_keys: list[tuple[str, str, str, int]] = []  # key, code, description, generality
    for obj in codes:
        code = _text(obj, "code")
        desc = _text(obj, "description") or _text(obj, "short_description")
        if code is None or desc is None:
            continue
        billable = bool(getattr(obj, "billable", True))
        gen = _generality(desc)
        docs.append(Document(system, code, desc, "description", billable, desc, gen > 0))
        short = _text(obj, "short_description")
        if short and short != desc and _adds_words(short, set(tokenize(desc))):
            docs.append(Document(system, code, short, "short_description", billable, desc,
                                 gen > 0, _W_SHORT))
        terms = _own_notes(obj) if notes else []
        for term in terms:
            docs.append(Document(system, code, term, "inclusion_term", billable, desc, gen > 0,
                                 _W_INCLUSION))
        key = code.replace(".", "").upper()
        if billable:
            billable_keys.append((key, code, desc, gen))
        elif terms:
            headers.append((key, terms))
    if headers:
        billable_keys.sort()
        keys = [k[0] for k in billable_keys]
        for key, terms in headers:
            lo = bisect.bisect_left(keys, key)
            hi = bisect.bisect_left(keys, key + "\x7f", lo)
            heirs = [b for b in billable_keys[lo:hi] if b[3] > 0]
            heirs.sort(key=lambda b: (-b[3], b[0]))
            for _, code, desc, _ in heirs[:_MAX_HEIRS]:
                for term in terms:
                    docs.append(Document(system, code, term, "inclusion_term", True, desc,
                                         True, _W_INHERITED))
    return docs


# ---------------------------------------------------------------------------
# bundled, prebuilt documents (written by the data build, read here)

_DOC_KINDS = ("description", "short_description", "inclusion_term")
_DOC_HEADER = "codekit-search-documents 1"


def dump_documents(docs: Iterable[Document]) -> bytes:
    """Serialise documents to deterministic bytes (gzip of a small TSV, mtime 0).

    The data build writes ``_data/search/<system>-<edition>.docs.gz`` with this,
    so the first search does not need to walk a whole code set.
    """
    out = io.StringIO()
    out.write(_DOC_HEADER + "\n")
    for d in docs:
        cells = [d.system, d.code, str(_DOC_KINDS.index(d.kind)), "1" if d.billable else "0",
                 "1" if d.general else "0", repr(d.weight), d.text,
                 "" if d.description in (None, d.text) else str(d.description)]
        out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    return gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def load_documents(data: bytes) -> list[Document]:
    """Read what :func:`dump_documents` wrote."""
    lines = gzip.decompress(data).decode("utf-8").split("\n")
    if not lines or lines[0] != _DOC_HEADER:
        raise ValueError("not a codekit search document file")
    docs: list[Document] = []
    last_desc = ""
    for line in lines[1:]:
        if not line:
            continue
        system, code, kind, billable, general, weight, text, desc = line.split("\t")
        if kind == "0":
            last_desc = text
        docs.append(Document(system, code, text, _DOC_KINDS[int(kind)], billable == "1",
                             desc or (text if kind == "0" else last_desc), general == "1",
                             float(weight)))
    return docs


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


def _bundled_documents(system: str, edition: Any) -> list[Document] | None:
    if getattr(edition, "origin", "bundled") != "bundled":
        return None
    name = f"_data/search/{system}-{edition.id}.docs.gz"
    ref = importlib.resources.files("codekit").joinpath(name)
    try:
        return load_documents(ref.read_bytes())
    except (OSError, ValueError):
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
            docs = _bundled_documents(system, edition)
            if docs is None:
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
    as_of: datetime.date | None = None,
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
    ['E0143', 'E0141']
    >>> search("   ")
    []
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, not {type(query).__name__}")
    if limit <= 0 or not query.strip():
        return []
    day = _as_date(as_of)
    per_system: list[tuple[int, list[EngineHit], str]] = []
    for system, cs in _targets(systems, day):
        index = _index_for(system, cs)
        found = index.query(query, limit=limit, billable_only=billable_only, prefix=prefix)
        per_system.append((SYSTEMS.index(system), found, str(cs.edition.id)))
    merged: list[tuple[float, int, int, EngineHit, str]] = []
    for rank, found, edition in per_system:
        for pos, h in enumerate(found):
            merged.append((-h.score, rank, pos, h, edition))
    merged.sort(key=lambda m: m[:3])
    return [Hit(h.system, h.code, h.description, h.score, h.matched, h.match_kind, h.billable,
                edition) for _, _, _, h, edition in merged[:limit]]
