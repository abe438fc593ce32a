"""CPT (Current Procedural Terminology) codes: format checks built in, content from a
licensed file the user supplies.

CPT descriptors are copyright of the American Medical Association, so codekit ships
none. Without a loaded file, codekit checks the *format* only:

* Category I: 5 digits (``99213``); also 4 digits and ``A`` (vaccine administration)
  or ``M`` (multianalyte assays with algorithmic analyses), which the AMA files list
  under Category I;
* Category II: 4 digits and ``F`` (``3074F``);
* Category III: 4 digits and ``T`` (``0042T``);
* PLA (proprietary laboratory analyses): 4 digits and ``U`` (``0001U``).

With no CPT file loaded, a well-formed code is **not checked**, never invalid:
``check`` returns :attr:`~codekit.status.CodeStatus.NOT_CHECKED`, ``is_valid`` is
True (format only), ``get`` returns None and ``lookup`` raises
:class:`NoCPTFile`. After :func:`load`, the verbs answer from that file for the
dates of its edition.

>>> from codekit import cpt
>>> cpt.category("99213"), cpt.category("3074f"), cpt.category("0042T"), cpt.category("0001U")
('I', 'II', 'III', 'PLA')
>>> cpt.check("99213").status.value, cpt.is_valid("99213"), cpt.is_valid("9921")
('not_checked', True, False)
"""

from __future__ import annotations

import datetime
import os

from ._editions import Edition, _Registry
from ._record import CodeRecord
from ._store import Table
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _System
from .errors import CodekitError, EditionNotFound, InvalidCodeFormat

if TYPE_CHECKING:
    from typing import Any

    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "CPTCode",
    "CheckResult",
    "CodeStatus",
    "NoCPTFile",
    "category",
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

SYSTEM = "cpt"
LABEL = "CPT"
_PATTERN = r"[0-9]{4}[0-9FTUAM]"
_FORMAT_HINT = "5 digits (Category I), or 4 digits and F (II), T (III) or U (PLA)"
_CATEGORIES = {"F": "II", "T": "III", "U": "PLA", "A": "I", "M": "I"}
_NOT_LOADED = (
    "no CPT file is loaded: CPT descriptors are AMA content that codekit does not ship; "
    "load your licensed file with codekit.cpt.load(path, edition='2026')"
)


class NoCPTFile(EditionNotFound):
    """No licensed CPT file is loaded (or none covers the date), so codekit cannot
    look a CPT code up. A :class:`LookupError`."""


class CPTCode(CodeRecord):
    """One CPT code of a loaded edition.

    >>> import os
    >>> cs = load(os.path.join(FIXTURES, "cpt_synthetic.txt"), edition="2099", register=False)
    >>> c = cs.get("99213")
    >>> c.code, c.category, c.billable
    ('99213', 'I', True)
    """

    __slots__ = (
        "_row",
        "_set",
        "billable",
        "category",
        "code",
        "description",
        "edition",
        "short_description",
    )
    code: str
    description: str
    """The descriptor, as the loaded file gives it."""
    short_description: str | None
    billable: bool
    """True for every code of the file."""
    category: str
    """``"I"``, ``"II"``, ``"III"`` or ``"PLA"``."""
    edition: Edition
    _set: CodeSet[CPTCode]
    _row: int

    def __repr__(self) -> str:
        return f"<CPTCode {self.code} {self.edition.id}: {self.description!r}>"

    def __str__(self) -> str:
        return self.code

    def __hash__(self) -> int:
        return hash((self.code, self.edition.id))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CPTCode):
            return NotImplemented
        return self.code == other.code and self.edition == other.edition


def _display(code: str) -> str:
    return code


def _make(cs: CodeSet[CPTCode], row: int) -> CPTCode:
    t = cs._table
    code = cs._code(row)
    return CPTCode(
        code=code,
        description=t.text("description", row) or "",
        short_description=t.text("short_description", row),
        billable=cs._is_billable(row),
        category=_CATEGORIES.get(code[-1], "I"),
        edition=cs.edition,
        _set=cs,
        _row=row,
    )


class _CPTSystem(_System[CPTCode]):
    def _loaded(self) -> bool:
        return bool(self.registry.editions())

    def code_set(self, edition: str | None = None, as_of: object = None) -> CodeSet[CPTCode]:
        if not self._loaded():
            raise NoCPTFile(_NOT_LOADED, system=SYSTEM, requested=edition, available=())
        return super().code_set(edition, as_of)

    def bad_format_message(self, code: object) -> str:
        msg = super().bad_format_message(code)
        if isinstance(code, str):
            norm = self.normalize(code)
            if len(norm) == 5 and norm[0].isalpha() and norm[1:].isdigit():
                msg += "; it looks like an HCPCS Level II code: use codekit.hcpcs"
        return msg

    def is_valid(self, code: object, as_of: object = None) -> bool:
        if not self._loaded():
            try:
                return self.well_formed(self.normalize(code))
            except InvalidCodeFormat:
                return False
        return super().is_valid(code, as_of)

    def check(self, code: object, as_of: object = None) -> CheckResult:
        if not self._loaded():
            from .status import CheckResult, CodeStatus

            shown = code if isinstance(code, str) else repr(code)
            try:
                norm = self.normalize(code)
            except InvalidCodeFormat as exc:
                return CheckResult(shown, self.name, CodeStatus.BAD_FORMAT, exc.message)
            if not self.well_formed(norm):
                return CheckResult(shown, self.name, CodeStatus.BAD_FORMAT,
                                   self.bad_format_message(code))
            return CheckResult(
                norm,
                self.name,
                CodeStatus.NOT_CHECKED,
                f"{norm} is a well-formed CPT Category {category(norm)} code; its content is not "
                f"checked: {_NOT_LOADED}",
            )
        return super().check(code, as_of)


_REG: _Registry[CodeSet[CPTCode]] = _Registry(SYSTEM, LABEL)

_SYS: _CPTSystem = _CPTSystem(
    name=SYSTEM,
    label=LABEL,
    pattern=_PATTERN,
    display=_display,
    factory=_make,
    registry=_REG,
    format_hint=_FORMAT_HINT,
    keep_dots=True,
)


# ------------------------------------------------------------------------------------------
# verbs
def normalize(code: str) -> str:
    """Clean a code: strip blanks, upper-case.

    >>> normalize(" 3074f ")
    '3074F'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form; raises InvalidCodeFormat for a malformed code.

    >>> format("0042t")
    '0042T'
    >>> format("E0114")
    Traceback (most recent call last):
    ...
    codekit.errors.InvalidCodeFormat: 'E0114' is not a well-formed CPT code (...); it looks like an HCPCS Level II code: use codekit.hcpcs
    """
    return _SYS.format(code)


def category(code: str) -> str:
    """``"I"``, ``"II"``, ``"III"`` or ``"PLA"``; raises InvalidCodeFormat for a
    malformed code.

    >>> category("99213"), category("0001A"), category("0591T")
    ('I', 'I', 'III')
    """
    norm = _SYS.validate_format(code)
    return _CATEGORIES.get(norm[-1], "I")


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object from the loaded file in force, else ``default`` (always ``default``
    when no CPT file is loaded).

    >>> get("99213") is None
    True
    """
    if not _SYS._loaded():
        return default
    try:
        cs = _REG.resolve(None, as_of)
    except EditionNotFound:
        return default
    return cs.get(code, default)


def lookup(code: str, *, as_of: object = None) -> CPTCode:
    """Like :func:`get`, but raises: :class:`NoCPTFile` when no file is loaded,
    :class:`~codekit.errors.CodeNotFound` when the code is not in it.

    >>> lookup("99213")
    Traceback (most recent call last):
    ...
    codekit.cpt.NoCPTFile: no CPT file is loaded: CPT descriptors are AMA content ...
    """
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("99213")
    '99213'
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """With a CPT file loaded: True when the code is in the edition in force. With none:
    True for any well-formed code (format only; content not checked without a licensed
    file). Never raises.

    >>> is_valid("99213"), is_valid("3074F"), is_valid("E0114"), is_valid(None)
    (True, True, False, False)
    """
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid; ``not_checked`` for well-formed codes while no CPT
    file is loaded (claims must not be rejected for it). Never raises for the code.

    >>> check("99213").status, check("9921").status
    (<CodeStatus.NOT_CHECKED: 'not_checked'>, <CodeStatus.BAD_FORMAT: 'bad_format'>)
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[CPTCode]:
    """A loaded edition as a :class:`~codekit.codeset.CodeSet`; raises :class:`NoCPTFile`
    when none is loaded."""
    return _SYS.code_set(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The loaded editions, oldest first (none until :func:`load`).

    >>> editions()
    ()
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The CPT codes added, deleted and revised between two loaded editions of your licensed
    file (edition ids; see :mod:`codekit.changes`).

    No CPT edition ships with codekit: load two years of your file first.
    """
    from .changes import compare

    return compare(code_set(old), code_set(new))


# ------------------------------------------------------------------------------------------
# loading the user's licensed file
def load(
    path: str | os.PathLike[str],
    *,
    edition: str | None = None,
    effective: datetime.date | None = None,
    end: datetime.date | None = None,
    replace: bool = False,
    register: bool = True,
) -> CodeSet[CPTCode]:
    """Read a licensed CPT file and add it as an edition.

    Reads the AMA data-file layout (code, blanks or a tab, descriptor) or a CSV/TSV
    with code and description columns, plain, gzipped or zipped. ``edition`` is the
    CPT year (``"2026"``: in force 2026-01-01 to 2026-12-31) unless ``effective``
    and ``end`` say otherwise; without it, a year in the file name is used.

    >>> import os
    >>> cs = load(os.path.join(FIXTURES, "cpt_synthetic.csv"), edition="2099", register=False)
    >>> cs.edition.effective.isoformat(), len(cs), cs.get("0001U").category
    ('2099-01-01', 8, 'PLA')
    """
    import re

    from ._parsers import cpt as parser

    name = os.fspath(path)
    parsed = parser.read(name)
    if edition is None:
        m = re.search(r"(?<!\d)(20\d\d)(?!\d)", os.path.basename(name))
        if m is None and effective is None:
            raise CodekitError(
                f"{name}: cannot tell the CPT year from the file name; pass edition='2026' "
                "(or effective= and end= dates)"
            )
        edition = m.group(1) if m else effective.isoformat()  # type: ignore[union-attr]
    year = int(edition) if re.fullmatch(r"\d{4}", edition) else None
    if effective is None:
        if year is None:
            raise CodekitError(f"edition {edition!r} is not a year; pass effective= and end=")
        effective = datetime.date(year, 1, 1)
    if end is None and year is not None and effective.year == year:
        end = datetime.date(year, 12, 31)
    meta = {"system": SYSTEM, "edition": edition, "source": name, "kind": parsed.kind}
    ed = Edition(
        system=SYSTEM,
        id=edition,
        effective=effective,
        end=end,
        source=os.path.basename(name),
        origin=name,
        note=f"loaded at run time from the user's licensed CPT file ({parsed.kind} layout)",
    )
    cs: CodeSet[CPTCode] = CodeSet(Table(parser.to_table(parsed, meta), origin=name), ed,
                                   system=_SYS)
    if register:
        _REG.add(ed, lambda: cs, replace=replace)
    return cs


def __getattr__(name: str) -> Any:
    if name in ("CheckResult", "CodeStatus"):
        from . import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def search(
    query: str, *, limit: int = 10, as_of: object = None, billable_only: bool = False
) -> list[Any]:
    """Search this system by words (see :func:`codekit.fuzzy.search`)."""
    from .fuzzy import search as _search

    return _search(query, systems=("cpt",), limit=limit, as_of=as_of,
                   billable_only=billable_only)
