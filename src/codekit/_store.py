"""The compact, deterministic container that holds one edition of a code set.

The build script (``data/build.py``) and the run-time loaders of user files both
write tables with :func:`write` and read them with :class:`Table`, so a packaged
edition and one loaded from a newer official file behave the same.

Layout (all integers little-endian)::

    b"CODEKIT1\\n"
    <header length, 10 ASCII digits> b"\\n"
    <header: one line per section, "NAME KIND OFFSET LENGTH", sorted by name;
     then one line "meta <JSON, sorted keys>">
    <section bytes ...>

The header is plain text so that opening a table needs no JSON parser (a cold
``import json`` costs more than the whole first look-up budget); ``meta`` and
``json`` sections are parsed on first use.

Section kinds:

``lines``  UTF-8 text, one item per line.
``fixed:W`` ASCII items padded with blanks to W bytes (codes): item ``i`` is read
           straight from the buffer, so the first look-up decodes nothing else.
``sorted:W`` the same items sorted, with a companion ``<name>.rows`` u32 section
           (their row numbers): a binary search finds a code with no index built.
``u8``     one byte per row (flags, small enums).
``i32``    signed 32-bit integers (parent row, -1 for none).
``u16``    unsigned 16-bit integers.
``text``   a UTF-8 blob addressed by a companion ``<name>.off`` u32 section of
           ``n + 1`` offsets; an empty item is stored as empty (read as None).
``json``   any JSON value (sorted keys), parsed on first use.

Writing the same input gives the same bytes, which is what lets a test prove the
bundled data is exactly the build that ``data/built.sha256`` records.
"""

from __future__ import annotations

import _thread
import mmap
import sys
from array import array
from itertools import pairwise

from ._typing import TYPE_CHECKING
from .errors import DataIntegrityError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

_MAGIC = b"CODEKIT1\n"
_SWAP = sys.byteorder == "big"


def _arr(kind: str, values: Iterable[int]) -> bytes:
    typecode = {"u8": "B", "u16": "H", "i32": "i", "u32": "I"}[kind]
    a = array(typecode, values)
    if a.itemsize != {"B": 1, "H": 2, "i": 4, "I": 4}[typecode]:  # pragma: no cover
        raise RuntimeError("unexpected C integer size")
    if _SWAP:  # pragma: no cover - big-endian hosts only
        a.byteswap()
    return a.tobytes()


def _dumps(value: Any) -> bytes:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def write(
    meta: Mapping[str, Any],
    *,
    lines: Mapping[str, Sequence[str]] = {},
    keys: Mapping[str, Sequence[str]] = {},
    ints: Mapping[str, tuple[str, Sequence[int]]] = {},
    texts: Mapping[str, Sequence[str | None]] = {},
    jsons: Mapping[str, Any] = {},
) -> bytes:
    """Serialize one table to bytes (deterministic)."""
    parts: list[tuple[str, str, bytes]] = []
    for name, items in lines.items():
        for item in items:
            if "\n" in item:
                raise ValueError(f"line item with a newline in section {name!r}: {item!r}")
        parts.append((name, "lines", "\n".join(items).encode()))
    for name, key_items in keys.items():
        items = list(key_items)
        width = max((len(k) for k in items), default=1)
        for k in items:
            if not k.isascii() or not k or " " in k or "\n" in k:
                raise ValueError(f"bad key {k!r} in section {name!r}")
        if len(set(items)) != len(items):
            raise ValueError(f"duplicate keys in section {name!r}")
        parts.append((name, f"fixed:{width}", "".join(k.ljust(width) for k in items).encode()))
        order = sorted(range(len(items)), key=lambda i: items[i])
        blob = "".join(items[i].ljust(width) for i in order).encode()
        parts.append((name + ".sorted", f"sorted:{width}", blob))
        parts.append((name + ".sorted.rows", "u32", _arr("u32", order)))
    for name, (kind, values) in ints.items():
        parts.append((name, kind, _arr(kind, values)))
    for name, text_items in texts.items():
        offsets = [0]
        chunks: list[bytes] = []
        pos = 0
        for text in text_items:
            b = (text or "").encode()
            chunks.append(b)
            pos += len(b)
            offsets.append(pos)
        parts.append((name, "text", b"".join(chunks)))
        parts.append((name + ".off", "u32", _arr("u32", offsets)))
    for name, value in jsons.items():
        parts.append((name, "json", _dumps(value)))
    parts.sort(key=lambda p: p[0])
    head: list[bytes] = []
    seen: set[str] = set()
    offset = 0
    for name, kind, data in parts:
        if name in seen or not name or " " in name or "\n" in name:
            raise ValueError(f"duplicate or bad section name {name!r}")
        seen.add(name)
        head.append(f"{name} {kind} {offset} {len(data)}\n".encode())
        offset += len(data)
    head.append(b"meta " + _dumps(dict(meta)) + b"\n")
    header = b"".join(head)
    return b"".join(
        [_MAGIC, b"%010d\n" % len(header), header, *(data for _, _, data in parts)]
    )


class Table:
    """Read access to a container written by :func:`write`.

    Sections are decoded on first use; ``text`` sections are read item by item
    from the (memory-mapped) buffer, so looking up one description does not
    decode them all.
    """

    def __init__(self, buf: bytes | mmap.mmap, *, origin: str) -> None:
        self._buf = buf
        self.origin = origin
        if bytes(buf[: len(_MAGIC)]) != _MAGIC:
            raise DataIntegrityError(f"{origin}: not a codekit data file (bad magic)")
        self._sections: dict[str, tuple[str, int, int]] = {}
        try:
            hlen = int(bytes(buf[len(_MAGIC) : len(_MAGIC) + 10]))
            start = len(_MAGIC) + 11
            *entries, meta = bytes(buf[start : start + hlen]).decode().rstrip("\n").split("\n")
            for line in entries:
                name, kind, off, length = line.split(" ")
                self._sections[name] = (kind, int(off), int(length))
            if not meta.startswith("meta "):
                raise ValueError("no meta line")
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataIntegrityError(f"{origin}: corrupt header ({exc})") from None
        self._meta_raw = meta[5:]
        self._meta: dict[str, Any] | None = None
        self._base = start + hlen
        self._cache: dict[str, Any] = {}
        self._lock = _thread.allocate_lock()
        if self._base + sum(s[2] for s in self._sections.values()) != len(buf):
            raise DataIntegrityError(f"{origin}: truncated or padded data file")

    @property
    def meta(self) -> dict[str, Any]:
        """The table's metadata (edition, source, kind), parsed on first use."""
        if self._meta is None:
            import json

            self._meta = json.loads(self._meta_raw)
        return self._meta

    @classmethod
    def open(cls, path: str) -> Table:
        """Memory-map a container file."""
        with open(path, "rb") as fh:
            buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(buf, origin=path)

    def has(self, name: str) -> bool:
        """Whether the table has a section of that name."""
        return name in self._sections

    def _raw(self, name: str) -> bytes:
        try:
            _kind, off, length = self._sections[name]
        except KeyError:
            raise DataIntegrityError(f"{self.origin}: no section {name!r}") from None
        return bytes(self._buf[self._base + off : self._base + off + length])

    def _get(self, name: str) -> Any:
        try:
            return self._cache[name]
        except KeyError:
            pass
        with self._lock:
            if name in self._cache:
                return self._cache[name]
            kind = self._sections[name][0] if name in self._sections else None
            value: Any
            if kind == "lines":
                raw = self._raw(name)
                value = raw.decode().split("\n") if raw else []
            elif kind in ("u8", "u16", "i32", "u32"):
                value = array({"u8": "B", "u16": "H", "i32": "i", "u32": "I"}[kind])
                value.frombytes(self._raw(name))
                if _SWAP:  # pragma: no cover
                    value.byteswap()
            elif kind == "json":
                import json

                value = json.loads(self._raw(name))
            elif kind == "text":
                value = self._get_offsets(name)
            else:
                raise DataIntegrityError(f"{self.origin}: no section {name!r}")
            self._cache[name] = value
            return value

    def _get_offsets(self, name: str) -> array[int]:
        _kind, off, length = self._sections[name + ".off"]
        a: array[int] = array("I")
        a.frombytes(bytes(self._buf[self._base + off : self._base + off + length]))
        if _SWAP:  # pragma: no cover
            a.byteswap()
        return a

    def _fixed(self, name: str) -> tuple[int, int, int]:
        kind, off, length = self._sections[name]
        width = int(kind.split(":")[1])
        return self._base + off, width, length // width

    def key_count(self, name: str) -> int:
        """How many items a ``keys`` section holds."""
        return self._fixed(name)[2]

    def key(self, name: str, row: int) -> str:
        """Item ``row`` of a ``keys`` section (blanks stripped)."""
        base, width, n = self._fixed(name)
        if not 0 <= row < n:
            raise IndexError(row)
        start = base + row * width
        return bytes(self._buf[start : start + width]).decode("ascii").rstrip(" ")

    def all_keys(self, name: str) -> list[str]:
        """Every item of a ``keys`` section, in row order."""
        base, width, n = self._fixed(name)
        blob = bytes(self._buf[base : base + width * n]).decode("ascii")
        return [blob[i : i + width].rstrip(" ") for i in range(0, width * n, width)]

    def find_key(self, name: str, key: str) -> int | None:
        """The row of ``key`` by binary search over the sorted copy, or None."""
        base, width, n = self._fixed(name + ".sorted")
        if len(key) > width or not key.isascii():
            return None
        want = key.ljust(width).encode("ascii")
        buf = self._buf
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            start = base + mid * width
            got = buf[start : start + width]
            if got < want:
                lo = mid + 1
            else:
                hi = mid
        if lo < n and buf[base + lo * width : base + lo * width + width] == want:
            rows: array[int] = self._get(name + ".sorted.rows")
            return rows[lo]
        return None

    def lines(self, name: str) -> list[str]:
        """A ``lines`` section as a list of strings."""
        value: list[str] = self._get(name)
        return value

    def ints(self, name: str) -> array[int]:
        """An integer section as an :class:`array.array`."""
        value: array[int] = self._get(name)
        return value

    def json(self, name: str) -> Any:
        """A ``json`` section, parsed."""
        return self._get(name)

    def text(self, name: str, row: int) -> str | None:
        """Item ``row`` of a ``text`` section (None when empty)."""
        offsets: array[int] = self._get(name)
        a, b = offsets[row], offsets[row + 1]
        if a == b:
            return None
        base = self._base + self._sections[name][1]
        return bytes(self._buf[base + a : base + b]).decode()

    def all_text(self, name: str) -> list[str | None]:
        """Every item of a ``text`` section (decodes the whole section)."""
        offsets: array[int] = self._get(name)
        blob = self._raw(name).decode()
        if blob.isascii():
            return [blob[a:b] or None for a, b in pairwise(offsets)]
        raw = self._raw(name)
        return [raw[a:b].decode() or None for a, b in pairwise(offsets)]
