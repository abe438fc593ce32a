"""Benchmark and evaluate ``codekit.search``.

Run as ``python benchmarks/bench_search.py`` (``nox -s bench``). It prints, all
measured in this run:

* index build/load time for ICD-10-CM and HCPCS;
* per-query median and 99th percentile over the evaluation set;
* top-1 and top-5 hit rates on the 20 acceptance queries and on the whole
  evaluation set (``tests/search_eval.tsv``);
* the naive baseline, ``rapidfuzz.process.extract(query, descriptions,
  scorer=WRatio, limit=5)`` over the same ICD-10-CM billable descriptions: its
  median time and its hit rates, and the ratios.

``--raw`` builds the documents straight from the official files in
``shared/sources`` instead of through ``codekit.icd10cm`` / ``codekit.hcpcs``
(useful while a code-set module is missing).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
import types
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

EVAL_FILE = ROOT / "tests" / "search_eval.tsv"


def _shared() -> Path:
    """The folder holding ``sources/`` with the official files: the repo's ``data/``
    (or ``$CODEKIT_SHARED``)."""
    for cand in (os.environ.get("CODEKIT_SHARED"), ROOT / "data"):
        if cand and (Path(cand) / "sources").is_dir():
            return Path(cand)
    raise FileNotFoundError("data/sources not found (set CODEKIT_SHARED)")


# ---------------------------------------------------------------------------
# raw-file records shaped like the code-set modules' code objects

def _note(text: str, source: str) -> Any:
    return types.SimpleNamespace(text=text, source=source)


def raw_icd10cm_records(shared: Path | None = None) -> list[Any]:
    """FY2025 order-file descriptions + FY2026 tabular inclusion terms, as code objects."""
    shared = shared or _shared()
    notes: dict[str, tuple[list[str], list[str]]] = {}
    with gzip.open(shared / "sources/icd10cm/icd10c-tabular-April-1-2026.xml.gz") as fh:
        for _, el in ET.iterparse(fh):
            if el.tag != "diag":
                continue
            name = el.findtext("name") or ""
            inc = [n.text or "" for c in el.findall("inclusionTerm") for n in c.findall("note")]
            includes = [n.text or "" for c in el.findall("includes") for n in c.findall("note")]
            if inc or includes:
                notes[name] = (inc, includes)
    out = []
    path = shared / "sources/icd10cm/icd10cm_order_2025.derived.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            _, code, billable, short, long = line.rstrip("\n").split("\t")
            dotted = code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"
            inc, includes = notes.get(dotted, ([], []))
            ns = types.SimpleNamespace(
                inclusion_terms=tuple(_note(t, dotted) for t in inc),
                includes=tuple(_note(t, dotted) for t in includes),
            )
            out.append(types.SimpleNamespace(code=dotted, description=long,
                                             short_description=short, billable=billable == "1",
                                             notes=ns))
    return out


def raw_hcpcs_records(shared: Path | None = None, effective: str = "20260101") -> list[Any]:
    """HCPCS 2026 January procedure codes (not terminated), as code objects."""
    shared = shared or _shared()
    recs: dict[str, dict[str, str]] = {}
    order: list[str] = []
    path = shared / "sources/hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz"
    with gzip.open(path, "rt", encoding="latin-1") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if len(line) < 11:
                continue
            code, recid = line[0:5].strip(), line[10]
            if recid == "3":
                recs[code] = {"long": line[11:91].strip(), "short": line[91:119].strip(),
                              "term": line[284:292].strip()}
                order.append(code)
            elif recid == "4" and code in recs:
                recs[code]["long"] += " " + line[11:91].strip()
    out = []
    for code in order:
        r = recs[code]
        if r["term"] and r["term"] <= effective:
            continue
        out.append(types.SimpleNamespace(code=code, description=" ".join(r["long"].split()),
                                         short_description=r["short"], billable=True))
    return out


# ---------------------------------------------------------------------------
# evaluation set

def load_eval(path: Path = EVAL_FILE) -> list[dict[str, str]]:
    """Rows of the evaluation TSV (query, accepted, category, acceptance, citation)."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"), strict=False)))
    return rows


def accepts(accepted: str, code: str) -> bool:
    """Whether *code* is one of ``a|b|c`` (an entry ending in ``-`` is a prefix)."""
    norm = code.replace(".", "").upper()
    for item in accepted.split("|"):
        item = item.strip().replace(".", "").upper()
        if not item:
            continue
        if item.endswith("-"):
            if norm.startswith(item[:-1]):
                return True
        elif norm == item:
            return True
    return False


def rank_of(codes: Sequence[str], accepted: str) -> int | None:
    for i, c in enumerate(codes):
        if accepts(accepted, c):
            return i + 1
    return None


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


# ---------------------------------------------------------------------------

def _runner(raw: bool) -> tuple[Callable[[str], list[str]], dict[str, float], list[str]]:
    """A function query -> codes, the build times, and the ICD-10-CM billable descriptions."""
    import importlib

    from codekit._searchengine import SearchIndex

    S = importlib.import_module("codekit.fuzzy")

    times: dict[str, float] = {}
    if raw:
        syn = S._load_synonyms()
        recs = {"icd10cm": raw_icd10cm_records(), "hcpcs": raw_hcpcs_records()}
        indexes = {}
        for system, r in recs.items():
            docs = S.documents_from_codes(system, r)
            t = time.perf_counter()
            data = SearchIndex(docs, syn, system_order=S.SYSTEMS).to_bytes()
            print(f"  (raw mode: built the {system} index in {time.perf_counter() - t:.1f} s, "
                  f"{len(data) / 1e6:.1f} MB serialised)")
            t = time.perf_counter()
            indexes[system] = SearchIndex.from_bytes(data, syn)
            times[system] = time.perf_counter() - t
        descriptions = [r.description for r in recs["icd10cm"] if r.billable]

        targets = [(system, indexes[system], "raw") for system in ("icd10cm", "hcpcs")]

        def run(q: str) -> list[str]:
            return [h.code for h in S._merged_query(targets, q, limit=5)]

        return run, times, descriptions

    import codekit.hcpcs
    import codekit.icd10cm

    for system in ("icd10cm", "hcpcs"):
        cs = S._code_set(system, None)
        if cs is None:
            raise SystemExit(f"codekit.{system} has no data; try --raw")
        t = time.perf_counter()
        S._index_for(system, cs)
        times[system] = time.perf_counter() - t
    descriptions = [c.description for c in codekit.icd10cm.code_set() if c.billable]

    def run(q: str) -> list[str]:
        return [h.code for h in S.search(q, systems=("icd10cm", "hcpcs"), limit=5)]

    return run, times, descriptions


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", action="store_true", help="index the raw official files")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes over the set")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)

    rows = load_eval()
    accept20 = [r for r in rows if r.get("acceptance") == "yes"]
    run, times, descriptions = _runner(args.raw)

    print(f"index build/load: ICD-10-CM {times['icd10cm'] * 1000:.0f} ms, "
          f"HCPCS {times['hcpcs'] * 1000:.0f} ms (limit 1000 ms each)")

    # quality
    results: dict[str, list[str]] = {r["query"]: run(r["query"]) for r in rows}

    def rates(subset: list[dict[str, str]], res: dict[str, list[str]]) -> tuple[int, int, int]:
        top1 = sum(1 for r in subset if rank_of(res[r["query"]][:1], r["accepted"]))
        top5 = sum(1 for r in subset if rank_of(res[r["query"]][:5], r["accepted"]))
        return top1, top5, len(subset)

    # speed
    lat: list[float] = []
    for _ in range(args.repeat):
        for r in rows:
            t = time.perf_counter()
            run(r["query"])
            lat.append((time.perf_counter() - t) * 1000)
    med, p99 = statistics.median(lat), _pct(lat, 0.99)

    # baseline: naive rapidfuzz over the ICD-10-CM billable descriptions
    from rapidfuzz import fuzz, process

    icd_rows = [r for r in rows if r.get("system", "icd10cm") == "icd10cm"]
    icd_codes_by_desc: dict[int, str] = {}
    base_res: dict[str, list[str]] = {}
    base_lat: list[float] = []
    codes = _billable_icd_codes(args.raw)
    for i, c in enumerate(codes):
        icd_codes_by_desc[i] = c
    for r in icd_rows:
        t = time.perf_counter()
        found = process.extract(r["query"], descriptions, scorer=fuzz.WRatio, limit=5)
        base_lat.append((time.perf_counter() - t) * 1000)
        base_res[r["query"]] = [icd_codes_by_desc[i] for _, _, i in found]
    base_med = statistics.median(base_lat)

    a1, a5, an = rates(accept20, results)
    e1, e5, en = rates(rows, results)
    i1, i5, inn = rates(icd_rows, results)
    b1, b5, bn = rates([r for r in accept20 if r in icd_rows], base_res)
    bi1, bi5, bin_ = rates(icd_rows, base_res)
    print(f"queries timed: {len(lat)} ({len(rows)} x {args.repeat}), ICD-10-CM + HCPCS")
    print(f"codekit.search: median {med:.2f} ms, p99 {p99:.2f} ms (limits 5 ms / 20 ms)")
    print(f"acceptance queries: top-1 {a1}/{an}, top-5 {a5}/{an} (need >= 19/20 in top 5)")
    print(f"evaluation set: top-1 {e1}/{en} ({e1 / en:.0%}), top-5 {e5}/{en} ({e5 / en:.0%})")
    print(f"  ICD-10-CM part: top-1 {i1}/{inn}, top-5 {i5}/{inn}")
    by_cat: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_cat.setdefault(r["category"], []).append(r)
    for cat in sorted(by_cat):
        c1, c5, cn = rates(by_cat[cat], results)
        print(f"    {cat:<14} top-1 {c1:>3}/{cn:<3} top-5 {c5:>3}/{cn}")
    print(f"baseline rapidfuzz WRatio over {len(descriptions)} ICD-10-CM descriptions: "
          f"median {base_med:.1f} ms")
    print(f"  acceptance queries: top-1 {b1}/{bn}, top-5 {b5}/{bn}")
    print(f"  ICD-10-CM part of the evaluation set: top-1 {bi1}/{bin_}, top-5 {bi5}/{bin_}")
    print(f"ratios: speed {base_med / med:.0f}x faster (baseline median / codekit median); "
          f"acceptance top-5 {a5}/{an} vs {b5}/{bn}; ICD-10-CM eval top-5 "
          f"{i5 / inn:.0%} vs {bi5 / bin_:.0%} ({(i5 / inn) / max(bi5 / bin_, 1e-9):.1f}x)")
    if args.show_misses:
        for r in rows:
            rk = rank_of(results[r["query"]][:5], r["accepted"])
            if rk != 1:
                print(f"  {'MISS' if rk is None else f'@{rk}  '} {r['query']!r} -> "
                      f"{results[r['query']]} want {r['accepted']}")
    return 0


def _billable_icd_codes(raw: bool) -> list[str]:
    if raw:
        return [r.code for r in raw_icd10cm_records() if r.billable]
    import codekit.icd10cm

    return [c.code for c in codekit.icd10cm.code_set() if c.billable]


if __name__ == "__main__":
    raise SystemExit(main())
