"""Every code-system module: is_valid/check never raise on junk; normalization laws.

Like python-stdnum's robustness doctest, for each shipped system.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codekit import _resources
from codekit.codeset import _table_loader

SYSTEMS = sorted(_resources.edition_index())
junk = st.one_of(
    st.text(),
    st.binary(),
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.lists(st.text(), max_size=3),
    st.text(alphabet="ABCDEGHJKLMNOPQRSTVWXYZ0123456789.- ", max_size=9),
)


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"codekit.{name}")


@pytest.mark.parametrize("system", SYSTEMS)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(value=junk)
def test_is_valid_and_check_never_raise(system: str, value: object) -> None:
    m = _module(system)
    assert m.is_valid(value) in (True, False)
    r = m.check(value)
    assert r.status is not None and isinstance(r.message, str) and r.message


@pytest.mark.parametrize("system", SYSTEMS)
@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=12))
def test_normalize_is_idempotent(system: str, text: str) -> None:
    m = _module(system)
    once = m.normalize(text)
    assert m.normalize(once) == once


@pytest.mark.parametrize("system", SYSTEMS)
def test_format_round_trips_every_shipped_code(system: str) -> None:
    m = _module(system)
    for e in m.editions():
        for code in m.code_set(e.id).codes():
            assert m.normalize(m.format(code)) == m.normalize(code), code
            assert m.format(m.normalize(code)) == code, code


def test_icd10cm_loads_once_under_concurrency() -> None:
    from codekit import icd10cm

    icd10cm._REG.remove("FY2025")  # drop the loaded copy, then re-register from the bundle
    from codekit import _resources as r

    for ed, path in r.bundled_editions("icd10cm"):
        if ed.id == "FY2025":
            icd10cm._REG.add(ed, _table_loader(ed, path, lambda: icd10cm._SYS))
    calls = []
    real = icd10cm._REG._loaders["FY2025"]

    def counting() -> object:
        calls.append(1)
        return real()

    icd10cm._REG._loaders["FY2025"] = counting
    results: list[object] = []
    barrier = threading.Barrier(16)

    def worker() -> None:
        barrier.wait()
        results.append(icd10cm.get("G35", as_of="2025-01-01"))

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(results) == 16 and all(r is results[0] for r in results)


def test_import_does_no_io() -> None:
    import subprocess
    import sys

    code = (
        "import builtins, io, os, mmap\n"
        "opened = []\n"
        "real_open = io.open\n"
        "def spy(f, *a, **k):\n"
        "    opened.append(str(f)); return real_open(f, *a, **k)\n"
        "builtins.open = io.open = spy\n"
        "real_mmap = mmap.mmap\n"
        "import codekit, codekit.icd10cm\n"
        "import sys\n"
        "print([f for f in opened if '_data' in f])\n"
        "print(sorted(m for m in ('typing','attrs','json','enum','threading','cattrs') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "[]"  # no data file opened at import
    assert lines[1] == "[]"  # and none of the heavy modules imported


@pytest.mark.parametrize("system", SYSTEMS)
@settings(max_examples=150)
@given(value=junk)
def test_validate_agrees_with_check_and_raises_only_codekit_errors(
    system: str, value: object
) -> None:
    from codekit.errors import CodekitError
    from codekit.status import CodeStatus

    m = _module(system)
    r = m.check(value)
    try:
        got = m.validate(value)
    except CodekitError:
        assert r.status not in (CodeStatus.VALID, CodeStatus.NOT_CHECKED)
    else:
        assert r.status in (CodeStatus.VALID, CodeStatus.NOT_CHECKED) and got == r.code


@pytest.mark.parametrize("system", SYSTEMS)
def test_code_objects_pickle_compare_and_hash_by_code_and_edition(system: str) -> None:
    import pickle

    m = _module(system)
    for e in m.editions():
        cs = m.code_set(e.id)
        first = next(iter(cs.billable()))
        again = pickle.loads(pickle.dumps(first))
        assert again == first and hash(again) == hash(first) and str(first) == first.code
        assert again.edition.id == e.id
    objs = [c for e in m.editions() for c in list(m.code_set(e.id))[:50]]
    assert len(set(objs)) == len(objs)  # (code, edition) identifies a code object
