"""A small, stdlib-only reader of the cell text of ``.xlsx`` workbooks.

CMS publishes several code files as Excel workbooks (HCPCS quarterly files,
NCCI tables). This reader needs nothing but :mod:`zipfile` and
:mod:`xml.etree.ElementTree`: it resolves the sheet through the workbook and
its relationships, reads shared strings (rich-text runs joined), inline strings,
formula string results, numbers and booleans, and fills the gaps of sparse rows
with empty strings. Every value comes back as text, exactly as stored (numbers
are not reformatted, dates are not converted). Malformed input raises
:class:`~codekit.errors.SourceFormatError`, never a bare zip or XML error.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as zf:
...     zf.writestr("xl/worksheets/sheet1.xml",
...         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
...         '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
...         '<c r="C1"><v>42</v></c></row></sheetData></worksheet>')
>>> read_rows(buf.getvalue(), name="demo.xlsx")
[['code', '', '42']]
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator

from .errors import SourceFormatError

__all__ = ["iter_rows", "read_rows", "sheet_names"]

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _col_index(ref: str) -> int:
    """0-based column of a cell reference such as ``"AB12"`` (-1 when malformed)."""
    n = 0
    seen = False
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + (ord(ch) - 64)
            seen = True
        elif "a" <= ch <= "z":
            n = n * 26 + (ord(ch) - 96)
            seen = True
        else:
            break
    return n - 1 if seen else -1


def _text_of(elem: object) -> str:
    """The text of an ``<si>`` or ``<is>`` element: its ``<t>``, or its runs joined
    (phonetic ``<rPh>`` runs are not part of the value)."""
    parts: list[str] = []
    for child in elem:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == _NS + "t":
            parts.append(child.text or "")
        elif tag == _NS + "r":
            for t in child.iter(_NS + "t"):
                parts.append(t.text or "")
    return "".join(parts)


class _Book:
    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise SourceFormatError(f"not an xlsx workbook ({exc})", path=name) from None
        self.members = set(self.zf.namelist())

    def read(self, member: str) -> bytes:
        try:
            return self.zf.read(member)
        except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SourceFormatError(f"cannot read {member} from the workbook ({exc})",
                                    path=self.name) from None

    def xml(self, member: str) -> object:
        import xml.etree.ElementTree as ET

        try:
            return ET.fromstring(self.read(member))
        except ET.ParseError as exc:
            raise SourceFormatError(f"malformed XML in {member} ({exc})", path=self.name) from None

    def sheets(self) -> list[tuple[str, str]]:
        """(sheet name, worksheet member) in workbook order."""
        if "xl/workbook.xml" not in self.members:
            found = sorted(m for m in self.members if m.startswith("xl/worksheets/sheet"))
            return [(posixpath.basename(m).rsplit(".", 1)[0], m) for m in found]
        wb = self.xml("xl/workbook.xml")
        targets: dict[str, str] = {}
        if "xl/_rels/workbook.xml.rels" in self.members:
            rels = self.xml("xl/_rels/workbook.xml.rels")
            for rel in rels.iter(_PKG_REL_NS + "Relationship"):  # type: ignore[attr-defined]
                target = rel.get("Target", "")
                if target.startswith("/"):
                    path = target.lstrip("/")
                else:
                    path = posixpath.normpath(posixpath.join("xl", target))
                targets[rel.get("Id", "")] = path
        out = []
        for i, sh in enumerate(wb.iter(_NS + "sheet"), 1):  # type: ignore[attr-defined]
            rid = sh.get(_REL_NS + "id", "")
            out.append((sh.get("name", f"Sheet{i}"), targets.get(rid, f"xl/worksheets/sheet{i}.xml")))
        return out

    def shared_strings(self) -> list[str]:
        member = "xl/sharedStrings.xml"
        if member not in self.members:
            return []
        root = self.xml(member)
        return [_text_of(si) for si in root.iter(_NS + "si")]  # type: ignore[attr-defined]


def sheet_names(data: bytes, *, name: str = "workbook") -> list[str]:
    """The names of the worksheets, in workbook order.

    >>> import os
    >>> import os
    >>> with open(os.path.join(FIXTURES, "HCPC2099_JUL_ANWEB.xlsx"), "rb") as fh:
    ...     sheet_names(fh.read())
    ['HCPC2099_JUL_ANWEB']
    """
    return [n for n, _ in _Book(data, name).sheets()]


def iter_rows(
    data: bytes, *, sheet: int | str = 0, name: str = "workbook"
) -> Iterator[tuple[int, list[str]]]:
    """(1-based row number, cell texts) for each non-empty row of one sheet.

    ``sheet`` is a 0-based index or a sheet name. Missing cells are ``""``.
    """
    import xml.etree.ElementTree as ET

    book = _Book(data, name)
    sheets = book.sheets()
    if isinstance(sheet, int):
        if not 0 <= sheet < len(sheets):
            raise SourceFormatError(f"the workbook has no sheet {sheet} ({len(sheets)} sheets)",
                                    path=name)
        member = sheets[sheet][1]
    else:
        hits = [m for n, m in sheets if n == sheet]
        if not hits:
            raise SourceFormatError(
                f"the workbook has no sheet {sheet!r} (sheets: {', '.join(n for n, _ in sheets)})",
                path=name,
            )
        member = hits[0]
    strings = book.shared_strings()
    raw = book.read(member)
    row_tag, c_tag, v_tag, is_tag = (_NS + t for t in ("row", "c", "v", "is"))
    next_row = 1
    try:
        for _event, elem in ET.iterparse(io.BytesIO(raw)):
            if elem.tag != row_tag:
                continue
            r_attr = elem.get("r")
            rownum = int(r_attr) if r_attr and r_attr.isdigit() else next_row
            next_row = rownum + 1
            cells: list[str] = []
            for c in elem.iter(c_tag):
                ref = c.get("r")
                col = _col_index(ref) if ref else len(cells)
                if col < 0:
                    raise SourceFormatError(f"bad cell reference {ref!r} in {member}",
                                            path=name, line=rownum)
                kind = c.get("t", "n")
                if kind == "inlineStr":
                    node = c.find(is_tag)
                    value = "" if node is None else _text_of(node)
                else:
                    v = c.find(v_tag)
                    text = "" if v is None or v.text is None else v.text
                    if kind == "s":
                        try:
                            value = strings[int(text)]
                        except (ValueError, IndexError):
                            raise SourceFormatError(
                                f"cell {ref} points to shared string {text!r}, which does "
                                f"not exist", path=name, line=rownum) from None
                    elif kind == "b":
                        value = "TRUE" if text == "1" else "FALSE"
                    else:  # n, str (formula result), e (error), d (ISO date)
                        value = text
                if col < len(cells):
                    raise SourceFormatError(f"cell {ref} is out of order in {member}",
                                            path=name, line=rownum)
                cells.extend([""] * (col - len(cells)))
                cells.append(value)
            elem.clear()
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                yield rownum, cells
    except ET.ParseError as exc:
        raise SourceFormatError(f"malformed XML in {member} ({exc})", path=name) from None


def read_rows(data: bytes, *, sheet: int | str = 0, name: str = "workbook") -> list[list[str]]:
    """Every non-empty row of one sheet as a list of cell texts (see :func:`iter_rows`)."""
    return [cells for _, cells in iter_rows(data, sheet=sheet, name=name)]
