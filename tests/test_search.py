"""Tests of ``codekit.search`` (module ``codekit.fuzzy``) against the shipped data, and of its code-object adapter."""

from __future__ import annotations

import datetime
import importlib
import threading
import types
from pathlib import Path
from typing import Any

import attrs
import pytest

import codekit

S = importlib.import_module("codekit.fuzzy")  # the module (codekit.search is the function)
search = S.search

EVAL = Path(__file__).with_name("search_eval.tsv")


def _eval_rows() -> list[dict[str, str]]:
    lines = EVAL.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]
            if line.strip() and not line.startswith("#")]


def _accepts(accepted: str, code: str) -> bool:
    norm = code.replace(".", "").upper()
    for item in accepted.split("|"):
        item = item.strip().replace(".", "").upper()
        if (item.endswith("-") and norm.startswith(item[:-1])) or norm == item:
            return True
    return False


def _has_data(system: str) -> bool:
    return S._code_set(system, None) is not None


def needs_data(test: Any) -> Any:
    """Marks a test that reads the bundled data. The data is part of the package, so a
    missing build fails (test_the_search_data_is_built), never skips."""
    return test


def test_the_search_data_is_built() -> None:
    assert _has_data("icd10cm") and _has_data("hcpcs")


# --- the 20 acceptance queries of issue 4, on the shipped editions


ACCEPTANCE = [r for r in _eval_rows() if r["acceptance"] == "yes"]


def test_eval_set_shape() -> None:
    rows = _eval_rows()
    assert len(rows) >= 100
    assert len(ACCEPTANCE) == 20
    for r in rows:
        assert r["query"] and r["accepted"] and r["category"] and r["citation"], r
        assert r["system"] in S.SYSTEMS
    cats = {r["category"] for r in rows}
    assert {"lay", "abbreviation", "misspelling", "word-order", "partial", "hcpcs"} <= cats


@needs_data
def test_acceptance_queries_top5() -> None:
    found = {}
    for r in ACCEPTANCE:
        codes = [h.code for h in search(r["query"], systems=("icd10cm", "hcpcs"),
                                                limit=5)]
        found[r["query"]] = any(_accepts(r["accepted"], c) for c in codes)
    misses = [q for q, ok in found.items() if not ok]
    assert len(misses) <= 1, misses


@needs_data
def test_eval_set_top5_rate() -> None:
    rows = _eval_rows()
    hit = 0
    for r in rows:
        codes = [h.code for h in search(r["query"], systems=("icd10cm", "hcpcs"), limit=5)]
        hit += any(_accepts(r["accepted"], c) for c in codes)
    assert hit / len(rows) >= 0.9


# --- public API behaviour


@needs_data
def test_hit_fields_and_frozen() -> None:
    hit = search("CHF", systems="icd10cm")[0]
    assert (hit.system, hit.code, hit.description) == (
        "icd10cm", "I50.9", "Heart failure, unspecified")
    assert hit.matched == "Congestive heart failure NOS"
    assert hit.match_kind == "abbreviation"
    assert hit.billable is True
    assert hit.edition == codekit.icd10cm.code_set().edition.id
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        hit.code = "X"  # type: ignore[misc]
    assert not hasattr(hit, "__dict__")  # slots


@needs_data
def test_code_prefix_query() -> None:
    hits = search("E11.", limit=50)
    assert hits[0].code == "E11"
    assert all(h.code.startswith("E11") and h.match_kind == "code" for h in hits)
    billable = search("E11.", limit=50, billable_only=True)
    assert billable and all(h.billable for h in billable)
    assert search("e119")[0].code == "E11.9"
    assert search("E0130")[0].system == "hcpcs"


@needs_data
def test_filters() -> None:
    assert all(h.system == "hcpcs" for h in search("walker", systems=["hcpcs"]))
    hits = search("diabetes", prefix="E11.4", limit=20)
    assert hits and all(h.code.startswith("E11.4") for h in hits)
    hits = search("fracture", prefix="S52-S52.9", limit=20)
    assert hits and all(h.code.startswith("S52") for h in hits)
    with pytest.raises(ValueError):
        search("walker", systems=["nope"])


@needs_data
def test_as_of_picks_the_edition_in_force() -> None:
    old = search("diabetes", systems="icd10cm", as_of=datetime.date(2024, 1, 15))
    assert old and {h.edition for h in old} == {"FY2024"}
    new = search("diabetes", systems="icd10cm")
    assert {h.edition for h in new} == {codekit.icd10cm.code_set().edition.id}


@needs_data
@pytest.mark.parametrize("q", ["", " ", "\n\t ", "the of and"])
def test_blank_queries(q: str) -> None:
    assert search(q) == []


@needs_data
def test_long_and_binary_queries_are_quick_and_safe() -> None:
    import time

    t = time.perf_counter()
    assert isinstance(search("x" * 100_000), list)
    assert isinstance(search("\x00\ud800 heart \udfff attack\x7f" * 5000), list)
    assert isinstance(search(bytes(range(256)).decode("latin-1")), list)
    assert time.perf_counter() - t < 2.0


def test_package_exports_search() -> None:
    assert codekit.search is search
    assert codekit.search("heart attack", limit=1)[0].code.startswith("I21")


def test_non_string_query_raises_type_error() -> None:
    with pytest.raises(TypeError):
        search(None)  # type: ignore[arg-type]


@needs_data
def test_concurrent_first_use_builds_each_index_once() -> None:
    S._indexes.clear()
    results: list[list[S.Hit]] = []

    def run() -> None:
        results.append(search("heart attack", systems=("icd10cm", "hcpcs")))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert len([k for k in S._indexes if k[0] in ("icd10cm", "hcpcs")]) == 2


def test_import_does_no_work() -> None:
    import importlib
    import sys

    saved = sys.modules.pop("codekit.fuzzy")
    try:
        mod = importlib.import_module("codekit.fuzzy")
        assert mod._indexes == {} and mod._synonyms is None
    finally:
        sys.modules["codekit.fuzzy"] = saved


def test_synonym_table_is_packaged_and_sourced() -> None:
    syn = S._load_synonyms()
    assert len(syn) >= 300
    assert all(e.source for e in syn)
    assert all(e.kind in ("synonym", "abbreviation") for e in syn)
    # words only: no expansion is a code
    import re

    assert not [e for e in syn if re.search(r"\b[A-Z]\d\d(\.\w+)?\b", e.expansion)]
    repo_copy = Path(__file__).parent.parent / "data" / "search" / "synonyms.tsv"
    if repo_copy.exists():
        packaged = Path(S.__file__).parent / "_data" / "search" / "synonyms.tsv"
        assert packaged.read_bytes() == repo_copy.read_bytes()


# --- the code-object adapter


def _obj(code: str, desc: str, billable: bool = True, short: str | None = None,
         terms: tuple[str, ...] = (), **extra: Any) -> Any:
    notes = types.SimpleNamespace(
        inclusion_terms=tuple(types.SimpleNamespace(text=t, source=code) for t in terms),
        includes=(types.SimpleNamespace(text="inherited from elsewhere", source="chapter 9"),),
    )
    return types.SimpleNamespace(code=code, description=desc, short_description=short,
                                 billable=billable, notes=notes, **extra)


def test_adapter_inherits_header_terms_to_the_general_code() -> None:
    objs = [
        _obj("H66.9", "Otitis media, unspecified", False, terms=("Acute otitis media NOS",)),
        _obj("H66.90", "Otitis media, unspecified, unspecified ear"),
        _obj("H66.91", "Otitis media, unspecified, right ear"),
    ]
    docs = S.documents_from_codes("icd10cm", objs)
    inherited = {d.code: d for d in docs if d.kind == "inclusion_term"}
    assert inherited["H66.9"].text == inherited["H66.90"].text == "Acute otitis media NOS"
    assert inherited["H66.90"].description == "Otitis media, unspecified, unspecified ear"
    # the most general code (fewest weighted words) inherits with the highest weight
    assert inherited["H66.90"].weight > inherited["H66.91"].weight
    assert "inherited from elsewhere" not in [d.text for d in docs]


def test_adapter_short_descriptions_only_when_they_add_words() -> None:
    docs = S.documents_from_codes("icd10cm", [
        _obj("S93.409A", "Sprain of unspecified ligament of unspecified ankle, initial encounter",
             short="Sprain of unsp ligament of unsp ankle, init encntr"),
        _obj("E0143", "Walker, folding, wheeled, adjustable or fixed height",
             short="Walker folding wheeled w/o s"),
        _obj("A0021", "Ambulance service, outside state per mile, transport (medicaid only)",
             short="Outside state ambulance serv"),
        _obj("G0008", "Administration of influenza virus vaccine", short="Admin influenza vaccine"),
        _obj("X1", "Long form", short="Different words"),
    ])
    shorts = {d.code for d in docs if d.kind == "short_description"}
    assert shorts == {"E0143", "X1"}  # "w/o" -> "without" is new; contractions are not


def test_adapter_skips_terminated_and_weights_later_encounters() -> None:
    ed = types.SimpleNamespace(effective=datetime.date(2026, 1, 1))
    docs = S.documents_from_codes("hcpcs", [
        _obj("A1", "Old code", terminated=datetime.date(2020, 12, 31), edition=ed),
        _obj("A2", "Current code", terminated=None, edition=ed),
        _obj("S1.0XXD", "Sprain, subsequent encounter"),
    ])
    assert [d.code for d in docs] == ["A2", "S1.0XXD"]
    assert docs[1].weight < docs[0].weight


def test_icd9cm_and_pcs_per_system_search() -> None:
    from codekit import icd9cm, icd10pcs

    hits = icd9cm.search("diabetes type 2", limit=3)
    assert hits and all(h.system == "icd9cm" for h in hits)
    assert any(h.code.startswith("250.") for h in hits)
    pcs = icd10pcs.search("bypass cerebral ventricle nasopharynx", limit=3)
    assert pcs and pcs[0].code.startswith("0016")
