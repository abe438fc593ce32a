"""Code references in ICD-10-CM tabular notes, as matchers.

Notes name codes and ranges in the tabular's own shorthand: ``E10.-`` (the category
and every code in it), ``O24.4-``, ``E89.1`` (the code and its subcodes),
``J70.2-J70.4`` and ``E08-E13`` (ranges, each end with its subcodes), and ranges
with a qualifier: ``E08-E13 with .42`` (the .42 codes of those categories),
``V01-V09 with 5th character 9``. A qualifier this reader does not understand
(``T36-T50 with fifth or sixth character 5``) drops the reference rather than
match too much. When a note puts codes in parentheses, only those count
(``pneumoconiosis with tuberculosis, any type in A15 (J65)`` names J65, not A15);
otherwise every code-like token does.

>>> refs = parse("acute and subacute respiratory conditions due to drugs (J70.2-J70.4)")
>>> [r[:2] for r in refs]
[('J702', 'J704')]
>>> matches(refs, "J703"), matches(refs, "J7049"), matches(refs, "J705")
(True, True, False)
>>> matches(parse("type 1 diabetes mellitus (E10.-)"), "E1065")
True
>>> dm = parse("diabetes mellitus (E08-E13 with .42)")
>>> matches(dm, "E1142"), matches(dm, "E119")
(True, False)
"""

from __future__ import annotations

import re

_CODE = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?"
_REF = re.compile(
    rf"(?<![0-9A-Za-z])({_CODE})(?:\s*-\s*({_CODE})(?![0-9A-Za-z])|\.?-|(?![0-9A-Za-z.]))"
)
_PAREN = re.compile(r"\(([^()]*)\)")
_WITH = re.compile(r"\s+with\b")
_TAIL = re.compile(r"\s+with\s+\.([0-9A-Z]+)-?(?:\.([0-9A-Z]+))?(?=[\s,);]|$)")
_NTH = re.compile(r"\s+with\s+(5th|fifth|6th|sixth|7th|seventh)\s+character\s+([0-9A-Z])\b")
_POS = {"5th": 4, "fifth": 4, "6th": 5, "sixth": 5, "7th": 6, "seventh": 6}

Ref = tuple[str, str, str, str, int, str]
"""``(low, high, tail low, tail high, position, character)``: normalized code prefixes
``low``..``high`` (equal for one code); optionally the characters after the category
between ``tail low`` and ``tail high``, or the character at ``position`` (0-based)."""


def _norm(code: str) -> str:
    return code.replace(".", "")


def parse(text: str) -> tuple[Ref, ...]:
    """The code references of one note."""
    if not isinstance(text, str):
        return ()
    inside = _PAREN.findall(text)
    scopes = [s for s in inside if _REF.search(s)] or [text]
    out: list[Ref] = []
    for scope in scopes:
        for m in _REF.finditer(scope):
            lo = _norm(m.group(1))
            hi = _norm(m.group(2)) if m.group(2) else lo
            if hi < lo:
                lo, hi = hi, lo
            rest = scope[m.end():]
            ref: Ref = (lo, hi, "", "", -1, "")
            if _WITH.match(rest):
                t = _TAIL.match(rest)
                n = _NTH.match(rest)
                if t is not None:
                    ref = (lo, hi, t.group(1), t.group(2) or t.group(1), -1, "")
                elif n is not None:
                    ref = (lo, hi, "", "", _POS[n.group(1)], n.group(2))
                else:
                    continue  # a qualifier we cannot read: better no match than a wrong one
            if ref not in out:
                out.append(ref)
    return tuple(out)


def matches(refs: tuple[Ref, ...], code: str) -> bool:
    """Whether a normalized code falls in any reference."""
    for lo, hi, tlo, thi, pos, ch in refs:
        if lo == hi:
            if not code.startswith(lo):
                continue
        elif not (code[: len(lo)] >= lo and code[: len(hi)] <= hi):
            continue
        if tlo:
            tail = code[3:]
            if not (tail[: len(tlo)] >= tlo and tail[: len(thi)] <= thi):
                continue
        if pos >= 0 and (len(code) <= pos or code[pos] != ch):
            continue
        return True
    return False
