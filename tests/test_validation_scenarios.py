"""The claim scenarios of tests/scenarios/*.json: each claim gives exactly the findings its
scenario lists (see tests/scenarios/README.md)."""

from __future__ import annotations

import copy
import datetime
import glob
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

import codekit
from codekit import ncci, serialization
from codekit.claims import Claim
from codekit.findings import Severity

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")
PTP_FIXTURE = os.path.join(HERE, "fixtures", "ncci", "ccipra-v321r0-f1-FIXTURE.txt")


def _load(name: str) -> dict[str, Any]:
    with open(os.path.join(SCENARIOS, name), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


BASE = _load("_base.json")["claim"]


def _merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            out[k] = _merge(base.get(k), v) if k in base else v
        return out
    return copy.deepcopy(patch)


def _cases() -> Iterator[Any]:
    for path in sorted(glob.glob(os.path.join(SCENARIOS, "*.json"))):
        name = os.path.basename(path)
        if name.startswith("_"):
            continue
        data = _load(name)
        for i, sc in enumerate(data["scenarios"]):
            yield pytest.param(data, sc, id=f"{name[:-5]}-{i:02d}-{sc['name'][:40]}")


CASES = list(_cases())


def _pair(text: str) -> tuple[str, str]:
    rule, _, path = text.partition(" ")
    return rule, path


CPT_FIXTURE = os.path.join(HERE, "fixtures", "cpt_synthetic.txt")


@pytest.fixture
def cpt_fixture() -> Iterator[None]:
    from codekit import cpt

    cpt.load(CPT_FIXTURE, edition="2026")
    try:
        yield
    finally:
        cpt._REG.remove("2026")


@pytest.fixture
def ptp_fixture() -> Iterator[None]:
    ed = ncci.load_ptp(PTP_FIXTURE)
    try:
        yield
    finally:
        ncci.unload("ptp", ed.id)


def run(data: dict[str, Any], sc: dict[str, Any]) -> codekit.findings.Report:
    claim = serialization.structure(_merge(BASE, sc["claim"]), Claim)
    day = datetime.date.fromisoformat(sc.get("submitted_on", data["submitted_on"]))
    return codekit.check_claim(claim, submitted_on=day, options=sc.get("options"),
                               severity_overrides=sc.get("severity_overrides"))


@pytest.mark.parametrize(("data", "sc"), CASES)
def test_scenario(data: dict[str, Any], sc: dict[str, Any], request: pytest.FixtureRequest) -> None:
    if data.get("ptp_fixture"):
        request.getfixturevalue("ptp_fixture")
    if data.get("cpt_fixture"):
        request.getfixturevalue("cpt_fixture")
    assert sc.get("citation"), "every scenario cites its source"
    report = run(data, sc)
    got = sorted((f.rule, f.path) for f in report if f.severity >= Severity.WARNING)
    want = sorted(_pair(e) for e in sc["expect"])
    shown = "\n".join(f"  {f.severity} {f.rule} {f.path}: {f.message}" for f in report)
    if sc.get("exact", True):
        assert got == want, f"findings:\n{shown}"
    else:
        missing = [w for w in want if w not in got]
        assert not missing, f"missing {missing}; findings:\n{shown}"
    infos = {(f.rule, f.path) for f in report if f.severity is Severity.INFO}
    for e in sc.get("info", []):
        assert _pair(e) in infos, f"missing info {e}; findings:\n{shown}"
    for e in sc.get("not_info", []):
        assert _pair(e) not in infos, f"unexpected info {e}; findings:\n{shown}"
    assert report.ok is sc["ok"], f"findings:\n{shown}"
    for f in report:
        assert f.message and codekit.rules.get(f.rule).id == f.rule


def test_the_suite_is_large_and_about_a_third_valid() -> None:
    total = len(CASES)
    valid = sum(1 for c in CASES if c.values[1]["ok"] and not c.values[1]["expect"])
    assert total >= 60
    assert 0.25 <= valid / total <= 0.45, (valid, total)


def test_every_rule_family_has_a_scenario() -> None:
    fired = {_pair(e)[0].split("-")[0] for c in CASES for e in c.values[1]["expect"]}
    families = {r.family for r in codekit.rules.all() if r.severity >= Severity.WARNING}
    missing = {f for f in families if f not in fired and f not in ("ENGINE",)}
    assert not missing, missing
