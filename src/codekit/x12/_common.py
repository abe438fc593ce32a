"""What the 837P writer and reader share: the envelope parties, the delimiters and the
code lists of the X12 elements codekit writes (005010X222A1)."""

from __future__ import annotations

import attrs

__all__ = ["Delimiters", "Party"]

VERSION = "005010X222A1"


def _opt(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"must be a string or None, not {type(value).__name__}")


@attrs.frozen(kw_only=True)
class Party:
    """The sender (submitter, X12 loop 1000A and ISA06/GS02) or the receiver (loop
    1000B and ISA08/GS03) of an interchange.

    ``id`` is the interchange id (at most 15 characters), ``id_qualifier`` its ISA05
    or ISA07 qualifier (``"ZZ"`` mutually defined, ``"30"`` federal tax id, ...). The
    submitter needs a contact phone or email (X12 PER).

    >>> Party(name="MAIN STREET CLINIC", id="MSC001", phone="5125550100").id_qualifier
    'ZZ'
    """

    name: str = attrs.field(converter=_opt)
    id: str = attrs.field(converter=_opt)
    id_qualifier: str = attrs.field(default="ZZ", converter=_opt)
    contact_name: str | None = attrs.field(default=None, converter=_opt)
    phone: str | None = attrs.field(default=None, converter=_opt)
    email: str | None = attrs.field(default=None, converter=_opt)


@attrs.frozen(kw_only=True)
class Delimiters:
    """The four X12 delimiters; codekit writes ``* : ^ ~`` by default. A value that
    contains one of them cannot be written."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"

    def __attrs_post_init__(self) -> None:
        chars = (self.element, self.component, self.repetition, self.segment)
        if any(len(c) != 1 or c.isalnum() or c.isspace() for c in chars) or len(set(chars)) != 4:
            raise ValueError(f"four distinct single non-alphanumeric delimiters, not {chars!r}")


# code lists of the elements codekit writes (an element outside its list makes a file
# that a payer's front end rejects): 005010X222A1
SEX = frozenset({"F", "M", "U"})
RELATIONSHIP = frozenset({"01", "19", "20", "21", "39", "40", "53", "G8"})  # PAT01
RESPONSIBILITY = frozenset("ABCDEFGHPSTU")  # SBR01
FILING_INDICATOR = frozenset({  # SBR09
    "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM",
    "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ"})
PROPERTY_CASUALTY = frozenset({"AM", "LM", "WC"})  # automobile, liability, workers' comp
FREQUENCY = frozenset({"1", "7", "8"})  # CLM05-3 on a professional claim
ASSIGNMENT = frozenset({"A", "B", "C"})  # CLM07
BENEFITS = frozenset({"N", "W", "Y"})  # CLM08
RELEASE = frozenset({"I", "Y"})  # CLM09
UNIT_BASIS = frozenset({"MJ", "UN"})  # SV103
NDC_UNIT = frozenset({"F2", "GR", "ME", "ML", "UN"})  # CTP05-1
TAX_ID_TYPE = frozenset({"EI", "SY"})  # REF01 of the billing provider's tax id
# N402: US states, DC, territories, military post offices and Canadian provinces, as the
# state code list of the pyx12 validator has them (73 codes)
_STATE_LIST = (
    "AA AB AE AK AL AP AR AS AZ BC CA CO CT DC DE FL FM GA GU HI IA ID IL IN KS KY LA MA MB "
    "MD ME MH MI MN MO MP MS MT NB NC ND NE NF NH NJ NM NS NT NV NY OH OK ON OR PA PE PQ PR "
    "RI SC SD SK TN TX UT VA VI VT WA WI WV WY YT"
)
STATES = frozenset(_STATE_LIST.split(" "))
assert len(STATES) == 73


def d8(value: object) -> str:
    """A date as X12 ``CCYYMMDD``."""
    return value.isoformat().replace("-", "")  # type: ignore[attr-defined, no-any-return]
