"""Property tests: the ICD-10-CM readers either parse or raise SourceFormatError
naming the file and line; never a bare traceback from deep inside."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from codekit._parsers import icd10cm as parser
from codekit.errors import SourceFormatError

GOOD_ORDER = (
    "00001 E11     0 Type 2 diabetes mellitus                                     "
    "Type 2 diabetes mellitus\n"
)
line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    max_size=120,
)


@given(line_text)
def test_order_file_garbage_line(line: str) -> None:
    text = GOOD_ORDER + line + "\n"
    try:
        parsed = parser.parse_order_file(text, "order.txt")
    except SourceFormatError as exc:
        assert exc.path == "order.txt" and exc.line == 2
    else:
        assert parsed.rows[0].code == "E11"


@given(line_text)
def test_codes_file_garbage_line(line: str) -> None:
    text = "E119    Type 2 diabetes mellitus without complications\n" + line + "\n"
    try:
        parsed = parser.parse_codes_file(text, "codes.txt")
    except SourceFormatError as exc:
        assert exc.line == 2
    else:
        assert "E119" in {r.code for r in parsed.rows}


@given(st.binary(max_size=300))
def test_read_any_bytes(data: bytes) -> None:
    import os
    import tempfile

    fd, path = tempfile.mkstemp(suffix="_2031.txt")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            parser.read(path)
        except SourceFormatError as exc:
            assert path in str(exc)
    finally:
        os.unlink(path)


@given(st.sampled_from(["<diag>", "</chapter>", "<name>E11</name>", "&bogus;", "<x y='1'/>"]),
       st.integers(0, 400))
def test_tabular_xml_mutations(fragment: str, at: int) -> None:
    base = (
        '<?xml version="1.0"?>\n<ICD10CM.tabular><version>2031</version><chapter>'
        "<name>4</name><desc>Endocrine (E00-E89)</desc><section id=\"E08-E13\"><desc>DM</desc>"
        "<diag><name>E11</name><desc>Type 2 diabetes mellitus</desc><diag><name>E11.9</name>"
        "<desc>Type 2 diabetes mellitus without complications</desc></diag></diag>"
        "</section></chapter></ICD10CM.tabular>\n"
    )
    at = min(at, len(base))
    text = (base[:at] + fragment + base[at:]).encode()
    try:
        parsed = parser.parse_tabular_xml(text, "tab.xml")
    except SourceFormatError as exc:
        assert exc.path == "tab.xml"
    else:
        assert parsed.rows
