"""Opening official source files: plain, gzipped or zipped, with clear errors."""

from __future__ import annotations

import gzip
import io
import os
import re
import zipfile
from collections.abc import Callable

from .errors import SourceFormatError


def read_bytes(
    path: str | os.PathLike[str],
    *,
    pick: Callable[[list[str]], str | None] | None = None,
    what: str = "file",
) -> tuple[bytes, str]:
    """The content of ``path`` and a display name for error messages.

    ``.gz`` files are decompressed; for a zip archive ``pick`` chooses the
    member from the list of names (None: no suitable member, a clear error).
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise SourceFormatError(f"cannot read {what}: {exc.strerror}", path=name) from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceFormatError(f"broken gzip data: {exc}", path=name) from None
    if data[:4] == b"PK\x03\x04" and pick is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                members = [n for n in zf.namelist() if not n.endswith("/")]
                member = pick(members)
                if member is None:
                    raise SourceFormatError(
                        f"the zip archive holds no {what} (members: {', '.join(members)})",
                        path=name,
                    )
                return zf.read(member), f"{name}!{member}"
        except zipfile.BadZipFile as exc:
            raise SourceFormatError(f"broken zip archive: {exc}", path=name) from None
    return data, name


def pick_by_patterns(patterns: list[str]) -> Callable[[list[str]], str | None]:
    """A ``pick`` function choosing the first member matching the first pattern that hits."""

    def pick(members: list[str]) -> str | None:
        for pat in patterns:
            rx = re.compile(pat, re.IGNORECASE)
            hits = sorted(m for m in members if rx.search(os.path.basename(m)))
            if hits:
                return hits[0]
        return None

    return pick


def decode_text(data: bytes, name: str) -> str:
    """Decode text as UTF-8, falling back to Windows-1252 (CMS files use both)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else _fail(name)


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _fail(name: str) -> str:
    raise SourceFormatError("text is neither UTF-8 nor Windows-1252", path=name)
