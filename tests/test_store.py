"""The table container: round trips, determinism, corruption is reported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codekit import _store
from codekit.errors import DataIntegrityError

codes = st.lists(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=7),
    unique=True, max_size=40,
)


@given(codes, st.data())
def test_round_trip(keys: list[str], data: st.DataObject) -> None:
    n = len(keys)
    texts = data.draw(st.lists(st.one_of(st.none(), st.text(max_size=30)), min_size=n, max_size=n))
    ints = data.draw(st.lists(st.integers(-(2**31), 2**31 - 1), min_size=n, max_size=n))
    lines = data.draw(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"))))
    blob = _store.write(
        {"x": 1},
        keys={"codes": keys},
        ints={"v": ("i32", ints)},
        texts={"t": texts},
        lines={"l": lines},
        jsons={"j": {"a": [1, 2]}},
    )
    assert blob == _store.write(
        {"x": 1}, keys={"codes": keys}, ints={"v": ("i32", ints)}, texts={"t": texts},
        lines={"l": lines}, jsons={"j": {"a": [1, 2]}},
    )
    t = _store.Table(blob, origin="mem")
    assert t.meta == {"x": 1}
    assert t.all_keys("codes") == keys
    assert list(t.ints("v")) == ints
    assert [t.text("t", i) for i in range(n)] == [x or None for x in texts]
    assert t.all_text("t") == [x or None for x in texts]
    assert t.lines("l") == (lines if lines != [""] else [])
    assert t.json("j") == {"a": [1, 2]}
    for i, k in enumerate(keys):
        assert t.find_key("codes", k) == i
        assert t.key("codes", i) == k
    assert t.find_key("codes", "NOPE!") is None


def test_corruption_is_reported() -> None:
    blob = _store.write({}, keys={"codes": ["A"]})
    with pytest.raises(DataIntegrityError, match="bad magic"):
        _store.Table(b"nonsense" + blob, origin="x")
    with pytest.raises(DataIntegrityError, match="truncated"):
        _store.Table(blob[:-1], origin="x")
    with pytest.raises(DataIntegrityError, match="corrupt header"):
        _store.Table(blob[:9] + b"abcdefghij" + blob[19:], origin="x")
    t = _store.Table(blob, origin="x")
    with pytest.raises(DataIntegrityError, match="no section"):
        t.lines("missing")


def test_writer_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        _store.write({}, keys={"codes": ["A", "A"]})
    with pytest.raises(ValueError):
        _store.write({}, lines={"l": ["a\nb"]})
