"""The field checks of the claim models: each turns a value into what the field
holds, or raises :class:`~codekit.errors.InvalidField` naming the field. The models
(:mod:`codekit.claims.model`) run them at construction; the JSON converter runs them
one by one, to report every problem of a document at once."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from .._normalize import clean
from ..errors import InvalidField

_T = TypeVar("_T")

#: metadata key under which each field keeps its check (``check(value, name)``), so that
#: the JSON converter can run every field's check and report every problem at once
CHECK = "codekit.check"


# ------------------------------------------------------------------------------------------
# field checks: check(value, field_name) -> the stored value, or InvalidField
def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_error(value: object, name: str, expected: str) -> InvalidField:
    return InvalidField(
        f"must be {expected}, not {type(value).__name__} {_shown(value)}", field=name, value=value
    )


def _text(value: object, name: str = "") -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    raise _type_error(value, name, "a string")


def _opt_text(value: object, name: str = "") -> str | None:
    if value is None or type(value) is str:
        return value
    return _text(value, name)


def _decimal(value: object, name: str = "") -> Decimal:
    if type(value) is Decimal:
        if not value.is_finite():
            raise InvalidField(f"not a number: {_shown(value)}", field=name, value=value)
        return value
    if isinstance(value, bool):
        raise _type_error(value, name, "a decimal number (a string such as '12.50')")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise InvalidField(
            f"a float cannot hold an exact amount: give a string or a Decimal, not {_shown(value)}",
            field=name,
            value=value,
        )
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or "_" in value:
            raise InvalidField(f"not a number: {_shown(value)}", field=name, value=value)
        return number
    if isinstance(value, Decimal):
        return _decimal(Decimal(value), name)
    raise _type_error(value, name, "a decimal number (a string such as '12.50')")


def _opt_decimal(value: object, name: str = "") -> Decimal | None:
    if value is None:
        return None
    if type(value) is Decimal and value.is_finite():
        return value
    return _decimal(value, name)


def _opt_date(value: object, name: str = "") -> datetime.date | None:
    if value is None or type(value) is datetime.date:
        return value
    if isinstance(value, datetime.datetime):
        raise _type_error(value, name, "a date (not a datetime)")
    if isinstance(value, datetime.date):
        return datetime.date(value.year, value.month, value.day)
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidField(f"not a date (YYYY-MM-DD): {_shown(value)}", field=name, value=value)
    raise _type_error(value, name, "a date")


def _bool(value: object, name: str = "") -> bool:
    if value is True or value is False:
        return value
    raise _type_error(value, name, "true or false")


def _items(value: object, name: str = "") -> Iterable[Any]:
    if isinstance(value, (list, tuple)):
        return value
    raise _type_error(value, name, "a list")


def _texts(value: object, name: str = "") -> tuple[str, ...]:
    if type(value) is tuple:
        for v in value:
            if type(v) is not str:
                break
        else:
            return value
    return tuple(_text(v, f"{name}[{i}]") for i, v in enumerate(_items(value, name)))


def _modifier(value: object, name: str = "") -> str:
    text = _text(value, name)
    if len(text.strip()) != 2:
        raise InvalidField(f"a modifier is 2 characters, got {_shown(value)}", field=name, value=value)
    return text


def _modifiers(value: object, name: str = "") -> tuple[str, ...]:
    if value == ():
        return ()
    return tuple(_modifier(v, f"{name}[{i}]") for i, v in enumerate(_items(value, name)))


def _int(value: object, name: str = "") -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise _type_error(value, name, "a whole number")


def _ints(value: object, name: str = "") -> tuple[int, ...]:
    if type(value) is tuple:
        for v in value:
            if type(v) is not int:
                break
        else:
            return value
    return tuple(_int(v, f"{name}[{i}]") for i, v in enumerate(_items(value, name)))


def _instance(cls: type[_T]) -> Callable[[object, str], _T | None]:
    def check(value: object, name: str = "") -> _T | None:
        if value is None or type(value) is cls or isinstance(value, cls):
            return value
        raise _type_error(value, name, f"a {cls.__name__} or None")

    return check


def _instances(cls: type[_T]) -> Callable[[object, str], tuple[_T, ...]]:
    def check(value: object, name: str = "") -> tuple[_T, ...]:
        if type(value) is tuple:
            for item in value:
                if type(item) is not cls:
                    break
            else:
                return value
        items = tuple(_items(value, name))
        for i, item in enumerate(items):
            if not isinstance(item, cls):
                raise _type_error(item, f"{name}[{i}]", f"a {cls.__name__}")
        return items

    return check


_CODE_SYSTEMS = ("cpt", "hcpcs")


def _code_system(value: object, self: Any) -> str | None:
    if value is None:
        return infer_code_system(self.code)
    return _code_system_value(value)


def infer_code_system(code: str) -> str | None:
    """``"hcpcs"`` for a HCPCS Level II shape (a letter A-V and 4 digits), ``"cpt"`` for
    a CPT shape (4 digits and a digit or F, T, U), else None. Shape only: whether the
    code exists is the scrubber's question.

    >>> infer_code_system("g0439"), infer_code_system("99214"), infer_code_system("0001U")
    ('hcpcs', 'cpt', 'cpt')
    >>> infer_code_system("E11.9") is None
    True
    """
    c = code.upper() if len(code) == 5 else clean(code, "procedure", keep_dots=True)
    if len(c) != 5 or not c[1:4].isdigit():
        return None
    if "A" <= c[0] <= "V" and c[4].isdigit():
        return "hcpcs"
    if c[0].isdigit() and (c[4].isdigit() or c[4] in "FTU"):
        return "cpt"
    return None


def _code_system_value(value: object, name: str = "") -> str | None:
    if value is None:
        return None
    text = _text(value, name).strip().lower()
    if text not in _CODE_SYSTEMS:
        raise InvalidField(f"one of 'cpt', 'hcpcs', got {_shown(value)}", field=name, value=value)
    return text


# ------------------------------------------------------------------------------------------
# field factories: each field carries its check (run by __init__ and by the JSON converter)
def _f(check: Callable[..., Any], default: Any = attrs.NOTHING) -> Any:
    # __init__ calls check(value) without the field name (fast); when it fails,
    # _name_errors runs the checks again with their names to say which field failed
    return attrs.field(default=default, converter=check, metadata={CHECK: check})


def _named(cls: type[Any], kwargs: dict[str, Any]) -> InvalidField | None:
    """The first field check that fails, run with its field name."""
    for a in attrs.fields(cls):
        if a.name in kwargs:
            try:
                a.metadata[CHECK](kwargs[a.name], a.name)
            except InvalidField as exc:
                return exc
    return None


def _name_errors(cls: type[_T]) -> type[_T]:
    """Prefix the class name to the InvalidField raised while building ``cls``."""
    init = cls.__init__
    model = cls.__name__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except InvalidField as exc:
            if exc.model:
                raise
            exc = _named(cls, kwargs) or exc
            raise InvalidField(exc.problem, field=exc.field, value=exc.value, model=model) from None

    __init__.__doc__ = init.__doc__
    __init__.__wrapped__ = init  # type: ignore[attr-defined]
    cls.__init__ = __init__  # type: ignore[method-assign]
    return cls


def _maker(cls: type[_T]) -> Callable[..., _T]:
    """A constructor that takes every field positionally, in field order, and skips the
    checks: only for values taken from objects that passed them already (the mapper
    copies a procedure's validated fields onto a line; the 837P reader's values are
    checked where it builds them). Several times faster than ``__init__``."""
    names = [a.name for a in attrs.fields(cls)]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    body = []
    for i, name in enumerate(names):
        namespace[f"set{i}"] = getattr(cls, name).__set__
        body.append(f"    set{i}(o, {name})\n")
    src = f"def make({', '.join(names)}):\n    o = new(cls)\n{''.join(body)}    return o\n"
    exec(src, namespace)
    make: Callable[..., _T] = namespace["make"]
    return make
