"""A practice's fee schedule: the charge per unit of a code, or of a code with a
pricing modifier (26, TC, ...).

>>> from decimal import Decimal
>>> fees = FeeSchedule({"99213": "95.00", "93000": Decimal("40"), ("93000", "26"): "15.00",
...                     "93000-TC": "25.00"})
>>> fees.fee("99213"), fees.fee("93000", ["26"]), fees.fee("93000", ["TC"]), fees.fee("93000", ["59"])
(Decimal('95.00'), Decimal('15.00'), Decimal('25.00'), Decimal('40'))
>>> fees.fee("99999") is None
True
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from .._normalize import clean
from ..errors import InvalidField, SourceFormatError
from ._fields import _decimal

__all__ = ["FeeSchedule"]

_Key = tuple[str, str]


def _key(code: str, modifier: str = "") -> _Key:
    return clean(code, "procedure", keep_dots=True), modifier.strip().upper()


def _parse_key(key: object) -> _Key:
    if isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key):
        return _key(key[0], key[1])
    if isinstance(key, str):
        code, _, modifier = key.partition("-")
        return _key(code, modifier)
    raise InvalidField(
        "a key is a code ('93000'), a code and a modifier ('93000-26'), or a (code, modifier) pair",
        field=f"fees[{key!r}]",
        value=key,
        model="FeeSchedule",
    )


class FeeSchedule(Mapping[_Key, Decimal]):
    """Charges per unit, keyed by ``(code, modifier)`` (``modifier`` ``""`` for the
    code's own fee). Build one from a mapping whose keys are a code (``"99213"``), a
    code and a modifier (``"93000-26"`` or ``("93000", "26")``), and whose values are
    Decimals, ints or strings (never floats); or from a CSV file with
    :meth:`from_csv`. Codes and modifiers are matched stripped and upper-cased.
    """

    __slots__ = ("_fees", "source")

    def __init__(self, fees: Mapping[object, object] | Iterable[tuple[object, object]] = (),
                 *, source: str | None = None) -> None:
        items = fees.items() if isinstance(fees, Mapping) else fees
        table: dict[_Key, Decimal] = {}
        for key, value in items:
            k = _parse_key(key)
            try:
                table[k] = _decimal(value)
            except InvalidField as exc:
                raise InvalidField(exc.problem, field=f"fees[{key!r}]", value=value,
                                   model="FeeSchedule") from None
        self._fees = table
        self.source = source
        """The file the schedule was read from, if any."""

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, encoding: str = "utf-8-sig") -> FeeSchedule:
        """Read a CSV file with a header row naming the columns ``code``, ``fee`` and
        optionally ``modifier`` (any order, any case; other columns are ignored). A fee
        may be written ``1234.50``, ``$1,234.50``. Raises
        :class:`~codekit.errors.SourceFormatError` naming the file and line of the first
        bad row, or a code listed twice.

        >>> import os
        >>> fees = FeeSchedule.from_csv(os.path.join(FIXTURES, "fee_schedule.csv"))
        >>> fees.fee("99214"), fees.fee("93000", ["26"]), len(fees) > 10
        (Decimal('165.00'), Decimal('18.00'), True)
        """
        name = os.fspath(path)
        table: dict[_Key, Decimal] = {}
        try:
            with open(name, newline="", encoding=encoding) as f:
                rows = csv.reader(f)
                header = next(rows, None)
                if header is None:
                    raise SourceFormatError("empty fee schedule (no header row)", path=name)
                cols = {h.strip().lower(): i for i, h in enumerate(header)}
                missing = [c for c in ("code", "fee") if c not in cols]
                if missing:
                    raise SourceFormatError(
                        f"the header row needs the columns code and fee (missing: {', '.join(missing)})",
                        path=name, line=1)
                ci, fi, mi = cols["code"], cols["fee"], cols.get("modifier")
                for number, row in enumerate(rows, start=2):
                    if not any(cell.strip() for cell in row):
                        continue
                    table.update([_csv_row(row, ci, fi, mi, name, number, table)])
        except UnicodeDecodeError as exc:
            raise SourceFormatError(f"not {encoding} text: {exc.reason}", path=name) from None
        return cls(table, source=name)

    def fee(self, code: str, modifiers: Iterable[str] = ()) -> Decimal | None:
        """The fee per unit: the first modifier priced with the code, else the code's
        own fee, else None."""
        c = code.upper() if code.isalnum() else clean(code, "procedure", keep_dots=True)
        fees = self._fees
        for m in modifiers:
            hit = fees.get((c, m.upper() if m.isalnum() else m.strip().upper()))
            if hit is not None:
                return hit
        return fees.get((c, ""))

    def __getitem__(self, key: _Key) -> Decimal:
        return self._fees[key]

    def __iter__(self) -> Iterator[_Key]:
        return iter(self._fees)

    def __len__(self) -> int:
        return len(self._fees)

    def __repr__(self) -> str:
        where = f", source={self.source!r}" if self.source else ""
        return f"<FeeSchedule: {len(self._fees)} fees{where}>"


def _csv_row(row: list[str], ci: int, fi: int, mi: int | None, name: str, number: int,
             seen: Mapping[_Key, Decimal]) -> tuple[_Key, Decimal]:
    def cell(i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    code, raw, modifier = cell(ci), cell(fi), cell(mi)
    if not code:
        raise SourceFormatError("no code", path=name, line=number)
    if modifier and len(modifier) != 2:
        raise SourceFormatError(f"a modifier is 2 characters, got {modifier[:60]!r}", path=name,
                                line=number)
    text = raw.replace("$", "").replace(",", "")
    try:
        amount = _decimal(text)
    except InvalidField:
        raise SourceFormatError(f"fee is not a number: {raw[:60]!r}", path=name,
                                line=number) from None
    key = _key(code, modifier)
    if key in seen:
        shown = "-".join(k for k in key if k)
        raise SourceFormatError(f"{shown} is listed twice", path=name, line=number)
    return key, amount
