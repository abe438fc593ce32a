"""A small, pure full-text search engine for medical code descriptions.

This module knows nothing about code systems or files: it takes an iterable of
:class:`Document` (one per description, short description or inclusion term of
a code) and an iterable of :class:`Synonym` (lay terms and abbreviations mapped
to clinical words), and builds an immutable :class:`SearchIndex` whose
:meth:`SearchIndex.query` returns ranked :class:`EngineHit` tuples.

How a query is answered
-----------------------
1. The text is folded (lower case, accents removed, ``w/o`` -> ``without``,
   possessives dropped), split into words, and stop words are removed. Each
   word is reduced by a light plural stemmer ("fractures" -> "fracture").
2. Runs of words that are a key of the synonym table ("heart attack", "chf")
   become one *concept* whose alternatives are the words as typed and each
   expansion ("myocardial infarction"). Every other word is a concept of its own.
3. Each word is matched against the index vocabulary: exactly, as a prefix
   (for partial words typed as you go, "diab mel"), or, when it is not a known
   word, by edit distance with :mod:`rapidfuzz` (optimal string alignment, so a
   swap of two letters, "pnuemonia", counts as one edit). Each route has a
   weight below 1, so exact words win.
4. Documents that contain every concept are candidates; when there are too
   few, documents containing the most informative subsets of concepts are
   added. Word order never matters.
5. A candidate's score combines how much of the query it covers (weighted by
   inverse document frequency) with how much of the document the query
   explains, so "Chest pain, unspecified" beats "Other chest pain" for
   "chest pain". Words in parentheses or brackets (ICD-10-CM *nonessential
   modifiers*) and "unspecified", "NOS", "without complication(s)" carry no
   weight, so the general code wins for a general query and a specific code
   wins when the words are specific. Headers (non-billable codes) are scored
   lower than billable codes. The best document of each code is kept, and
   ties are broken by system order and then code, so results are deterministic.

A query that looks like a code or code prefix ("E11.", "e119", "A42") lists
the matching codes in code order instead.

>>> docs = [
...     Document("icd10cm", "I21.9", "Acute myocardial infarction, unspecified"),
...     Document("icd10cm", "I25.2", "Old myocardial infarction"),
...     Document("icd10cm", "J18.9", "Pneumonia, unspecified organism"),
... ]
>>> index = SearchIndex(docs, [Synonym("heart attack", "myocardial infarction")])
>>> [h.code for h in index.query("heart attack")]
['I21.9', 'I25.2']
>>> index.query("pnuemonia")[0].code
'J18.9'
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import json
import math
import re
import sys
import threading
import unicodedata
import zlib
from array import array
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, NamedTuple

import attrs
from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = [
    "MATCH_KINDS",
    "Document",
    "EngineHit",
    "SearchIndex",
    "Synonym",
    "fold",
    "generality",
    "is_general",
    "read_synonyms",
    "specificity",
    "tokenize",
]

MATCH_KINDS = (
    "description",
    "short_description",
    "inclusion_term",
    "synonym",
    "abbreviation",
    "code",
)
"""The values of :attr:`EngineHit.match_kind`."""

# ---------------------------------------------------------------------------
# tunables (all documented in docs/search.rst)
_MAX_QUERY_CHARS = 256  # longer input is truncated (typing never needs more)
_MAX_CONCEPTS = 8  # further words are ignored
_CANDIDATE_CAP = 600  # documents scored in detail per query
_PREFIX_EXPANSIONS = 40  # completions kept for a partial word, most frequent first
_FUZZY_LIMIT = 6  # spelling corrections kept per word
_RARE_DF = 50  # a known word this rare may still be a partial word: complete it too
_MAX_SUBSET_INTERSECTIONS = 40  # work bound of the "best subset of concepts" fallback

_W_PREFIX = 0.9  # a partial word completed ("diab" -> "diabetes")
_W_PREFIX_RARE = 0.05  # less for completions much rarer than the most frequent one
_W_PREFIX_OF_WORD = 0.8  # a complete last word also completed as you type ("pain" -> "painful")
_W_FUZZY = (1.0, 0.85, 0.75, 0.65)  # by edit distance 0..3
_W_SYNONYM = 0.95  # an expansion from the synonym table
_W_HEADER = 0.88  # a non-billable code (category / subcategory header)
_GENERAL_BONUS = 0.02  # a billable "unspecified" / "NOS" code
_HEAD_BONUS = 0.03  # the query names the text's first (head) word: "Walker, folding" for "walker"

# ---------------------------------------------------------------------------
# text analysis

_STOP_WORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "due", "for", "from", "in", "into", "is", "of", "on", "or", "per", "than", "the", "to", "w", "with"]
)
# words that say "general code" and explain nothing: they carry no weight
_MASSLESS_WORDS = frozenset({"unspecified", "unsp", "unspec", "nos", "nec"})
_GENERAL_WORDS = frozenset({"unspecified", "unsp", "unspec", "nos"})
_MASSLESS_PHRASES: tuple[tuple[tuple[str, ...], bool], ...] = (
    # (phrase, marks a general code)
    (("not", "otherwise", "specified"), True),
    (("site", "not", "specified"), True),
    (("without", "complication"), True),
    (("without", "complications"), True),
    (("not", "elsewhere", "classified"), False),
    (("unspecified", "organism"), True),
    (("unspecified", "site"), True),
    (("unspecified", "type"), True),
    (("unspecified", "part"), True),
    (("unspecified", "cause"), True),
)
_TOKEN_RE = re.compile(r"[a-z0-9]+|[()\[\]]")
_POSSESSIVE_RE = re.compile(r"'s\b|\u2019s\b")
_RANGE_RE = re.compile(r"([A-Za-z0-9.]+)\s*-\s*([A-Za-z0-9.]+)")
_CODE_QUERY_RE = re.compile(r"[A-Za-z0-9]{1,7}(?:\.[A-Za-z0-9]{0,4})?[.*-]?")


def fold(text: str) -> str:
    """Lower-case *text*, strip accents and spell out ``w/``, ``w/o`` and possessives.

    >>> fold("Sjögren's syndrome w/o complication")
    'sjogren syndrome  without  complication'
    """
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if "w/" in text:
        text = text.replace("w/o", " without ").replace("w/", " with ")
    if "'" in text or "\u2019" in text:
        text = _POSSESSIVE_RE.sub("", text).replace("'", "").replace("\u2019", "")
    return text


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Light plural stemmer: ``fractures`` -> ``fracture``, ``allergies`` -> ``allergy``."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
        return word[:-1]
    return word


def _analyze(text: str) -> tuple[list[str], list[bool], int]:
    """Split *text* into content words, with a flag per word: carries no weight.

    Returns ``(words, massless, general)``; *general* counts the phrases that
    say the text names a general ("unspecified", "NOS", ...) code.
    """
    words: list[str] = []
    massless: list[bool] = []
    depth = 0
    for tok in _TOKEN_RE.findall(fold(text)):
        if tok == "(" or tok == "[":
            depth += 1
        elif tok == ")" or tok == "]":
            depth = depth - 1 if depth else 0
        elif tok not in _STOP_WORDS:
            words.append(tok)
            massless.append(depth > 0 or tok in _MASSLESS_WORDS)
    general = sum(1 for w in words if w in _GENERAL_WORDS)
    n = len(words)
    # "without X" / "not X" name the default, uncomplicated code: no weight, and general
    for i, w in enumerate(words):
        if (w == "without" or w == "not") and i + 1 < n:
            massless[i] = massless[i + 1] = True
            general += 1
    if n >= 2 and ("not" in words or "without" in words or general):
        for phrase, marks_general in _MASSLESS_PHRASES:
            k = len(phrase)
            for i in range(n - k + 1):
                if tuple(words[i : i + k]) == phrase:
                    for j in range(i, i + k):
                        massless[j] = True
                    general += marks_general
    return words, massless, general


def tokenize(text: str) -> list[str]:
    """The stemmed content words of *text*, as the index sees them.

    >>> tokenize("Fractures of the wrist (closed)")
    ['fracture', 'wrist', 'closed']
    """
    return [_stem(w) for w in _analyze(text)[0]]


def is_general(text: str) -> bool:
    """Whether a description names a general code ("unspecified", "NOS", ...).

    >>> is_general("Type 2 diabetes mellitus without complications")
    True
    >>> is_general("Type 2 diabetes mellitus with diabetic neuropathy, unspecified")
    True
    >>> is_general("Old myocardial infarction")
    False
    """
    return _analyze(text)[2] > 0


def generality(text: str) -> int:
    """How many times a description says "general code" ("unspecified", "NOS", ...).

    >>> generality("Sprain of unspecified ligament of unspecified ankle")
    2
    """
    return _analyze(text)[2]


def specificity(text: str) -> int:
    """How many distinct weighted words a description has (fewer: a more general code).

    >>> specificity("Type 2 diabetes mellitus without complications")
    4
    """
    words, massless, _ = _analyze(text)
    return len({_stem(w) for w, m in zip(words, massless, strict=True) if not m})


def _code_key(code: str) -> str:
    return code.upper().replace(".", "").replace(" ", "").rstrip("-*")


# ---------------------------------------------------------------------------
# public data types


@attrs.frozen(slots=True)
class Document:
    """One searchable text of one code.

    *kind* is what the text is (``description``, ``short_description``,
    ``inclusion_term``); *description* is what a hit shows for the code
    (defaults to *text*); *general* says the code is a general ("unspecified")
    code (defaults to what *text* says); *weight* (0-1) scales the score of
    matches on this text, e.g. for an inclusion term inherited from a header.
    """

    system: str
    code: str
    text: str
    kind: str = "description"
    billable: bool = True
    description: str | None = None
    general: bool | None = None
    weight: float = 1.0


@attrs.frozen(slots=True)
class Synonym:
    """A lay term or abbreviation and the clinical words it means.

    >>> Synonym("heart attack", "myocardial infarction").kind
    'synonym'
    """

    term: str
    expansion: str
    kind: str = "synonym"
    source: str = ""


class EngineHit(NamedTuple):
    """One ranked code."""

    system: str
    code: str
    description: str
    score: float
    matched: str
    match_kind: str
    billable: bool


def read_synonyms(lines: Iterable[str]) -> list[Synonym]:
    """Parse the synonym table (TSV with a header naming ``term``, ``expansion``, ...).

    Blank lines and lines starting with ``#`` are skipped.

    >>> rows = ["term\\texpansion\\tkind\\tsource", "CHF\\tcongestive heart failure\\tabbreviation\\tx"]
    >>> read_synonyms(rows)[0].expansion
    'congestive heart failure'
    """
    out: list[Synonym] = []
    header: list[str] | None = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip().lower() for c in cells]
            continue
        row = dict(zip(header, cells, strict=False))
        term = row.get("term", "").strip()
        expansion = row.get("expansion", "").strip()
        if term and expansion:
            kind = row.get("kind", "").strip() or "synonym"
            out.append(Synonym(term, expansion, kind, row.get("source", "").strip()))
    return out


# ---------------------------------------------------------------------------
# query-time structures


class _Token:
    __slots__ = ("docs", "importance", "tiers", "words")

    def __init__(self, tiers: list[tuple[float, set[int]]], words: set[int], n_docs: int) -> None:
        self.tiers = tiers
        self.words = words
        if len(tiers) == 1:
            self.docs: set[int] = tiers[0][1]
        else:
            self.docs = set().union(*(s for _, s in tiers))
        df = len(self.docs)
        self.importance = math.log((n_docs + 1) / (df + 0.5)) if df else math.log(2 * n_docs + 2)


class _Alt:
    __slots__ = ("docs", "factor", "kind", "simple", "tokens")

    def __init__(self, tokens: list[_Token], factor: float, kind: str | None) -> None:
        self.tokens = tokens
        self.factor = factor
        self.kind = kind
        if len(tokens) == 1:
            self.docs = tokens[0].docs
        else:
            sets = sorted((t.docs for t in tokens), key=len)
            self.docs = sets[0].intersection(*sets[1:])
        # one token with one tier: membership in docs gives the weight
        self.simple = len(tokens) == 1 and len(tokens[0].tiers) == 1

    def weight(self, d: int) -> float:
        if self.simple:
            return self.factor * self.tokens[0].tiers[0][0]
        w = self.factor
        for tok in self.tokens:
            for tw, ts in tok.tiers:
                if d in ts:
                    w *= tw
                    break
        return w


class _Concept:
    __slots__ = ("alts", "docs", "importance")

    def __init__(self, alts: list[_Alt]) -> None:
        self.alts = alts
        nonempty = [a.docs for a in alts if a.docs]
        if not nonempty:
            self.docs: set[int] = set()
        elif len(nonempty) == 1:
            self.docs = nonempty[0]
        else:
            self.docs = set().union(*nonempty)
        self.importance = max(max(t.importance for t in a.tokens) for a in alts)


# ---------------------------------------------------------------------------
# the index


_MAGIC = b"codekit-search-index 1\n"
_FLAG_BILLABLE = 1
_FLAG_GENERAL = 2


def _clean_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def _delta(ids: Sequence[int]) -> list[int]:
    prev = 0
    out = []
    for i in ids:
        out.append(i - prev)
        prev = i
    return out


def _le(arr: array[int]) -> bytes:
    if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
        arr = array(arr.typecode, arr)
        arr.byteswap()
    return arr.tobytes()


def _from_le(typecode: str, data: bytes) -> array[int]:
    arr = array(typecode)
    arr.frombytes(data)
    if sys.byteorder != "little":  # pragma: no cover
        arr.byteswap()
    return arr


class SearchIndex:
    """An immutable inverted index over :class:`Document` objects.

    *system_order* fixes the order of systems in ties and code listings
    (systems not named come after, alphabetically). :meth:`to_bytes` and
    :meth:`from_bytes` save and load a built index (deterministic bytes), so
    large indexes can be built once, at data-build time; the synonym table is
    applied at query time and is not part of the bytes.
    """

    # ------------------------------------------------------------------
    # construction

    def __init__(
        self,
        documents: Iterable[Document],
        synonyms: Iterable[Synonym] = (),
        *,
        system_order: Sequence[str] = (),
    ) -> None:
        docs = list(documents)
        cache: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}
        surfaces: dict[str, str] = {}
        analysed: list[tuple[tuple[str, ...], tuple[str, ...], bool]] = []
        stem = _stem
        for doc in docs:
            a = cache.get(doc.text)
            if a is None:
                words, massless, general = _analyze(doc.text)
                stems = [stem(w) for w in words]
                for w, s in zip(words, stems, strict=True):
                    surfaces[w] = s
                heavy = tuple(dict.fromkeys(s for s, m in zip(stems, massless, strict=True) if not m))
                a = (tuple(dict.fromkeys(stems)), heavy, general > 0)
                cache[doc.text] = a
            analysed.append(a)
        df: dict[str, int] = {}
        for all_stems, _, _ in analysed:
            for s in all_stems:
                df[s] = df.get(s, 0) + 1
        vocab = sorted(df)
        word_id = {w: i for i, w in enumerate(vocab)}
        n_docs = len(docs)
        idf = [math.log((n_docs + 1) / (df[w] + 0.5)) for w in vocab]

        systems = list(dict.fromkeys(system_order))
        systems += sorted({d.system for d in docs} - set(systems))
        rank = {s: i for i, s in enumerate(systems)}
        kinds = list(MATCH_KINDS) + sorted({d.kind for d in docs} - set(MATCH_KINDS))
        kind_id = {k: i for i, k in enumerate(kinds)}

        # documents in prior order: light, billable, general texts first
        prior = []
        for i, (doc, (_, heavy, gen)) in enumerate(zip(docs, analysed, strict=True)):
            general = gen if doc.general is None else doc.general
            mass = sum(idf[word_id[s]] for s in heavy)
            key = mass + (0.0 if doc.billable else 2.0) - (0.5 if general else 0.0)
            prior.append((round(key, 9), rank[doc.system], _code_key(doc.code), doc.code,
                          kind_id[doc.kind], doc.text, i, general))
        prior.sort()

        # codes, in system then code order
        code_id: dict[tuple[str, str], int] = {}
        code_rows = sorted({(rank[d.system], _code_key(d.code), d.code) for d in docs})
        for cid, (r, _, code) in enumerate(code_rows):
            code_id[(systems[r], code)] = cid
        n_codes = len(code_rows)
        desc_text: list[str | None] = [None] * n_codes
        desc_is_own = [False] * n_codes
        billable = [False] * n_codes
        for doc in docs:
            cid = code_id[(doc.system, doc.code)]
            desc = doc.description if doc.description is not None else doc.text
            if desc_text[cid] is None or (doc.kind == "description" and not desc_is_own[cid]):
                desc_text[cid] = desc
                desc_is_own[cid] = doc.kind == "description"
                billable[cid] = doc.billable

        doc_code = array("I")
        doc_kind = array("B")
        doc_weight = array("H")
        doc_flags = array("B")
        doc_text: list[str] = []
        heavy_flat = array("I")
        heavy_off = array("I", [0])
        postings: list[list[int]] = [[] for _ in vocab]
        code_desc_doc = array("i", [-1]) * n_codes
        for new_id, p in enumerate(prior):
            old, general = p[6], p[7]
            doc = docs[old]
            all_stems, heavy, _ = analysed[old]
            cid = code_id[(doc.system, doc.code)]
            doc_code.append(cid)
            doc_kind.append(kind_id[doc.kind])
            doc_weight.append(max(0, min(1000, round(doc.weight * 1000))))
            doc_flags.append((_FLAG_BILLABLE if doc.billable else 0)
                             | (_FLAG_GENERAL if general else 0))
            text = _clean_line(doc.text)
            doc_text.append(text)
            if code_desc_doc[cid] < 0 and desc_text[cid] == doc.text:
                code_desc_doc[cid] = new_id
            heavy_flat.extend(word_id[s] for s in heavy)
            heavy_off.append(len(heavy_flat))
            for s in all_stems:
                postings[word_id[s]].append(new_id)
        extra_desc: list[str] = []
        for cid in range(n_codes):
            if code_desc_doc[cid] < 0:
                code_desc_doc[cid] = -1 - len(extra_desc)
                extra_desc.append(_clean_line(desc_text[cid] or ""))
        post_flat = array("I")
        post_off = array("I", [0])
        for plist in postings:
            post_flat.extend(_delta(plist))
            post_off.append(len(post_flat))
        surface_list = sorted(w for w, s in surfaces.items() if s in word_id)
        state: dict[str, Any] = {
            "systems": systems,
            "kinds": kinds,
            "vocab": vocab,
            "df": array("I", (df[w] for w in vocab)),
            "post_flat": post_flat,
            "post_off": post_off,
            "doc_code": doc_code,
            "doc_kind": doc_kind,
            "doc_weight": doc_weight,
            "doc_flags": doc_flags,
            "doc_text": doc_text,
            "heavy_flat": heavy_flat,
            "heavy_off": heavy_off,
            "code_system": array("B", (r for r, _, _ in code_rows)),
            "code_code": [c for _, _, c in code_rows],
            "code_billable": array("B", (1 if b else 0 for b in billable)),
            "code_desc_doc": code_desc_doc,
            "extra_desc": extra_desc,
            "surfaces": surface_list,
            "surface_word": array("I", (word_id[surfaces[w]] for w in surface_list)),
            "listing": array("I", sorted(range(n_codes),
                                         key=lambda c: (code_rows[c][1], code_rows[c][0], c))),
        }
        self._setup(state, synonyms)

    # the layout of the serialised state: name -> array typecode, or "s" for a string list
    _LAYOUT: tuple[tuple[str, str], ...] = (
        ("systems", "s"), ("kinds", "s"), ("vocab", "s"), ("df", "I"),
        ("post_flat", "I"), ("post_off", "I"),
        ("doc_code", "I"), ("doc_kind", "B"), ("doc_weight", "H"), ("doc_flags", "B"),
        ("doc_text", "s"), ("heavy_flat", "I"), ("heavy_off", "I"),
        ("code_system", "B"), ("code_code", "s"), ("code_billable", "B"),
        ("code_desc_doc", "i"), ("extra_desc", "s"), ("surfaces", "s"), ("surface_word", "I"),
        ("listing", "I"),
    )

    def to_bytes(self) -> bytes:
        """The index as deterministic bytes (zlib-compressed), for :meth:`from_bytes`."""
        parts: list[bytes] = []
        lengths: list[int] = []
        for name, code in self._LAYOUT:
            value = self._state[name]
            data = "\n".join(value).encode("utf-8") if code == "s" else _le(value)
            parts.append(data)
            lengths.append(len(data))
        header = json.dumps({"layout": [[n, c] for n, c in self._LAYOUT], "lengths": lengths},
                            separators=(",", ":"), sort_keys=True).encode("ascii")
        body = header + b"\n" + b"".join(parts)
        return _MAGIC + zlib.compress(body, 9)

    @classmethod
    def from_bytes(cls, data: bytes, synonyms: Iterable[Synonym] = ()) -> SearchIndex:
        """Load an index written by :meth:`to_bytes`; raises ValueError if it is not one."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a codekit search index")
        try:
            body = zlib.decompress(data[len(_MAGIC):])
            nl = body.index(b"\n")
            header = json.loads(body[:nl])
            layout = [tuple(x) for x in header["layout"]]
            lengths = header["lengths"]
        except (zlib.error, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"corrupt codekit search index ({exc})") from None
        if layout != [tuple(x) for x in cls._LAYOUT]:
            raise ValueError("codekit search index of another layout; rebuild it")
        state: dict[str, Any] = {}
        pos = nl + 1
        for (name, code), length in zip(cls._LAYOUT, lengths, strict=True):
            chunk = body[pos : pos + length]
            pos += length
            if code == "s":
                text = chunk.decode("utf-8")
                state[name] = text.split("\n") if text else []
            else:
                state[name] = _from_le(code, chunk)
        self = cls.__new__(cls)
        self._setup(state, synonyms)
        return self

    def _setup(self, state: dict[str, Any], synonyms: Iterable[Synonym]) -> None:
        self._state = state
        self._systems: list[str] = state["systems"]
        self._system_rank = {s: i for i, s in enumerate(self._systems)}
        self._kinds: list[str] = state["kinds"]
        vocab: list[str] = state["vocab"]
        self._word_id = {w: i for i, w in enumerate(vocab)}
        df: array[int] = state["df"]
        self._df = df
        n_docs = len(state["doc_code"])
        self._n_docs = n_docs
        log = math.log
        self._idf = [log((n_docs + 1) / (f + 0.5)) for f in df]
        self._post_flat: array[int] = state["post_flat"]
        self._post_off: array[int] = state["post_off"]
        self._post_cache: list[set[int] | None] = [None] * len(vocab)
        self._doc_code: array[int] = state["doc_code"]
        self._doc_kind: array[int] = state["doc_kind"]
        self._doc_weight: array[int] = state["doc_weight"]
        self._doc_flags: array[int] = state["doc_flags"]
        self._doc_text: list[str] = state["doc_text"]
        self._heavy_flat: array[int] = state["heavy_flat"]
        self._heavy_off: array[int] = state["heavy_off"]
        self._code_system: array[int] = state["code_system"]
        self._code_code: list[str] = state["code_code"]
        self._code_billable: array[int] = state["code_billable"]
        self._code_desc_doc: array[int] = state["code_desc_doc"]
        self._extra_desc: list[str] = state["extra_desc"]
        self._surfaces: list[str] = state["surfaces"]
        self._surface_word: array[int] = state["surface_word"]
        self._lazy_lock = threading.Lock()
        self._lazy: dict[str, Any] = {}
        self._allowed_cache: dict[tuple[object, ...], set[int] | None] = {}
        # synonyms: key (stems) -> [(expansion stems, kind)]
        syn: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = {}
        for entry in synonyms:
            key = tuple(tokenize(entry.term))
            exp = tuple(tokenize(entry.expansion))
            if not key or not exp or key == exp:
                continue
            kind = entry.kind if entry.kind in ("synonym", "abbreviation") else "synonym"
            alts = syn.setdefault(key, [])
            if all(e != exp for e, _ in alts):
                alts.append((exp, kind))
        self._synonyms = syn
        self._syn_max = max((len(k) for k in syn), default=0)
        self._expand_cache: dict[tuple[str, bool, bool, bool], _Token] = {}

    # ------------------------------------------------------------------
    # lazily derived tables (each built once, under a lock)

    def _derived(self, name: str) -> Any:
        value = self._lazy.get(name)
        if value is not None:
            return value
        with self._lazy_lock:
            value = self._lazy.get(name)
            if value is None:
                value = getattr(self, "_make_" + name)()
                self._lazy[name] = value
        return value

    def _make_code_keys(self) -> list[str]:
        return [_code_key(c) for c in self._code_code]

    def _make_listing_keys(self) -> list[str]:
        keys: list[str] = self._derived("code_keys")
        return [keys[c] for c in self._state["listing"]]

    def _make_by_system(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        code_system = self._code_system
        for d, c in enumerate(self._doc_code):
            out.setdefault(self._systems[code_system[c]], set()).add(d)
        return out

    def _make_billable_docs(self) -> set[int]:
        return {d for d, f in enumerate(self._doc_flags) if f & _FLAG_BILLABLE}

    def _make_by_length(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for w in self._surfaces:
            if w.isalpha():
                out.setdefault(len(w), []).append(w)
        return out

    def _make_surface_index(self) -> dict[str, int]:
        return dict(zip(self._surfaces, self._surface_word, strict=True))

    def _postings(self, wid: int) -> set[int]:
        s = self._post_cache[wid]
        if s is None:
            a, b = self._post_off[wid], self._post_off[wid + 1]
            s = set(itertools.accumulate(self._post_flat[a:b]))
            self._post_cache[wid] = s
        return s

    # ------------------------------------------------------------------
    def __len__(self) -> int:
        """The number of documents."""
        return self._n_docs

    @property
    def systems(self) -> tuple[str, ...]:
        """The systems present, in rank order."""
        present = set(self._code_system)
        return tuple(s for i, s in enumerate(self._systems) if i in present)

    @property
    def code_count(self) -> int:
        """The number of distinct codes."""
        return len(self._code_code)

    def _description(self, cid: int) -> str:
        ref = self._code_desc_doc[cid]
        return self._doc_text[ref] if ref >= 0 else self._extra_desc[-1 - ref]

    # ------------------------------------------------------------------
    # filters

    def _prefix_predicate(self, prefix: str | Sequence[str] | None) -> Callable[[str], bool] | None:
        if prefix is None:
            return None
        items = [prefix] if isinstance(prefix, str) else list(prefix)
        plain: list[str] = []
        ranges: list[tuple[str, str]] = []
        for item in items:
            if not isinstance(item, str):
                continue
            m = _RANGE_RE.fullmatch(item.strip())
            if m:
                lo, hi = sorted((_code_key(m.group(1)), _code_key(m.group(2))))
                ranges.append((lo, hi))
            else:
                plain.append(_code_key(item))
        starts = tuple(plain)

        def pred(key: str) -> bool:
            if starts and key.startswith(starts):
                return True
            return any(lo <= key[: len(lo)] and key[: len(hi)] <= hi for lo, hi in ranges)

        return pred

    def _allowed(
        self,
        systems: Sequence[str] | None,
        billable_only: bool,
        prefix: str | Sequence[str] | None,
    ) -> set[int] | None:
        """Documents passing the filters, or None for "all"."""
        sys_key = None if systems is None else tuple(sorted(set(systems)))
        pre_key = None if prefix is None else (prefix if isinstance(prefix, str) else tuple(prefix))
        key = (sys_key, billable_only, pre_key)
        if key in self._allowed_cache:
            return self._allowed_cache[key]
        allowed: set[int] | None = None
        if sys_key is not None:
            by_system: dict[str, set[int]] = self._derived("by_system")
            allowed = set()
            for s in sys_key:
                allowed |= by_system.get(s, set())
        if billable_only:
            bill: set[int] = self._derived("billable_docs")
            allowed = bill if allowed is None else allowed & bill
        pred = self._prefix_predicate(prefix)
        if pred is not None:
            keys: list[str] = self._derived("code_keys")
            ok = [pred(k) for k in keys]
            codes = self._doc_code
            pool: Iterable[int] = range(self._n_docs) if allowed is None else allowed
            allowed = {d for d in pool if ok[codes[d]]}
        if len(self._allowed_cache) > 64:
            self._allowed_cache.clear()
        self._allowed_cache[key] = allowed
        return allowed

    def _code_ok(self, c: int, allowed_systems: set[str] | None, billable_only: bool,
                 pred: Callable[[str], bool] | None, keys: list[str]) -> bool:
        if allowed_systems is not None and self._systems[self._code_system[c]] not in allowed_systems:
            return False
        if billable_only and not self._code_billable[c]:
            return False
        return pred is None or pred(keys[c])

    # ------------------------------------------------------------------
    # word expansion

    def _expand(self, surface: str, open_end: bool, exact_only: bool,
                no_spelling: bool = False) -> _Token:
        key = (surface, open_end, exact_only, no_spelling)
        tok = self._expand_cache.get(key)
        if tok is None:
            tok = self._expand_uncached(surface, open_end, exact_only, no_spelling)
            if len(self._expand_cache) > 4096:
                self._expand_cache.clear()
            self._expand_cache[key] = tok
        return tok

    def _expand_uncached(self, surface: str, open_end: bool, exact_only: bool,
                         no_spelling: bool) -> _Token:
        """Tiers of (weight, documents) for one query word."""
        s = _stem(surface)
        wid = self._word_id.get(s)
        tiers: list[tuple[float, set[int]]] = []
        words: set[int] = set()
        if wid is not None:
            tiers.append((1.0, self._postings(wid)))
            words.add(wid)
        if exact_only or surface.isdigit():
            return _Token(tiers or [(1.0, set())], words, self._n_docs)
        # prefix completion: an unknown word, a short one, or the last word typed so far
        min_len = 2 if open_end else 3
        rare = wid is not None and self._df[wid] < _RARE_DF
        if len(surface) >= min_len and (wid is None or open_end or len(surface) <= 5 or rare):
            lo = bisect.bisect_left(self._surfaces, surface)
            hi = bisect.bisect_left(self._surfaces, surface + "\x7f", lo)
            ids = set(self._surface_word[lo:hi])
            if wid is not None:
                ids.discard(wid)
            if ids:
                best = heapq.nsmallest(_PREFIX_EXPANSIONS, ids, key=lambda i: (-self._df[i], i))
                weight = _W_PREFIX if wid is None or rare else _W_PREFIX_OF_WORD
                # the most frequent completions are the likeliest words being typed
                top_df = self._df[best[0]]
                common = [i for i in best if 2 * self._df[i] >= top_df]
                others = best[len(common):]
                tiers.append((weight, set().union(*(self._postings(i) for i in common))))
                if others:
                    tiers.append((weight - _W_PREFIX_RARE,
                                  set().union(*(self._postings(i) for i in others))))
                words.update(best)
        # spelling: only for words the index does not know and cannot complete
        if (wid is None and not words and not no_spelling and len(surface) >= 4
                and surface.isalpha()):
            for dist, ids2 in self._spelling(surface):
                tiers.append((_W_FUZZY[dist], set().union(*(self._postings(i) for i in ids2))))
                words.update(ids2)
        return _Token(tiers or [(1.0, set())], words, self._n_docs)

    def _spelling(self, surface: str) -> list[tuple[int, list[int]]]:
        """Known words within a small edit distance, grouped by distance."""
        n = len(surface)
        max_d = 1 if n <= 5 else 2 if n <= 9 else 3
        by_len: dict[int, list[str]] = self._derived("by_length")
        index: dict[str, int] = self._derived("surface_index")
        found: dict[int, int] = {}  # word id -> distance
        for length in range(max(1, n - max_d), n + max_d + 1):
            choices = by_len.get(length)
            if not choices:
                continue
            for word, dist, _ in process.extract(
                surface, choices, scorer=OSA.distance, score_cutoff=max_d, limit=None
            ):
                wid = index[word]
                d = int(dist)
                if d < found.get(wid, 99):
                    found[wid] = d
        if not found:
            return []
        ranked = sorted(found, key=lambda i: (found[i], -self._df[i], i))[:_FUZZY_LIMIT]
        best = found[ranked[0]]
        groups: dict[int, list[int]] = {}
        for i in ranked:
            if found[i] <= best + 1:
                groups.setdefault(found[i], []).append(i)
        return sorted(groups.items())

    # ------------------------------------------------------------------
    def known_words(self, text: str) -> frozenset[str]:
        """The words of *text* that are words of this index (exactly, after stemming).

        Pass the union over several indexes as ``known=`` to :meth:`query`, so
        a word one index knows is not "corrected" by another.
        """
        if not isinstance(text, str):
            return frozenset()
        words = _analyze(text[:_MAX_QUERY_CHARS])[0]
        return frozenset(w for w in words if _stem(w) in self._word_id)

    def _concepts(self, words: list[str], open_end: bool,
                  known: Collection[str] = ()) -> list[_Concept]:
        stems = [_stem(w) for w in words]
        n = len(words)
        concepts: list[_Concept] = []
        i = 0
        while i < n and len(concepts) < _MAX_CONCEPTS:
            matched = False
            for k in range(min(self._syn_max, n - i), 0, -1):
                expansions = self._synonyms.get(tuple(stems[i : i + k]))
                if expansions is None:
                    continue
                last = i + k == n
                own = [self._expand(w, open_end and last and j == k - 1, k > 1)
                       for j, w in enumerate(words[i : i + k])]
                alts = [_Alt(own, 1.0, None)]
                for exp, kind in expansions:
                    toks = [self._expand(e, False, True) for e in exp]
                    alts.append(_Alt(toks, _W_SYNONYM, kind))
                concepts.append(_Concept(alts))
                i += k
                matched = True
                break
            if not matched:
                tok = self._expand(words[i], open_end and i == n - 1, False, words[i] in known)
                concepts.append(_Concept([_Alt([tok], 1.0, None)]))
                i += 1
        return concepts

    # ------------------------------------------------------------------
    def query(
        self,
        text: str,
        *,
        limit: int = 10,
        systems: Sequence[str] | None = None,
        billable_only: bool = False,
        prefix: str | Sequence[str] | None = None,
        known: Collection[str] = (),
    ) -> list[EngineHit]:
        """Ranked hits for *text*; never raises for a ``str``.

        *systems* restricts to those systems, *billable_only* drops headers,
        *prefix* keeps codes starting with a code prefix ("E11", "S52.5") or
        inside a range ("I00-I99"); a sequence of these keeps codes matching any.
        *known* lists words not to spell-correct (see :meth:`known_words`).
        """
        if not isinstance(text, str):
            raise TypeError(f"query must be a str, not {type(text).__name__}")
        if limit <= 0 or not self._n_docs:
            return []
        text = text[:_MAX_QUERY_CHARS]
        stripped = text.strip()
        if not stripped:
            return []
        if _CODE_QUERY_RE.fullmatch(stripped) and any(ch.isdigit() for ch in stripped):
            hits = self._code_query(stripped, limit, systems, billable_only, prefix)
            if hits:
                return hits
        words = _analyze(text)[0]
        if not words:
            return []
        open_end = not text[-1].isspace()
        concepts = self._concepts(words, open_end, known)
        allowed = self._allowed(systems, billable_only, prefix)
        if allowed is not None and not allowed:
            return []
        candidates = self._candidates(concepts, allowed, limit)
        if not candidates:
            return []
        return self._rank(concepts, candidates, limit)

    def _candidates(self, concepts: list[_Concept], allowed: set[int] | None,
                    limit: int) -> list[int]:
        """Documents worth scoring, best prior first, at most _CANDIDATE_CAP."""
        out: list[int] = []
        seen: set[int] = set()

        def add(docs: set[int]) -> None:
            if allowed is not None:
                docs = docs & allowed if len(docs) < len(allowed) else allowed & docs
            fresh = docs - seen if seen else docs
            room = _CANDIDATE_CAP - len(out)
            take = sorted(fresh)[:room] if len(fresh) > room else sorted(fresh)
            out.extend(take)
            seen.update(take)

        live = [c for c in concepts if c.docs]
        if not live:
            return []
        if len(live) == len(concepts):
            sets = sorted((c.docs for c in live), key=len)
            add(sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0])
        want = max(limit * 3, 30)
        if len(out) >= want or len(concepts) == 1:
            return out
        # not enough documents have every word: try the most informative subsets
        order = sorted(range(len(live)), key=lambda i: -live[i].importance)
        budget = _MAX_SUBSET_INTERSECTIONS
        top = len(live) if len(live) < len(concepts) else len(live) - 1
        for size in range(top, 0, -1):
            combos = sorted(itertools.combinations(order, size),
                            key=lambda cs: -sum(live[i].importance for i in cs))
            for combo in combos:
                if budget <= 0 or len(out) >= _CANDIDATE_CAP:
                    return out
                budget -= 1
                parts = sorted((live[i].docs for i in combo), key=len)
                add(parts[0].intersection(*parts[1:]) if len(parts) > 1 else parts[0])
            if len(out) >= want:
                break
        return out

    def _rank(self, concepts: list[_Concept], candidates: list[int], limit: int) -> list[EngineHit]:
        total = sum(c.importance for c in concepts) or 1.0
        # each query word explains at most one word of a text (its best match)
        qwords: dict[int, int] = {}
        group = 0
        for c in concepts:
            for a in c.alts:
                for t in a.tokens:
                    for wid in t.words:
                        qwords.setdefault(wid, group)
                    group += 1
        idf = self._idf
        heavy = self._heavy_flat
        off = self._heavy_off
        weight = self._doc_weight
        flags = self._doc_flags
        doc_code = self._doc_code
        best: dict[int, tuple[float, int, str | None]] = {}
        for d in candidates:
            q = 0.0
            via: str | None = None
            for c in concepts:
                if d not in c.docs:
                    continue
                bw = 0.0
                bkind: str | None = None
                for a in c.alts:
                    if d in a.docs:
                        w = a.weight(d)
                        if w > bw:
                            bw, bkind = w, a.kind
                q += c.importance * bw
                if bkind is not None and via is None:
                    via = bkind
            mass = 0.0
            explained: dict[int, float] = {}
            words = heavy[off[d] : off[d + 1]]
            for wid in words:
                x = idf[wid]
                mass += x
                g = qwords.get(wid)
                if g is not None and x > explained.get(g, 0.0):
                    explained[g] = x
            dcov = sum(explained.values()) / mass if mass > 0 else 1.0
            s = (q / total) * (0.6 + 0.4 * dcov) * weight[d] / 1000
            if words and words[0] in qwords:
                s += _HEAD_BONUS * q / total
            f = flags[d]
            if f & _FLAG_BILLABLE:
                if f & _FLAG_GENERAL:
                    s += _GENERAL_BONUS
            else:
                s *= _W_HEADER
            s = round(s, 6)
            cid = doc_code[d]
            prev = best.get(cid)
            if prev is None or s > prev[0]:
                best[cid] = (s, d, via)
        system = self._code_system
        top = heapq.nsmallest(limit, best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        hits: list[EngineHit] = []
        for cid, (s, d, via) in top:
            kind = via if via is not None else self._kinds[self._doc_kind[d]]
            hits.append(EngineHit(self._systems[system[cid]], self._code_code[cid],
                                  self._description(cid), s, self._doc_text[d], kind,
                                  bool(self._code_billable[cid])))
        return hits

    def _code_query(self, text: str, limit: int, systems: Sequence[str] | None,
                    billable_only: bool, prefix: str | Sequence[str] | None) -> list[EngineHit]:
        key = _code_key(text)
        if not key:
            return []
        allowed_systems = None if systems is None else set(systems)
        pred = self._prefix_predicate(prefix)
        code_keys: list[str] = self._derived("code_keys")
        listing: array[int] = self._state["listing"]
        keys: list[str] = self._derived("listing_keys")
        lo = bisect.bisect_left(keys, key)
        hi = bisect.bisect_left(keys, key + "\x7f", lo)
        hits: list[EngineHit] = []
        exact: list[EngineHit] = []
        for pos in range(lo, hi):
            c = listing[pos]
            if not self._code_ok(c, allowed_systems, billable_only, pred, code_keys):
                continue
            is_exact = keys[pos] == key
            hit = EngineHit(self._systems[self._code_system[c]], self._code_code[c],
                            self._description(c), 1.0 if is_exact else 0.9, self._code_code[c],
                            "code", bool(self._code_billable[c]))
            (exact if is_exact else hits).append(hit)
            if len(hits) >= limit:
                break
        return (exact + hits)[:limit]
