"""JSON for the claim models through one public cattrs converter.

The JSON keys are the attribute names; money and units are strings
(``"165.00"``, never a float), dates ISO strings, lists JSON arrays. Structuring is
strict: an unknown key, a float for money, a date in another format or a missing
required key is a problem, and malformed data gives **one**
:class:`~codekit.errors.StructureError` that lists every problem with its path.

>>> from codekit import serialization
>>> from codekit.claims import Claim
>>> data = {"diagnoses": ["E11.9"], "lines": [{"code": "99213", "charge": "95.00",
...         "units": "1", "diagnosis_pointers": [1], "service_date": "2026-06-15"}]}
>>> claim = serialization.structure(data, Claim)
>>> claim.lines[0].charge, claim.lines[0].service_date
(Decimal('95.00'), datetime.date(2026, 6, 15))
>>> out = serialization.unstructure(claim)
>>> out["lines"][0]["charge"], out["lines"][0]["code_system"], out["frequency_code"]
('95.00', 'cpt', '1')
>>> serialization.structure(out, Claim) == claim
True
>>> bad = {"diagnoses": ["E11.9", 7], "lines": [{"code": "99213", "units": "two",
...        "charge": 95.0, "colour": "red"}]}
>>> try:
...     serialization.structure(bad, Claim)
... except ValueError as exc:
...     print(exc)
4 problems in the Claim:
  diagnoses[1]: must be a string, not int 7
  lines[0].colour: unknown key
  lines[0].units: not a number: 'two'
  lines[0].charge: a float cannot hold an exact amount: give a string or a Decimal, not 95.0
"""

from __future__ import annotations

import datetime
import json
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .claims.model import (
    CHECK,
    Address,
    Claim,
    Encounter,
    Patient,
    Payer,
    Procedure,
    Provider,
    ServiceLine,
    Subscriber,
)
from .errors import InvalidField, StructureError

__all__ = [
    "MODELS",
    "converter",
    "from_json",
    "make_converter",
    "structure",
    "to_json",
    "unstructure",
]

T = TypeVar("T")

#: the classes the converter structures and unstructures
MODELS: tuple[type, ...] = (
    Address,
    Patient,
    Subscriber,
    Payer,
    Provider,
    ServiceLine,
    Procedure,
    Claim,
    Encounter,
)
_MODEL_SET = frozenset(MODELS)


class _Problem(ValueError):
    """A leaf problem whose message is already the text to show; ``suffix`` continues
    the path inside the field (``"[1]"`` for the second item of a list)."""

    def __init__(self, message: str, suffix: str = "") -> None:
        super().__init__(message)
        self.suffix = suffix


def _is_model_type(tp: Any) -> bool:
    """A model, an optional model, or a tuple of models: cattrs structures those."""
    args = typing.get_args(tp)
    if tp in _MODEL_SET:
        return True
    return bool(args) and any(a in _MODEL_SET for a in args)


def _leaf_hook(check: Callable[[Any, str], Any], name: str) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _type: Any) -> Any:
        try:
            return check(value, name)
        except InvalidField as exc:
            raise _Problem(exc.problem, exc.field[len(name):]) from None

    return hook


def _items_hook(conv: cattrs.Converter, item: type) -> Callable[[Any, Any], tuple[Any, ...]]:
    def hook(value: Any, _type: Any) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise _Problem(f"must be a list, not {type(value).__name__}")
        out: list[Any] = []
        errors: list[Exception] = []
        for i, v in enumerate(value):
            try:
                out.append(conv.structure(v, item))
            except Exception as exc:
                note = IterableValidationNote(f"Structuring {item.__name__} @ index {i}", i, item)
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {item.__name__}s", errors, tuple)
        return tuple(out)

    return hook


def _model_hook(conv: cattrs.Converter, cls: type[T]) -> Callable[[Any, Any], T]:
    overrides: dict[str, Any] = {}
    for a in attrs.fields(cls):  # type: ignore[arg-type]
        if not _is_model_type(a.type):
            overrides[a.name] = override(struct_hook=_leaf_hook(a.metadata[CHECK], a.name))
        elif typing.get_origin(a.type) is tuple:
            item = typing.get_args(a.type)[0]
            overrides[a.name] = override(struct_hook=_items_hook(conv, item))
    generated = make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
        **overrides,
    )

    def hook(value: Any, _type: Any) -> T:
        if not isinstance(value, Mapping):
            raise _Problem(f"must be an object, not {type(value).__name__}")
        return generated(value, cls)

    return hook


def _unstructure_decimal(value: Decimal) -> str:
    return str(value)


def _unstructure_date(value: datetime.date) -> str:
    return value.isoformat()


def make_converter(*, forbid_extra_keys: bool = True) -> cattrs.Converter:
    """A new cattrs converter for the claim models, configured like :data:`converter`.

    For users who register hooks of their own (their classes that hold claims)
    without touching the shared one. ``forbid_extra_keys=False`` ignores unknown keys
    instead of reporting them.

    >>> c = make_converter(forbid_extra_keys=False)
    >>> c.structure({"line1": "1 ELM ST", "plus4": "x"}, Address).line1
    '1 ELM ST'
    """
    conv = cattrs.Converter(
        detailed_validation=True,
        forbid_extra_keys=forbid_extra_keys,
        unstruct_collection_overrides={tuple: list},
    )
    conv.register_unstructure_hook(Decimal, _unstructure_decimal)
    conv.register_unstructure_hook(datetime.date, _unstructure_date)
    for cls in MODELS:
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv))
        hook: Callable[[Any, Any], Any] = (
            _model_hook(conv, cls) if forbid_extra_keys else _lenient(conv, cls)
        )
        conv.register_structure_hook(cls, hook)
    return conv


def _lenient(conv: cattrs.Converter, cls: type[T]) -> Callable[[Any, Any], T]:
    strict = _model_hook(conv, cls)

    def hook(value: Any, _type: Any) -> T:
        if isinstance(value, Mapping):
            names = attrs.fields_dict(cls)  # type: ignore[arg-type]
            value = {k: v for k, v in value.items() if k in names}
        return strict(value, _type)

    return hook


#: The public converter (cattrs): ``converter.structure(data, Claim)``,
#: ``converter.unstructure(claim)``. Errors from it are cattrs' exception groups;
#: :func:`structure` turns them into one :class:`~codekit.errors.StructureError`.
converter = make_converter()


# ------------------------------------------------------------------------------------------
# error paths
def _path_of(exc: BaseException, base: str) -> str:
    for note in getattr(exc, "__notes__", ()):
        name = getattr(note, "name", None)
        if name is not None:  # AttributeValidationNote
            return f"{base}.{name}" if base else str(name)
        index = getattr(note, "index", None)
        if index is not None:  # IterableValidationNote
            return f"{base}[{index}]"
    return base


def _problems(exc: BaseException, path: str, out: list[str]) -> None:
    if isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            out.append(f"{path}.{key}: unknown key" if path else f"{key}: unknown key")
        return
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        extras = [e for e in exc.exceptions if isinstance(e, ForbiddenExtraKeysError)]
        for e in extras:
            _problems(e, path, out)
        for e in exc.exceptions:
            if e not in extras:
                _problems(e, _path_of(e, path), out)
        return
    if isinstance(exc, KeyError):
        message = "required"
    elif isinstance(exc, _Problem):
        message = str(exc)
        path += exc.suffix
    elif isinstance(exc, InvalidField):
        message = str(exc)
    else:
        message = f"{type(exc).__name__}: {exc}"
    out.append(f"{path}: {message}" if path else message)


def structure(data: Any, cls: type[T] = Claim) -> T:  # type: ignore[assignment]
    """Build ``cls`` (a claim model; :class:`~codekit.claims.Claim` by default) from
    parsed JSON; raises :class:`~codekit.errors.StructureError` listing every problem.

    >>> structure({"line1": "1 ELM ST", "city": "AUSTIN"}, Address)
    Address(line1='1 ELM ST', line2=None, city='AUSTIN', state=None, postal_code=None)
    """
    if cls not in _MODEL_SET:
        raise TypeError(f"not a claim model: {cls!r}")
    try:
        result: T = converter.structure(data, cls)
    except Exception as exc:
        problems: list[str] = []
        _problems(exc, "", problems)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        message = f"{count} in the {cls.__name__}:\n" + "\n".join(f"  {p}" for p in problems)
        raise StructureError(message, model=cls.__name__, problems=tuple(problems)) from None
    return result


def unstructure(obj: Any) -> Any:
    """The JSON-ready form of a model (dicts, lists, strings, ints, booleans, None).

    >>> unstructure(Address(line1="1 ELM ST"))
    {'line1': '1 ELM ST', 'line2': None, 'city': None, 'state': None, 'postal_code': None}
    """
    return converter.unstructure(obj)


def to_json(obj: Any, *, indent: int | None = None) -> str:
    """The JSON text of a model (or a list of models); keys in attribute order, so the
    same object always gives the same bytes.

    >>> to_json(Address(city="AUSTIN", state="TX"))
    '{"line1": null, "line2": null, "city": "AUSTIN", "state": "TX", "postal_code": null}'
    """
    return json.dumps(unstructure(obj), indent=indent, ensure_ascii=False)


def from_json(text: str | bytes, cls: type[T] = Claim) -> T:  # type: ignore[assignment]
    """Parse JSON text and :func:`structure` it. Text that is not JSON raises
    :class:`~codekit.errors.StructureError` with the line and column.

    >>> from_json('{"line1": "1 ELM ST"}', Address).line1
    '1 ELM ST'
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise StructureError(message, model=cls.__name__, problems=(message,)) from None
    return structure(data, cls)
