"""Search: the curated synonym table and a prebuilt index per bundled edition.

Runs after the code-set tables and the edition index are written (AFTER_INDEX),
and reads the code sets from the output folder, so a build into another folder
indexes exactly what it built.
"""

from __future__ import annotations

import os
from typing import Any

SYSTEM = "search"
AFTER_INDEX = True
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(ctx: Any) -> list[dict[str, Any]]:
    from codekit import _resources, fuzzy

    out: list[dict[str, Any]] = []
    with open(os.path.join(HERE, "search", "synonyms.tsv"), "rb") as fh:
        written = ctx.write("search/synonyms.tsv", fh.read())
    written["note"] = "curated word -> clinical words table, each row with its source"
    out.append(written)
    # point the package at the tables this build wrote
    _resources.DATA_DIR = ctx.out
    _resources._index = None
    target = os.path.join(ctx.out, "search")
    for path in fuzzy.build_bundled_indexes(target):
        rel = os.path.relpath(path, ctx.out).replace(os.sep, "/")
        with open(path, "rb") as fh:
            data = fh.read()
        import hashlib

        out.append({"file": rel, "sha256": hashlib.sha256(data).hexdigest()})
    return out
