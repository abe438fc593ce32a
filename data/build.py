"""Build codekit's bundled data from the official source files in data/sources/.

    python data/build.py                 # rebuild src/codekit/_data in place
    python data/build.py --out DIR       # build into another directory
    python data/build.py --check         # rebuild into a temp dir, compare bytes

Every source file is verified against the sha256 in its folder's SOURCES.json
before it is read. Each system has a builder in data/builders/<system>.py with
``SYSTEM`` and ``build(ctx) -> list[edition entry]``; the entries go into the
generated ``_data/manifest.json`` with row counts and sources. The output is
deterministic: the same sources give the same bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import importlib
import json
import os
import pkgutil
import shutil
import sys
import tempfile
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SOURCES = os.path.join(HERE, "sources")
DEFAULT_OUT = os.path.join(ROOT, "src", "codekit", "_data")

sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, HERE)


class BuildError(Exception):
    """A source file is missing or does not match its checksum."""


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Context:
    """What a builder gets: verified sources in, deterministic files out."""

    def __init__(self, out: str) -> None:
        self.out = out
        self._verified: dict[str, dict[str, Any]] = {}

    def sources(self, system: str) -> dict[str, dict[str, Any]]:
        """The SOURCES.json entries of a system, by file name."""
        path = os.path.join(SOURCES, system, "SOURCES.json")
        with open(path, encoding="utf-8") as fh:
            return {f["file"]: f for f in json.load(fh)["files"]}

    def source(self, system: str, name: str) -> str:
        """Path of a source file, after checking its sha256."""
        path = os.path.join(SOURCES, system, name)
        if path not in self._verified:
            entry = self.sources(system).get(name)
            if entry is None:
                raise BuildError(f"{system}/{name} is not listed in {system}/SOURCES.json")
            if not os.path.exists(path):
                raise BuildError(f"missing source file data/sources/{system}/{name}")
            got = sha256(path)
            if got != entry["sha256"]:
                raise BuildError(
                    f"checksum mismatch for data/sources/{system}/{name}: "
                    f"expected {entry['sha256']}, got {got}"
                )
            self._verified[path] = entry
        return path

    def source_entry(self, system: str, name: str) -> dict[str, Any]:
        """The manifest record of a verified source file."""
        self.source(system, name)
        e = self.sources(system)[name]
        return {"file": f"{system}/{name}", "sha256": e["sha256"], "provenance": e["provenance"]}

    def write(self, rel: str, data: bytes) -> dict[str, Any]:
        """Write a generated file; returns its path and checksum for the manifest."""
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        return {"file": rel.replace(os.sep, "/"), "sha256": hashlib.sha256(data).hexdigest()}

    def copy(self, system: str, name: str, rel: str) -> dict[str, Any]:
        """Copy a verified source file into the package unchanged."""
        with open(self.source(system, name), "rb") as fh:
            return self.write(rel, fh.read())


def builders() -> list[Any]:
    import builders as pkg

    mods = [importlib.import_module(f"builders.{m.name}") for m in pkgutil.iter_modules(pkg.__path__)]
    return sorted(mods, key=lambda m: m.SYSTEM)


def build(out: str) -> dict[str, Any]:
    os.makedirs(out, exist_ok=True)
    ctx = Context(out)
    manifest: dict[str, Any] = {
        "generated_by": "data/build.py",
        "format": "codekit table v1 (see src/codekit/_store.py)",
        "editions": {},
        "extras": {},
    }
    mods = builders()
    for mod in [m for m in mods if not getattr(m, "AFTER_INDEX", False)]:
        result = mod.build(ctx)
        if isinstance(result, dict):
            manifest["editions"][mod.SYSTEM] = result.get("editions", [])
            if result.get("extras"):
                manifest["extras"][mod.SYSTEM] = result["extras"]
        else:
            manifest["editions"][mod.SYSTEM] = result
        print(f"built {mod.SYSTEM}: " + ", ".join(
            f"{e['id']} ({e['rows']} rows)" for e in manifest["editions"][mod.SYSTEM]
        ))
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    # the small index the package reads at run time (no JSON parser on the hot path)
    rows = ["system\tid\teffective\tend\tfile\tsources\tnote"]
    for system, eds in sorted(manifest["editions"].items()):
        for e in eds:
            fields = [
                system, e["id"], e["effective"], e.get("end") or "", e["file"],
                ", ".join(s["file"].split("/", 1)[-1] for s in e["sources"][:1]),
                e.get("note", ""),
            ]
            for f in fields:
                if "\t" in f or "\n" in f:
                    raise BuildError(f"tab or newline in edition index field {f!r}")
            rows.append("\t".join(fields))
    with open(os.path.join(out, "editions.tsv"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(rows) + "\n")
    # builders of derived data (the search indexes) read the code sets just written
    for mod in [m for m in mods if getattr(m, "AFTER_INDEX", False)]:
        extras = mod.build(ctx)
        manifest["extras"][mod.SYSTEM] = extras
        print(f"built {mod.SYSTEM}: {len(extras)} files")
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return manifest


def compare(a: str, b: str) -> list[str]:
    """Relative paths that differ between two build trees."""
    diffs = []
    names = set()
    for top in (a, b):
        for dirpath, _, files in os.walk(top):
            for f in files:
                if f.endswith((".pyc",)) or "__pycache__" in dirpath:
                    continue
                names.add(os.path.relpath(os.path.join(dirpath, f), top))
    for rel in sorted(names):
        pa, pb = os.path.join(a, rel), os.path.join(b, rel)
        if not (os.path.exists(pa) and os.path.exists(pb)) or not filecmp.cmp(pa, pb, False):
            diffs.append(rel)
    return diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=None, help="output directory (default: src/codekit/_data)")
    ap.add_argument("--check", action="store_true", help="rebuild to a temp dir and compare")
    args = ap.parse_args(argv)
    try:
        if args.check:
            tmp = tempfile.mkdtemp(prefix="codekit-build-")
            try:
                build(tmp)
                diffs = compare(tmp, DEFAULT_OUT)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            if diffs:
                print("differs from the committed data: " + ", ".join(diffs))
                return 1
            print("committed data is byte-identical to a fresh build")
            return 0
        build(args.out or DEFAULT_OUT)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
