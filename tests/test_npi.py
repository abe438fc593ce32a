"""codekit.npi: the 10-digit NPI with a Luhn check digit over the 80840 prefix."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codekit import npi
from codekit.errors import InvalidCodeFormat


def _cms_check_digit(base: str) -> int:
    """The CMS worked method, written out independently: double every other digit of the
    9-digit base from the right, add the digits of the products and the other digits, add
    24 (the doubled-and-summed 80840 prefix), and take the distance to the next ten."""
    total = 24
    for i, ch in enumerate(reversed(base)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d // 10 + d % 10
        total += d
    return (10 - total % 10) % 10


def test_the_cms_example() -> None:
    # CMS "NPI check digit": 123456789 has check digit 3
    assert npi.calc_check_digit("123456789") == "3"
    assert npi.is_valid("1234567893")
    assert not npi.is_valid("1234567890")


@given(base=st.integers(min_value=100_000_000, max_value=299_999_999).map(str))
def test_check_digit_agrees_with_the_cms_method(base: str) -> None:
    digit = npi.calc_check_digit(base)
    assert int(digit) == _cms_check_digit(base)
    assert npi.is_valid(base + digit)
    wrong = str((int(digit) + 1) % 10)
    assert not npi.is_valid(base + wrong)
    assert npi.check(base + wrong).message.endswith("(Luhn with the 80840 prefix)")


@given(value=st.one_of(st.text(), st.integers(), st.none(), st.binary(), st.floats(),
                       st.lists(st.text(max_size=3), max_size=2)))
def test_is_valid_and_check_never_raise(value: object) -> None:
    ok = npi.is_valid(value)
    r = npi.check(value)
    assert ok is r.ok
    assert r.message
    if ok:
        assert npi.validate(value) == npi.compact(value)  # type: ignore[arg-type]
    else:
        with pytest.raises(npi.InvalidNPI) as info:
            npi.validate(value)
        assert info.value.reason in ("type", "digits", "length", "first_digit", "check_digit")


@given(text=st.text(alphabet="0123456789 -", max_size=14))
def test_compact_is_idempotent(text: str) -> None:
    once = npi.compact(text)
    assert npi.compact(once) == once


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "length"), ("123456789", "length"), ("12345678901", "length"),
     ("3234567890", "first_digit"), ("12345678X3", "digits"), (1234567893, "type"),
     ("1234567890", "check_digit")],
)
def test_reasons(value: object, reason: str) -> None:
    with pytest.raises(InvalidCodeFormat) as info:
        npi.validate(value)
    assert isinstance(info.value, npi.InvalidNPI) and info.value.reason == reason
    assert isinstance(info.value, ValueError)
    again = pickle.loads(pickle.dumps(info.value))
    assert again.reason == reason and str(again) == str(info.value)


def test_separators_are_allowed() -> None:
    assert npi.validate(" 1234-567-893 ") == "1234567893"
    assert npi.format("1234 567 893") == "1234567893"
