"""Generate docs/rules.rst from the rule registry (a test fails when the page drifts).

    python -m codekit.validation._docs > docs/rules.rst
"""

from __future__ import annotations

from ..findings import Severity
from .registry import Rule, all_rules

_TITLE = "Claim rules"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render() -> str:
    """The reStructuredText page listing every built-in rule, then the mapper's rules."""
    out = [
        _TITLE,
        "=" * len(_TITLE),
        "",
        ".. This page is generated from the rule registry by",
        "   ``python -m codekit.validation._docs > docs/rules.rst``; do not edit it by hand.",
        "",
        "Every rule :func:`codekit.check_claim` runs, with its stable id, default severity,",
        "what it checks and the source it implements. Turn rules or whole families off with",
        "``disable=``, change a severity with ``severity_overrides=`` (``\"off\"`` too), and add",
        "your own with :func:`codekit.rules.register`.",
        "",
    ]
    builtin = [r for r in all_rules() if r.builtin]
    families: dict[str, list[Rule]] = {}
    for r in builtin:
        families.setdefault(r.family, []).append(r)
    out.append(f"{len(builtin)} rules in {len(families)} families.")
    out.append("")
    for fam, members in families.items():
        out += [fam, "-" * len(fam), "", ".. list-table::", "   :header-rows: 1",
                "   :widths: 22 8 40 30", "", "   * - id", "     - severity",
                "     - checks", "     - source"]
        for r in members:
            out += [f"   * - ``{r.id}``", f"     - {r.severity}", f"     - {_cell(r.summary)}",
                    f"     - {_cell(r.citation)}"]
        out.append("")
    from ..claims.mapping import MAPPING_RULES

    out += ["Mapping (encounter to claims)", "-----------------------------", "",
            "The findings of :func:`codekit.encounter_to_claims` have the same shape; they are",
            "not run by ``check_claim``.", "", ".. list-table::", "   :header-rows: 1",
            "   :widths: 30 10 60", "", "   * - id", "     - severity", "     - meaning"]
    for rid, (sev, meaning) in MAPPING_RULES.items():
        out += [f"   * - ``{rid}``", f"     - {Severity.parse(sev)}", f"     - {_cell(meaning)}"]
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
