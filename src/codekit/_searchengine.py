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
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

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
_MAX_SUBSET_INTERSECTIONS = 40  # work bound of the "best subset of concepts" fallback

_W_PREFIX = 0.9  # a partial word completed ("diab" -> "diabetes")
_W_PREFIX_OF_WORD = 0.8  # a complete last word also completed as you type ("pain" -> "painful")
_W_FUZZY = (1.0, 0.85, 0.75, 0.65)  # by edit distance 0..3
_W_SYNONYM = 0.95  # an expansion from the synonym table
_W_HEADER = 0.88  # a non-billable code (category / subcategory header)
_GENERAL_BONUS = 0.02  # a billable "unspecified" / "NOS" code

# ---------------------------------------------------------------------------
# text analysis

_STOP_WORDS = frozenset(
    "a an and are as at be by due for from in into is of on or per than the to w with".split()
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
)
_TOKEN_RE = re.compile(r"[a-z0-9]+|[()\[\]]")
_POSSESSIVE_RE = re.compile(r"'s\b|\u2019s\b")
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
    if n >= 2 and ("not" in words or "without" in words):
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
        row = dict(zip(header, cells))
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


class SearchIndex:
    """An immutable inverted index over :class:`Document` objects.

    *system_order* fixes the order of systems in ties and code listings
    (systems not named come after, alphabetically).
    """

    def __init__(
        self,
        documents: Iterable[Document],
        synonyms: Iterable[Synonym] = (),
        *,
        system_order: Sequence[str] = (),
    ) -> None:
        docs = list(documents)
        # -- analyse every text once (duplicates are common: inherited terms)
        cache: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}
        stem = _stem
        analysed: list[tuple[tuple[str, ...], tuple[str, ...], bool]] = []
        for doc in docs:
            a = cache.get(doc.text)
            if a is None:
                words, massless, general = _analyze(doc.text)
                stems = [stem(w) for w in words]
                heavy = tuple(dict.fromkeys(s for s, m in zip(stems, massless) if not m))
                a = (tuple(dict.fromkeys(stems)), heavy, general > 0)
                cache[doc.text] = a
            analysed.append(a)
        # -- vocabulary and document frequencies
        df: dict[str, int] = {}
        for all_stems, _, _ in analysed:
            for s in all_stems:
                df[s] = df.get(s, 0) + 1
        n_docs = len(docs)
        self._n_docs = n_docs
        vocab = sorted(df)
        word_id = {w: i for i, w in enumerate(vocab)}
        idf = [math.log((n_docs + 1) / (df[w] + 0.5)) for w in vocab]
        self._word_id = word_id
        self._idf = idf
        self._df = [df[w] for w in vocab]

        # -- systems and codes
        order = {s: i for i, s in enumerate(system_order)}
        extra = sorted({d.system for d in docs} - set(order))
        for s in extra:
            order[s] = len(order)
        self._system_rank = order

        # -- document prior: cheaper, billable, general documents first
        def mass_of(heavy: tuple[str, ...]) -> float:
            return sum(idf[word_id[s]] for s in heavy)

        kind_rank = {k: i for i, k in enumerate(MATCH_KINDS)}
        prior: list[tuple[float, int, str, int, str, int]] = []
        masses: list[float] = []
        generals: list[bool] = []
        for i, (doc, (_, heavy, general)) in enumerate(zip(docs, analysed)):
            mass = mass_of(heavy)
            g = general if doc.general is None else doc.general
            masses.append(mass)
            generals.append(g)
            key = mass + (0.0 if doc.billable else 2.0) - (0.5 if g else 0.0)
            prior.append((round(key, 9), order[doc.system], doc.code, kind_rank.get(doc.kind, 9),
                          doc.text, i))
        prior.sort()
        perm = [p[-1] for p in prior]

        # -- per-code tables
        code_id: dict[tuple[str, str], int] = {}
        code_system: list[str] = []
        code_code: list[str] = []
        code_desc: list[str] = []
        code_billable: list[bool] = []
        code_has_desc: list[bool] = []
        for doc in sorted(docs, key=lambda d: (order[d.system], _code_key(d.code), d.code)):
            k = (doc.system, doc.code)
            cid = code_id.get(k)
            desc = doc.description if doc.description is not None else doc.text
            if cid is None:
                code_id[k] = len(code_system)
                code_system.append(doc.system)
                code_code.append(doc.code)
                code_desc.append(desc)
                code_billable.append(doc.billable)
                code_has_desc.append(doc.kind == "description")
            elif doc.kind == "description" and not code_has_desc[cid]:
                code_desc[cid] = desc
                code_billable[cid] = doc.billable
                code_has_desc[cid] = True
        self._code_system = code_system
        self._code_code = code_code
        self._code_desc = code_desc
        self._code_billable = code_billable
        self._code_keys = [_code_key(c) for c in code_code]
        # code listing order: by key, then system rank (a prefix may match several systems)
        listing = sorted(range(len(code_code)),
                         key=lambda c: (self._code_keys[c], order[code_system[c]], code_code[c]))
        self._listing = listing
        self._listing_keys = [self._code_keys[c] for c in listing]
        # ids are assigned in system/code order, so the id is the tie-break rank
        self._system_codes: dict[str, range] = {}
        for s in order:
            ids = [i for i, cs in enumerate(code_system) if cs == s]
            if ids:
                self._system_codes[s] = range(ids[0], ids[-1] + 1)

        # -- documents in prior order
        self._doc_code: list[int] = []
        self._doc_text: list[str] = []
        self._doc_kind: list[str] = []
        self._doc_weight: list[float] = []
        self._doc_billable: list[bool] = []
        self._doc_general: list[bool] = []
        self._doc_mass: list[float] = []
        self._doc_heavy: list[tuple[int, ...]] = []
        postings: list[list[int]] = [[] for _ in vocab]
        kinds: dict[str, str] = {}
        for new_id, old in enumerate(perm):
            doc = docs[old]
            all_stems, heavy, _ = analysed[old]
            self._doc_code.append(code_id[(doc.system, doc.code)])
            self._doc_text.append(doc.text)
            self._doc_kind.append(kinds.setdefault(doc.kind, doc.kind))
            self._doc_weight.append(doc.weight)
            self._doc_billable.append(doc.billable)
            self._doc_general.append(generals[old])
            self._doc_mass.append(masses[old])
            self._doc_heavy.append(tuple(word_id[s] for s in heavy))
            for s in all_stems:
                postings[word_id[s]].append(new_id)
        self._postings: list[set[int]] = [set(p) for p in postings]
        self._by_system: dict[str, set[int]] = {}
        for d, c in enumerate(self._doc_code):
            self._by_system.setdefault(code_system[c], set()).add(d)
        self._billable_docs = {d for d, b in enumerate(self._doc_billable) if b}

        # -- surface vocabulary (for prefixes and spelling), from every text
        surf: dict[str, int] = {}
        for text in cache:
            for w in _analyze(text)[0]:
                s = stem(w)
                if s in word_id:
                    surf[w] = word_id[s]
        self._surface_word = surf
        self._surfaces_sorted = sorted(surf)
        by_len: dict[int, list[str]] = {}
        for w in self._surfaces_sorted:
            if w.isalpha():
                by_len.setdefault(len(w), []).append(w)
        self._surfaces_by_len = by_len

        # -- synonyms: key (stems) -> [(expansion stems, kind)]
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
        self._allowed_cache: dict[tuple[object, ...], set[int] | None] = {}

    # ------------------------------------------------------------------
    def __len__(self) -> int:
        """The number of documents."""
        return len(self._doc_code)

    @property
    def systems(self) -> tuple[str, ...]:
        """The systems present, in rank order."""
        return tuple(s for s in self._system_rank if s in self._system_codes)

    @property
    def code_count(self) -> int:
        """The number of distinct codes."""
        return len(self._code_code)

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
            text = item.strip()
            m = re.fullmatch(r"([A-Za-z0-9.]+)\s*-\s*([A-Za-z0-9.]+)", text)
            if m:
                lo, hi = _code_key(m.group(1)), _code_key(m.group(2))
                if lo > hi:
                    lo, hi = hi, lo
                ranges.append((lo, hi))
            else:
                plain.append(_code_key(text))
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
            allowed = set()
            for s in sys_key:
                allowed |= self._by_system.get(s, set())
        if billable_only:
            allowed = self._billable_docs if allowed is None else allowed & self._billable_docs
        pred = self._prefix_predicate(prefix)
        if pred is not None:
            keys = self._code_keys
            ok_codes = {c for c in range(len(keys)) if pred(keys[c])}
            codes = self._doc_code
            pool = range(len(codes)) if allowed is None else allowed
            allowed = {d for d in pool if codes[d] in ok_codes}
        if len(self._allowed_cache) > 64:
            self._allowed_cache.clear()
        self._allowed_cache[key] = allowed
        return allowed

    def _code_ok(self, c: int, allowed_systems: set[str] | None, billable_only: bool,
                 pred: Callable[[str], bool] | None) -> bool:
        if allowed_systems is not None and self._code_system[c] not in allowed_systems:
            return False
        if billable_only and not self._code_billable[c]:
            return False
        return pred is None or pred(self._code_keys[c])

    # ------------------------------------------------------------------
    # word expansion

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the index lives as long as its cache
    def _expand(self, surface: str, open_end: bool, exact_only: bool) -> _Token:
        """Tiers of (weight, documents) for one query word."""
        s = _stem(surface)
        wid = self._word_id.get(s)
        tiers: list[tuple[float, set[int]]] = []
        words: set[int] = set()
        if wid is not None:
            tiers.append((1.0, self._postings[wid]))
            words.add(wid)
        if exact_only or surface.isdigit():
            return _Token(tiers or [(1.0, set())], words, self._n_docs)
        # prefix completion: a word not known, or the last word typed so far
        min_len = 2 if open_end else 3
        if len(surface) >= min_len and (wid is None or open_end):
            lo = bisect.bisect_left(self._surfaces_sorted, surface)
            hi = bisect.bisect_left(self._surfaces_sorted, surface + "\x7f", lo)
            ids = {self._surface_word[w] for w in self._surfaces_sorted[lo:hi]}
            if wid is not None:
                ids.discard(wid)
            if ids:
                best = heapq.nsmallest(_PREFIX_EXPANSIONS, ids, key=lambda i: (-self._df[i], i))
                weight = _W_PREFIX if wid is None else _W_PREFIX_OF_WORD
                tiers.append((weight, set().union(*(self._postings[i] for i in best))))
                words.update(best)
        # spelling: only for words the index does not know and cannot complete
        if wid is None and not words and len(surface) >= 4 and surface.isalpha():
            for dist, ids in self._spelling(surface):
                tiers.append((_W_FUZZY[dist], set().union(*(self._postings[i] for i in ids))))
                words.update(ids)
        return _Token(tiers or [(1.0, set())], words, self._n_docs)

    def _spelling(self, surface: str) -> list[tuple[int, list[int]]]:
        """Known words within a small edit distance, grouped by distance."""
        n = len(surface)
        max_d = 1 if n <= 5 else 2 if n <= 9 else 3
        found: dict[int, int] = {}  # word id -> distance
        for length in range(max(1, n - max_d), n + max_d + 1):
            choices = self._surfaces_by_len.get(length)
            if not choices:
                continue
            for word, dist, _ in process.extract(
                surface, choices, scorer=OSA.distance, score_cutoff=max_d, limit=None
            ):
                wid = self._surface_word[word]
                d = int(dist)
                if d < found.get(wid, 99):
                    found[wid] = d
        if not found:
            return []
        ranked = sorted(found, key=lambda i: (found[i], -self._df[i], i))[:_FUZZY_LIMIT]
        best = found[ranked[0]]
        # keep the closest words and those one edit further only if they are common
        keep = [i for i in ranked if found[i] == best or found[i] == best + 1]
        groups: dict[int, list[int]] = {}
        for i in keep:
            groups.setdefault(found[i], []).append(i)
        return sorted(groups.items())

    # ------------------------------------------------------------------
    def _concepts(self, words: list[str], open_end: bool) -> list[_Concept]:
        stems = [_stem(w) for w in words]
        n = len(words)
        concepts: list[_Concept] = []
        i = 0
        while i < n and len(concepts) < _MAX_CONCEPTS:
            matched = False
            for k in range(min(self._syn_max, n - i), 0, -1):
                key = tuple(stems[i : i + k])
                expansions = self._synonyms.get(key)
                if expansions is None:
                    continue
                last = i + k == n
                own = [self._expand(w, open_end and last and j == k - 1, True)
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
                last = i == n - 1
                tok = self._expand(words[i], open_end and last, False)
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
    ) -> list[EngineHit]:
        """Ranked hits for *text*; never raises for a ``str``.

        *systems* restricts to those systems, *billable_only* drops headers,
        *prefix* keeps codes starting with a code prefix ("E11", "S52.5") or
        inside a range ("I00-I99"); a sequence of these keeps codes matching any.
        """
        if not isinstance(text, str):
            raise TypeError(f"query must be a str, not {type(text).__name__}")
        if limit <= 0 or not self._doc_code:
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
        concepts = self._concepts(words, open_end)
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
        sets = sorted((c.docs for c in live), key=len)
        if len(live) == len(concepts):
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
        qwords: set[int] = set()
        for c in concepts:
            for a in c.alts:
                for t in a.tokens:
                    qwords |= t.words
        idf = self._idf
        heavy = self._doc_heavy
        mass = self._doc_mass
        weight = self._doc_weight
        billable = self._doc_billable
        general = self._doc_general
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
            m = mass[d]
            if m > 0:
                hit = 0.0
                for wid in heavy[d]:
                    if wid in qwords:
                        hit += idf[wid]
                dcov = hit / m
            else:
                dcov = 1.0
            s = (q / total) * (0.6 + 0.4 * dcov) * weight[d]
            if billable[d]:
                if general[d]:
                    s += _GENERAL_BONUS
            else:
                s *= _W_HEADER
            s = round(s, 6)
            cid = doc_code[d]
            prev = best.get(cid)
            if prev is None or s > prev[0]:
                best[cid] = (s, d, via)
        rank = self._system_rank
        systems = self._code_system
        top = heapq.nsmallest(limit, best.items(),
                              key=lambda kv: (-kv[1][0], rank[systems[kv[0]]], kv[0]))
        hits: list[EngineHit] = []
        for cid, (s, d, via) in top:
            kind = via if via is not None else self._doc_kind[d]
            hits.append(EngineHit(systems[cid], self._code_code[cid], self._code_desc[cid],
                                  s, self._doc_text[d], kind, self._code_billable[cid]))
        return hits

    def _code_query(self, text: str, limit: int, systems: Sequence[str] | None,
                    billable_only: bool, prefix: str | Sequence[str] | None) -> list[EngineHit]:
        key = _code_key(text)
        if not key:
            return []
        allowed_systems = None if systems is None else set(systems)
        pred = self._prefix_predicate(prefix)
        keys = self._listing_keys
        lo = bisect.bisect_left(keys, key)
        hi = bisect.bisect_left(keys, key + "\x7f", lo)
        hits: list[EngineHit] = []
        exact: list[EngineHit] = []
        for pos in range(lo, hi):
            c = self._listing[pos]
            if not self._code_ok(c, allowed_systems, billable_only, pred):
                continue
            is_exact = keys[pos] == key
            hit = EngineHit(self._code_system[c], self._code_code[c], self._code_desc[c],
                            1.0 if is_exact else 0.9, self._code_code[c], "code",
                            self._code_billable[c])
            (exact if is_exact else hits).append(hit)
            if len(hits) >= limit:
                break
        return (exact + hits)[:limit]
