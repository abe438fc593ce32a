"""Claims held as tables (claims, diagnoses, lines, as a practice-management database
exports them) -> :class:`~codekit.claims.Claim` objects -> a findings frame.

Column names are the JSON keys of the claim models, nested parts flattened with
``_`` (``patient_last_name``, ``billing_provider_address_postal_code``; a key that
already starts with its part's name keeps it: ``payer_id``). See
:func:`claim_columns` and :func:`line_columns`.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs
import narwhals.stable.v2 as nw
import pyarrow as pa

from ..findings import Finding, Report, Severity
from ._common import (
    FrameError,
    _short,
    arrow_column,
    from_arrow_like,
    parse_day,
    require_columns,
    to_frame,
)

__all__ = ["FINDING_COLUMNS", "check_claims", "claim_columns", "line_columns", "to_claims"]

FINDING_COLUMNS = ("rule", "severity", "path", "value", "message", "editions")
"""The columns of a findings frame after the claim key, in order."""

BUILD_RULE = "FRAME-INVALID-FIELD"
"""The rule id of a finding about a table value that cannot go into a claim (a
number in a text field, a charge that is not a number): the claim could not be
built, so no other rule ran on it."""

# list separators, and the brackets and quotes of lists written out as text: JSON
# ("[1, 2]"), PostgreSQL arrays ("{25,59}"), Python/numpy reprs ("['25' '59']")
_SPLIT = str.maketrans({";": ",", " ": ",", "[": ",", "]": ",", "{": ",", "}": ",",
                        "(": ",", ")": ",", "'": ",", '"': ","})


# ------------------------------------------------------------------------------------
# the flat column names
def _models() -> tuple[type, ...]:
    from ..claims import model

    return (model.Address, model.Patient, model.Subscriber, model.Payer, model.Provider)


def _flat(cls: type, prefix: str, out: dict[str, tuple[str, ...]], path: tuple[str, ...]) -> None:
    hints = typing.get_type_hints(cls)
    models = _models()
    for a in attrs.fields(cls):
        if a.name in ("diagnoses", "lines", "procedures"):
            continue
        args = typing.get_args(hints[a.name])
        nested = next((t for t in (hints[a.name], *args) if t in models), None)
        name = a.name if not prefix or a.name.startswith(prefix + "_") else f"{prefix}_{a.name}"
        if nested is not None:
            _flat(nested, name, out, (*path, a.name))
        else:
            out[name] = (*path, a.name)


def claim_columns() -> dict[str, tuple[str, ...]]:
    """The column names a claims table may have, each with its path in the claim.

    >>> cols = claim_columns()
    >>> cols["patient_last_name"], cols["payer_id"], cols["billing_provider_address_postal_code"]
    (('patient', 'last_name'), ('payer', 'payer_id'), ('billing_provider', 'address', 'postal_code'))
    """
    from ..claims import Claim

    out: dict[str, tuple[str, ...]] = {}
    _flat(Claim, "", out, ())
    return out


def line_columns() -> dict[str, tuple[str, ...]]:
    """The column names a lines table may have (besides ``modifier_1`` ...
    ``modifier_4`` and ``diagnosis_pointer_1`` ... ``diagnosis_pointer_4``, which may
    stand for the list columns ``modifiers`` and ``diagnosis_pointers``).

    >>> cols = line_columns()
    >>> cols["code"], cols["diagnosis_pointers"], cols["rendering_provider_npi"]
    (('code',), ('diagnosis_pointers',), ('rendering_provider', 'npi'))
    """
    from ..claims import ServiceLine

    out: dict[str, tuple[str, ...]] = {}
    _flat(ServiceLine, "", out, ())
    return out


# ------------------------------------------------------------------------------------
# values from a table to what the claim models accept
_DECIMAL_FIELDS = frozenset({"units", "charge", "ndc_quantity"})
_DATE_FIELDS = frozenset({"birth_date", "service_date", "service_date_to"})


def _plain(v: Any) -> Any:
    """numpy scalars and arrays (what object columns of pandas hold) as Python values."""
    if type(v).__module__ == "numpy":
        return v.item() if getattr(v, "ndim", 1) == 0 else v.tolist()
    return v


def _value(name: str, v: Any) -> Any:
    """A table value as the model wants it; anything it cannot take passes unchanged,
    so that the model reports it with its path."""
    v = _plain(v)
    try:
        if v != v:  # NaN, NaT
            return None
    except (TypeError, ValueError):  # arrays and other values without a plain !=
        pass
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if name in _DECIMAL_FIELDS:
            return decimal.Decimal(repr(v))  # the shortest repr: 165.0, not 164.99999...
        if name == "diagnosis_pointers" and v.is_integer():
            return int(v)
        return v
    if isinstance(v, decimal.Decimal):
        return v
    if isinstance(v, datetime.datetime) and name in _DATE_FIELDS:
        return v.date()
    if isinstance(v, datetime.date) and name not in _DATE_FIELDS:
        return v.isoformat()
    if isinstance(v, int) and not isinstance(v, bool) and name in _DECIMAL_FIELDS:
        return str(v)
    if isinstance(v, int) and not isinstance(v, bool) and name not in (
        "diagnosis_pointers", "signature_on_file"
    ):
        return str(v)  # an id or code read as a number by the database driver
    return v


def _listed(name: str, v: Any) -> Any:
    """``modifiers``/``diagnosis_pointers`` from a list, or a string such as
    ``"25,59"``, ``"1 2"``, ``"[1, 2]"`` or ``"{25,59}"``."""
    v = _plain(v)
    if v is None:
        return []
    if isinstance(v, str):
        parts = [p for p in v.translate(_SPLIT).split(",") if p]
        if name == "diagnosis_pointers":
            return [int(p) if p.isascii() and p.isdigit() else p for p in parts]
        return parts
    if isinstance(v, (list, tuple)):
        return [_value(name, x) for x in v if x is not None]
    return [_value(name, v)]


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


class _Rows(typing.NamedTuple):
    df: Any  # the narwhals frame
    columns: list[str]
    rows: list[dict[str, Any]]
    key_type: pa.DataType


def _rows(frame: Any, what: str, key: str) -> _Rows:
    """The rows of a table as dicts. Typed columns are read through Arrow; a column of
    Python objects (a careless export mixing numbers, text and dates) is read value by
    value, so that the claim models report each bad value as a finding instead of
    Arrow converting or refusing the whole column."""
    df = to_frame(frame, what=what)
    require_columns(df, key)
    schema = df.schema
    values: dict[str, list[Any]] = {}
    for c in df.columns:
        if not isinstance(schema[c], (nw.Object, nw.Unknown)):
            try:
                values[c] = arrow_column(df, c).to_pylist()
                continue
            except (FrameError, pa.ArrowException, OverflowError, ValueError):
                pass
        values[c] = df[c].to_list()
    try:
        key_type = pa.array(values[key]).type
    except (pa.ArrowException, OverflowError):
        raise FrameError(f"the {what} table's {key!r} column mixes kinds of values", column=key) from None
    names = list(values)
    rows = [dict(zip(names, r, strict=True)) for r in zip(*values.values(), strict=True)]
    return _Rows(df, names, rows, key_type)


def _by_key(rows: list[dict[str, Any]], key: str, order: str | None) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault(r[key], []).append(r)
    if order is not None:
        for items in grouped.values():
            items.sort(key=lambda r: (r[order] is None, r[order] if r[order] is not None else 0))
    return grouped


def _present(columns: Sequence[str], known: dict[str, tuple[str, ...]]) -> list[tuple[str, tuple[str, ...], str]]:
    """(column, path, field) for the known columns a table has, found once per table."""
    return [(name, known[name], known[name][-1]) for name in columns if name in known]


def _fill(data: dict[str, Any], row: dict[str, Any], present: list[tuple[str, tuple[str, ...], str]]) -> None:
    for name, path, field in present:
        v = row[name]
        if v is None:
            continue
        if type(v) is not str:
            v = _value(field, v)
            if v is None:
                continue
        if len(path) == 1:
            data[field] = v
        else:
            _put(data, path, v)


_LISTS = ("modifiers", "diagnosis_pointers")


def _claim_data(
    header: dict[str, Any],
    dx_rows: list[dict[str, Any]],
    line_rows: list[dict[str, Any]],
    hcols: list[tuple[str, tuple[str, ...], str]],
    lcols: list[tuple[str, tuple[str, ...], str]],
    singles: dict[str, list[str]],
    dx_column: str,
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    _fill(data, header, hcols)
    if dx_column == "":  # the claims table's own "diagnoses" column (a list, or "E11.9,I10")
        data["diagnoses"] = _listed("diagnoses", header.get("diagnoses"))
    else:
        data["diagnoses"] = [
            _value("diagnoses", r[dx_column]) for r in dx_rows if r[dx_column] is not None
        ]
    lines = []
    for r in line_rows:
        line: dict[str, Any] = {}
        _fill(line, r, lcols)
        for name in _LISTS:
            v = r.get(name)
            if v is None and singles[name]:
                got = [r[c] for c in singles[name] if r[c] is not None]
                v = got or None
            if v is not None:
                line[name] = _listed(name, v)
        lines.append(line)
    data["lines"] = lines
    return data


_NESTED: dict[type, dict[str, Any]] = {}


def _nested(cls: type) -> dict[str, Any]:
    """Field name -> model class, for the fields of ``cls`` that hold a model (or, for
    ``lines``, a tuple of them)."""
    got = _NESTED.get(cls)
    if got is None:
        from ..claims import ServiceLine

        models = (*_models(), ServiceLine)
        hints = typing.get_type_hints(cls)
        got = {}
        for name, hint in hints.items():
            for t in (hint, *typing.get_args(hint)):
                if t in models:
                    got[name] = t
        _NESTED[cls] = got
    return got


def _construct(cls: type, data: dict[str, Any]) -> Any:
    """The model built directly from checked-shape data (the model runs every field
    check); faster than the JSON converter, which is used only to list the problems
    when this fails."""
    nested = _nested(cls)
    kwargs = {}
    for name, value in data.items():
        inner = nested.get(name)
        if inner is None:
            kwargs[name] = value
        elif name == "lines":
            kwargs[name] = [_construct(inner, v) for v in value]
        else:
            kwargs[name] = _construct(inner, value)
    return cls(**kwargs)


class _Built(typing.NamedTuple):
    key: Any
    claim: Any  # Claim, or None when the tables' values could not make one
    findings: tuple[Finding, ...]
    submitted: datetime.date | None = None


def _build(
    claims: Any,
    diagnoses: Any,
    lines: Any,
    key: str,
    submitted_column: str | None = None,
) -> tuple[Any, pa.DataType, Iterator[_Built], int]:
    """The claims of the three tables, in the claims table's order."""
    from ..errors import StructureError
    from ..serialization import structure

    df, header_names, header_rows, key_type = _rows(claims, "claims", key)
    if submitted_column is not None:
        require_columns(df, submitted_column)
    dx_rows: list[dict[str, Any]] = []
    dx_column = "" if "diagnoses" in df.columns else "code"
    if diagnoses is not None:
        ddf, _, dx_rows, _ = _rows(diagnoses, "diagnoses", key)
        dx_column = next((c for c in ("code", "diagnosis", "diagnosis_code") if c in ddf.columns), "")
        if not dx_column:
            raise FrameError(
                "the diagnoses table needs a column 'code' (or 'diagnosis') with the codes",
                column="code",
            )
        dx_order = "sequence" if "sequence" in ddf.columns else None
    line_rows: list[dict[str, Any]] = []
    if lines is not None:
        ldf, line_names, line_rows, _ = _rows(lines, "lines", key)
        require_columns(ldf, "code")
        line_order = "line_number" if "line_number" in ldf.columns else None
    dx_by = _by_key(dx_rows, key, dx_order if diagnoses is not None else None)
    lines_by = _by_key(line_rows, key, line_order if lines is not None else None)
    seen = set()
    for r in header_rows:
        if r[key] is None:
            raise FrameError(f"the claims table has a null {key!r}: every claim needs a key", column=key)
        if r[key] in seen:
            raise FrameError(f"the claims table has {key} {_short(r[key])} twice", column=key)
        seen.add(r[key])
    for name, rows in (("diagnoses", dx_by), ("lines", lines_by)):
        orphans = [k for k in rows if k not in seen]
        if orphans:
            raise FrameError(
                f"the {name} table has rows for {key} {_short(orphans[0])}, which the claims "
                f"table does not have ({len(orphans)} such key(s))",
                column=key,
            )
    hcols = _present(header_names, claim_columns())
    if lines is None:
        line_names = []
    lcols = [c for c in _present(line_names, line_columns()) if c[0] not in _LISTS]
    singles = {
        name: [c for c in (f"{name[:-1]}_{i}" for i in range(1, 5)) if c in line_names]
        for name in _LISTS
    }

    claim_class = _claim_class()

    def items() -> Iterator[_Built]:
        for header in header_rows:
            k = header[key]
            data = _claim_data(header, dx_by.get(k, []), lines_by.get(k, []), hcols, lcols,
                               singles, dx_column)
            day = None
            if submitted_column is not None and _value("", header[submitted_column]) is not None:
                day = parse_day(header[submitted_column], what=f"column {submitted_column!r}")
            try:
                yield _Built(k, _construct(claim_class, data), (), day)
                continue
            except (ValueError, TypeError):
                pass  # the converter says what is wrong, every problem with its path
            try:
                yield _Built(k, structure(data, claim_class), (), day)
            except StructureError as exc:
                yield _Built(k, None, tuple(_build_finding(p) for p in exc.problems), day)

    return df, key_type, items(), len(header_rows)


def _claim_class() -> type:
    from ..claims import Claim

    return Claim


def _build_finding(problem: str) -> Finding:
    path, _, message = problem.partition(": ")
    return Finding(BUILD_RULE, Severity.ERROR, f"{path}: {message}" if message else path,
                   path=path if message else "")


def to_claims(claims: Any, diagnoses: Any = None, lines: Any = None, *, key: str = "claim_id") -> dict[Any, Any]:
    """Build :class:`~codekit.claims.Claim` objects from the three tables, keyed by
    the claim key.

    ``claims`` has one row per claim (its key column and any of
    :func:`claim_columns`); ``diagnoses`` one row per diagnosis (the key, ``code``,
    and ``sequence`` to order them, else table order); ``lines`` one row per
    service line (the key, any of :func:`line_columns`, ``line_number`` to order
    them). Without a diagnoses table, a ``diagnoses`` column of the claims table
    (a list, or text such as ``"E11.9,I10"``) gives them. Modifiers and pointers may
    be list columns, strings (``"25,59"``, ``"[1, 2]"``) or ``modifier_1`` ... columns. Frames of any kind (pandas, polars, pyarrow). A value
    that cannot go into a claim raises :class:`~codekit.errors.StructureError`
    naming the claim and every problem (:func:`check_claims` reports them as
    findings instead).

    >>> import pandas as pd
    >>> claims = pd.DataFrame({"claim_id": [1], "payer_id": ["04412"], "place_of_service": ["11"]})
    >>> dx = pd.DataFrame({"claim_id": [1, 1], "sequence": [2, 1], "code": ["I10", "E11.9"]})
    >>> lines = pd.DataFrame({"claim_id": [1], "code": ["99213"], "charge": [95.0],
    ...                       "modifiers": ["25"], "diagnosis_pointers": ["1,2"],
    ...                       "service_date": [pd.Timestamp("2026-01-15")]})
    >>> claim = to_claims(claims, dx, lines)[1]
    >>> claim.diagnoses, claim.payer.payer_id, claim.lines[0].charge, claim.lines[0].diagnosis_pointers
    (('E11.9', 'I10'), '04412', Decimal('95.0'), (1, 2))
    """
    from ..errors import StructureError

    _, _, items, _ = _build(claims, diagnoses, lines, key)
    out: dict[Any, Any] = {}
    for b in items:
        if b.claim is None:
            problems = tuple(f.message for f in b.findings)
            raise StructureError(
                f"claim {key}={_short(b.key)} cannot be built from the tables:\n  "
                + "\n  ".join(problems),
                model="Claim",
                problems=problems,
            )
        out[b.key] = b.claim
    return out


# ------------------------------------------------------------------------------------
# batch validation
def _default_validator() -> Callable[..., Iterable[Report]]:
    import codekit

    check = getattr(codekit, "check_claims", None)
    if check is None:
        raise FrameError(
            "codekit.check_claims (the claim validator) is not part of this build; pass "
            "validator= a callable that takes a list of claims and returns their Reports"
        )
    return check  # type: ignore[no-any-return]


def _progress_bar(total: int, progress: bool | None) -> Any:
    if progress is False or (progress is None and total < 2000):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="claim", desc="checking claims")


def _json_value(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def check_claims(
    claims: Any,
    diagnoses: Any = None,
    lines: Any = None,
    *,
    key: str = "claim_id",
    submitted_on: datetime.date | None = None,
    rules: Sequence[Any] | None = None,
    disable: Iterable[str] = (),
    severity_overrides: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    submitted_column: str | None = None,
    validator: Callable[..., Iterable[Report]] | None = None,
    progress: bool | None = None,
    batch_size: int = 1000,
) -> Any:
    """Validate claims held as tables; one row per finding, joinable back on ``key``.

    The tables are read as :func:`to_claims` describes; each claim is checked by
    :func:`codekit.check_claims` (or ``validator``: any callable that takes a list
    of claims and keyword options and returns one
    :class:`~codekit.findings.Report` per claim, in order), with ``submitted_on``,
    ``rules``, ``disable``, ``severity_overrides`` and ``options`` passed on when
    given. ``submitted_column`` names a column of the claims table holding each
    claim's submission date (timely filing and future dates are judged against it;
    where it is null, ``submitted_on``). A claim
    whose table values cannot make a claim at all gets
    ``FRAME-INVALID-FIELD`` findings (one per problem) and no other rule.

    Returns a frame of the claims table's kind with the columns ``key``, ``rule``,
    ``severity`` (``"info"``, ``"warning"``, ``"error"``), ``path``, ``value`` (as
    text; JSON for non-text values), ``message`` and ``editions`` (comma-separated).
    A progress bar (tqdm; a notebook widget where available) shows on batches of
    2,000 claims or more; ``progress=False`` turns it off, ``True`` on.

    >>> import pandas as pd
    >>> from codekit import icd10cm
    >>> from codekit.findings import Finding, Report
    >>> def dx_only(batch, **options):  # a validator of one rule, for the example
    ...     return [Report([Finding("ICD10CM-CHECK", "error", icd10cm.check(d).message,
    ...                             path=f"diagnoses[{i}]", value=d)
    ...                     for i, d in enumerate(c.diagnoses) if not icd10cm.is_valid(d)])
    ...             for c in batch]
    >>> claims = pd.DataFrame({"claim_id": ["A", "B"]})
    >>> dx = pd.DataFrame({"claim_id": ["A", "B", "B"], "code": ["E11.9", "I10", "E11"]})
    >>> found = check_claims(claims, dx, validator=dx_only)
    >>> found[["claim_id", "rule", "severity", "path", "value"]]
      claim_id           rule severity          path value
    0        B  ICD10CM-CHECK    error  diagnoses[1]   E11
    """
    if batch_size < 1:
        raise FrameError(f"batch_size must be at least 1, not {batch_size!r}")
    check = validator or _default_validator()
    passed: dict[str, Any] = {}
    if rules is not None:
        passed["rules"] = rules
    if disable:
        passed["disable"] = tuple(disable)
    if severity_overrides is not None:
        passed["severity_overrides"] = severity_overrides
    if options is not None:
        passed["options"] = options
    df, key_type, items, total = _build(claims, diagnoses, lines, key, submitted_column)
    bar = _progress_bar(total, progress)
    out: list[tuple[Any, Finding]] = []
    batch: list[Any] = []
    keys: list[Any] = []
    days: list[datetime.date | None] = []

    def checked(claims: list[Any], day: datetime.date | None) -> list[Report]:
        extra = dict(passed)
        if day is not None:
            extra["submitted_on"] = day
        reports = list(check(claims, **extra))
        if len(reports) != len(claims):
            raise FrameError(
                f"the validator returned {len(reports)} reports for {len(claims)} claims"
            )
        return reports

    def run() -> None:
        reports: list[Report | None] = [None] * len(batch)
        for day in dict.fromkeys(days):  # one call per submission date, in order
            at = [i for i, d in enumerate(days) if d == day]
            for i, r in zip(at, checked([batch[i] for i in at], day), strict=True):
                reports[i] = r
        for k, report in zip(keys, reports, strict=True):
            assert report is not None
            out.extend((k, f) for f in report.findings)
        if bar is not None:
            bar.update(len(batch))
        batch.clear()
        keys.clear()
        days.clear()

    try:
        for b in items:
            if b.claim is None:
                out.extend((b.key, f) for f in b.findings)
                if bar is not None:
                    bar.update(1)
                continue
            batch.append(b.claim)
            keys.append(b.key)
            days.append(b.submitted or submitted_on)
            if len(batch) >= batch_size:
                run()
        if batch:
            run()
    finally:
        if bar is not None:
            bar.close()
    return from_arrow_like(df, findings_table(key, key_type, out))


def findings_table(key: str, key_type: pa.DataType, found: list[tuple[Any, Finding]]) -> pa.Table:
    """(claim key, finding) pairs as the findings table."""
    cols = {
        key: pa.array([k for k, _ in found], key_type),
        "rule": pa.array([f.rule for _, f in found], pa.string()),
        "severity": pa.array([str(f.severity) for _, f in found], pa.string()),
        "path": pa.array([f.path for _, f in found], pa.string()),
        "value": pa.array([_json_value(f.to_dict()["value"]) for _, f in found], pa.string()),
        "message": pa.array([f.message for _, f in found], pa.string()),
        "editions": pa.array([",".join(f.editions) for _, f in found], pa.string()),
    }
    return pa.table(cols)
