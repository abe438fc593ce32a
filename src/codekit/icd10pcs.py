"""ICD-10-PCS inpatient procedure codes (CMS), FY2024 to FY2027.

Every ICD-10-PCS code has exactly 7 characters (digits and letters, no I or
O); each position is an axis: section, body system, root operation, body part,
approach, device, qualifier (the names of the Medical and Surgical section;
other sections give some positions other meanings). Every code of an edition's
file is valid (billable). Prefixes of 1 to 4 characters (section, body system,
table, body part) are headers, derived from the codes; the order files (FY2025,
FY2026, October releases: the April updates are not in them) title the
3-character tables.

>>> from codekit import icd10pcs
>>> c = icd10pcs.get("0dtj0zz")
>>> c.code, c.billable, c.edition.id
('0DTJ0ZZ', True, 'FY2027')
>>> c.description
'Resection of Appendix, Open Approach'
>>> c.axes.operation.meaning, c.axes.body_part.meaning, c.axes.approach.meaning
('Resection', 'Appendix', 'Open')
>>> icd10pcs.is_valid("0DTJ0ZZ"), icd10pcs.check("0DT").status.value
(True, 'not_billable')
"""

from __future__ import annotations

import datetime
import os

from . import _resources
from ._editions import Edition, _Registry
from ._record import Record, TreeCodeRecord
from ._store import Table
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _bundled_bootstrap, _System
from .errors import CodekitError, SourceFormatError

if TYPE_CHECKING:
    from typing import Any

    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "Axes",
    "Axis",
    "CheckResult",
    "CodeStatus",
    "ICD10PCSCode",
    "changes",
    "check",
    "code_set",
    "editions",
    "format",
    "get",
    "is_valid",
    "load",
    "lookup",
    "normalize",
    "validate",
]

SYSTEM = "icd10pcs"
LABEL = "ICD-10-PCS"
_PATTERN = r"[0-9A-HJ-NP-Z]{1,7}"
_ICD10_START = datetime.date(2015, 10, 1)
_FORMAT_HINT = "7 letters or digits (no I or O), e.g. 0DTJ0ZZ; a prefix of 1 to 4 is a header"

AXIS_NAMES = (
    "section",
    "body_system",
    "operation",
    "body_part",
    "approach",
    "device",
    "qualifier",
)
"""Names of the 7 positions (those of the Medical and Surgical section)."""


class Axis(Record):
    """One character position of a code and what it means there.

    >>> get("0DTJ0ZZ").axes.approach
    Axis(position=5, name='approach', char='0', meaning='Open')
    """

    __slots__ = ("position", "name", "char", "meaning")
    position: int
    """1 to 7."""
    name: str
    """The Medical and Surgical name of the position, e.g. ``"approach"``."""
    char: str
    meaning: str | None
    """What the character stands for, as far as codekit could read it (None: unknown)."""

    def __init__(self, position: int, name: str, char: str, meaning: str | None) -> None:
        super().__init__(position=position, name=name, char=char, meaning=meaning)


class Axes(Record):
    """The 7 axes of a code (None for positions a header code does not have).

    Meanings come from the descriptions (see :doc:`the method </icd10pcs>`):
    position 1 is the section title; position 2 (body system) is never named
    in the descriptions, so its meaning is None; positions 3-7 hold the words
    the descriptions use for that value in that table, or None.

    >>> a = get("0DTJ0ZZ").axes
    >>> [x.char for x in a.all]
    ['0', 'D', 'T', 'J', '0', 'Z', 'Z']
    >>> a.section.meaning, a.body_system.meaning, a.device.meaning
    ('Medical and Surgical', None, None)
    """

    __slots__ = AXIS_NAMES
    section: Axis | None
    body_system: Axis | None
    operation: Axis | None
    body_part: Axis | None
    approach: Axis | None
    device: Axis | None
    qualifier: Axis | None

    def __init__(self, **axes: Axis | None) -> None:
        super().__init__(**{n: axes.get(n) for n in AXIS_NAMES})

    @property
    def all(self) -> tuple[Axis, ...]:
        """The axes the code has, in position order."""
        return tuple(a for a in (getattr(self, n) for n in AXIS_NAMES) if a is not None)


class ICD10PCSCode(TreeCodeRecord):
    """One ICD-10-PCS code (valid 7-character code, or a prefix header) of one edition.

    >>> c = get("0DTJ0ZZ")
    >>> c.parent, c.ancestors
    ('0DTJ', ('0DTJ', '0DT', '0D', '0'))
    >>> get("0DT").children[:3]
    ('0DT1', '0DT2', '0DT3')
    """

    __slots__ = (
        "code",
        "description",
        "short_description",
        "billable",
        "parent",
        "edition",
        "_set",
        "_row",
    )
    code: str
    """The code (no dot in ICD-10-PCS)."""
    description: str | None
    """The long description (None for a derived header)."""
    short_description: str | None
    """The short description, when the source has one (the codes file has not)."""
    billable: bool
    """A complete, valid 7-character code."""
    parent: str | None
    """The next shorter header prefix, None for a section."""
    edition: Edition
    _set: CodeSet[ICD10PCSCode]
    _row: int

    def __init__(
        self,
        code: str,
        description: str | None,
        short_description: str | None,
        billable: bool,
        parent: str | None,
        edition: Edition,
        _set: CodeSet[ICD10PCSCode],
        _row: int,
    ) -> None:
        super().__init__(
            code=code,
            description=description,
            short_description=short_description,
            billable=billable,
            parent=parent,
            edition=edition,
            _set=_set,
            _row=_row,
        )

    def __repr__(self) -> str:
        kind = "valid" if self.billable else "header"
        return f"<ICD10PCSCode {self.code} {kind} {self.edition.id}: {self.description!r}>"

    @property
    def section(self) -> str | None:
        """The section title (position 1), e.g. ``"Medical and Surgical"``."""
        from ._parsers.icd10pcs import SECTIONS

        return SECTIONS.get(self.code[0])

    @property
    def axes(self) -> Axes:
        """The characters and what each means (see :class:`Axes`)."""
        got: dict[str, Axes] = self._set._cache.setdefault("axes_of", {})
        axes = got.get(self.code)
        if axes is None:
            axes = got[self.code] = _axes(self._set, self.code, self.description)
        return axes


def _axes(cs: CodeSet[ICD10PCSCode], code: str, description: str | None) -> Axes:
    from ._parsers.icd10pcs import axis_meanings

    meanings = axis_meanings(cs._table.json("axes"), code, description)
    return Axes(
        **{
            name: Axis(i + 1, name, code[i], meanings[i]) if i < len(code) else None
            for i, name in enumerate(AXIS_NAMES)
        }
    )


def _display(code: str) -> str:
    return code


def _make(cs: CodeSet[ICD10PCSCode], row: int) -> ICD10PCSCode:
    t = cs._table
    p = cs._parent_row(row)
    return ICD10PCSCode(
        code=cs._code(row),
        description=t.text("description", row),
        short_description=t.text("short_description", row),
        billable=cs._is_billable(row),
        parent=None if p is None else cs._code(p),
        edition=cs.edition,
        _set=cs,
        _row=row,
    )


# ------------------------------------------------------------------------------------------
# editions
_REG: _Registry[CodeSet[ICD10PCSCode]] = _Registry(
    SYSTEM,
    LABEL,
    date_hint=lambda day: (
        "ICD-10-PCS applies to inpatient procedures from 2015-10-01; for earlier dates use "
        "codekit.icd9cm_procedures."
        if day < _ICD10_START
        else ""
    ),
    bootstrap=_bundled_bootstrap(SYSTEM, lambda: _SYS),
)


class _ICD10PCSSystem(_System[ICD10PCSCode]):
    def bad_format_message(self, code: object) -> str:
        msg = super().bad_format_message(code)
        if isinstance(code, str) and any(c in "IO" for c in code.upper()):
            msg += "; the letters I and O are never used (did you mean 1 or 0?)"
        return msg

    def missing_hint(self, cs: CodeSet[ICD10PCSCode], norm: str) -> str:
        if len(norm) < 7:
            return "; ICD-10-PCS codes have 7 characters" + super().missing_hint(cs, norm)
        return super().missing_hint(cs, norm)


_SYS: _System[ICD10PCSCode] = _ICD10PCSSystem(
    name=SYSTEM,
    label=LABEL,
    pattern=_PATTERN,
    display=_display,
    factory=_make,
    registry=_REG,
    format_hint=_FORMAT_HINT,
)


# ------------------------------------------------------------------------------------------
# verbs
def normalize(code: str) -> str:
    """Clean a code: strip blanks (and any dot), upper-case.

    >>> normalize(" 0dtj0zz ")
    '0DTJ0ZZ'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form (the 7 characters); raises InvalidCodeFormat for a malformed code.

    >>> format("0dtj0zz")
    '0DTJ0ZZ'
    >>> format("0DTJOZZ")
    Traceback (most recent call last):
    ...
    codekit.errors.InvalidCodeFormat: '0DTJOZZ' is not a well-formed ICD-10-PCS code (...); the letters I and O are never used (did you mean 1 or 0?)
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object (valid code or header) in the edition in force, else ``default``.

    >>> get("0DTJ0ZZ").description
    'Resection of Appendix, Open Approach'
    >>> get("0DTJ0ZY") is None
    True
    """
    cs = _REG.current if as_of is None else None
    if cs is None:
        cs = _REG.resolve(None, as_of)
    return cs.get(code, default)


def lookup(code: str, *, as_of: object = None) -> ICD10PCSCode:
    """Like :func:`get`, but raises a specific error that suggests near codes.

    >>> lookup("0DTJ0ZZ").code
    '0DTJ0ZZ'
    >>> lookup("0DTJ0ZY")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeNotFound: 0DTJ0ZY is not in ICD-10-PCS FY2027; did you mean 0DTJ0ZZ, ...?
    """
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("0dtj0zz")
    '0DTJ0ZZ'
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True when ``code`` is a valid 7-character code in the edition in force; never raises.

    >>> is_valid("0DTJ0ZZ"), is_valid("0DT"), is_valid(None), is_valid("0DTJ0ZY")
    (True, False, False, False)
    """
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid on a date; never raises for the code argument.

    >>> check("0DTJ0ZZ").status.value, check("0DT").status.value, check("0DTJ0").status.value
    ('valid', 'not_billable', 'unknown')
    >>> check("0DTJ0").message
    '0DTJ0 is not a code in any ICD-10-PCS edition codekit has (FY2027 in force); ICD-10-PCS codes have 7 characters; near codes: 0DTJ0ZZ, ...'
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[ICD10PCSCode]:
    """One edition as a :class:`~codekit.codeset.CodeSet` (by id, by date, or the newest).

    >>> cs = code_set("FY2024")
    >>> cs.billable_count, len(cs) - cs.billable_count
    (78603, 12898)
    """
    return _REG.resolve(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The editions available (bundled and loaded), oldest first.

    >>> [(e.id, e.effective.isoformat(), e.end.isoformat()) for e in editions()][:1]
    [('FY2024', '2023-10-01', '2024-09-30')]
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The ICD-10-PCS codes added, deleted and retitled from edition ``old`` to ``new`` (see
    :mod:`codekit.changes`).

    >>> ch = changes("FY2025", "FY2026")
    >>> len(ch.added), len(ch.deleted), [c.code for c in ch.revised]
    (206, 39, ['XW133G8', 'XW143G8'])
    """
    from .changes import compare

    return compare(code_set(old), code_set(new))


# ------------------------------------------------------------------------------------------
# loading official files at run time
def load(
    path: str | os.PathLike[str],
    *,
    edition: str | None = None,
    effective: datetime.date | None = None,
    end: datetime.date | None = None,
    replace: bool = False,
    infer_axes: bool = False,
) -> CodeSet[ICD10PCSCode]:
    """Read an official ICD-10-PCS codes or order file and add it as an edition.

    Plain, gzipped or zipped (as CMS publishes them). The fiscal year comes
    from a year in the file name unless ``edition`` (``"FY2027"``) is given;
    dates default to October 1 of the year before to September 30. Axis
    meanings are those of the newest bundled edition (shown only where the
    words occur in the new descriptions); ``infer_axes=True`` infers them
    from the new file instead (slow: about 15 seconds for a full file).

    A malformed line raises :class:`~codekit.errors.SourceFormatError` with the
    file and line.

    >>> import os, tempfile
    >>> from codekit import icd10pcs
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "icd10pcs_codes_2099.txt")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("0DTJ0ZZ Resection of Appendix, Open Approach\\n"
    ...                  "0DTJ4ZZ Resection of Appendix, Percutaneous Endoscopic Approach\\n")
    >>> cs = icd10pcs.load(p)
    >>> cs.edition.id, cs.edition.effective.isoformat(), cs.billable_count
    ('FY2099', '2098-10-01', 2)
    >>> icd10pcs.check("0DTJ4ZZ", as_of=datetime.date(2099, 1, 1)).edition
    'FY2099'
    >>> with open(p, "a") as fh:
    ...     _ = fh.write("0DTJ0Z\\n")
    >>> icd10pcs.load(p, replace=True)
    Traceback (most recent call last):
    ...
    codekit.errors.SourceFormatError: ...icd10pcs_codes_2099.txt, line 3: expected a 7-character code, a blank, then a description
    >>> _REG.remove("FY2099")  # (clean-up for the other examples)
    """
    import re

    from ._parsers import icd10pcs as parser

    name = os.fspath(path)
    parsed = parser.read(name)
    if edition is None:
        m = re.search(r"(?<!\d)(20\d\d)(?!\d)", os.path.basename(name))
        if m is None:
            raise SourceFormatError(
                "cannot tell the fiscal year from the file name; pass edition='FY2027' "
                "(and effective=/end= dates)",
                path=name,
            )
        edition = f"FY{m.group(1)}"
    if effective is None or end is None:
        m = re.fullmatch(r"FY(\d{4})", edition)
        if m is None:
            raise CodekitError(
                f"edition {edition!r} is not of the form FY2027; pass effective= and end= dates"
            )
        fy = int(m.group(1))
        effective = effective or datetime.date(fy - 1, 10, 1)
        end = end or datetime.date(fy, 9, 30)
    axes = None
    if not infer_axes:
        bundled = _resources.bundled_editions(SYSTEM)
        axes = _resources.open_table(bundled[-1][1]).json("axes") if bundled else None
    data = parser.to_table(
        parsed, {"system": SYSTEM, "edition": edition, "source": name, "kind": parsed.kind}, axes
    )
    ed = Edition(
        system=SYSTEM,
        id=edition,
        effective=effective,
        end=end,
        source=os.path.basename(name),
        origin=name,
        note=f"loaded at run time from the {parsed.kind} file",
    )
    cs: CodeSet[ICD10PCSCode] = CodeSet(Table(data, origin=name), ed, system=_SYS)
    _REG.add(ed, lambda: cs, replace=replace)
    return cs


def __getattr__(name: str) -> Any:
    # CheckResult and CodeStatus live in codekit.status; imported on first use so that
    # importing this module stays cheap.
    if name in ("CheckResult", "CodeStatus"):
        from . import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def search(
    query: str, *, limit: int = 10, as_of: object = None, billable_only: bool = False
) -> list[Any]:
    """Search this system by words (see :func:`codekit.fuzzy.search`)."""
    from .fuzzy import search as _search

    return _search(query, systems=("icd10pcs",), limit=limit, as_of=as_of,
                   billable_only=billable_only)
