"""Build codekit's bundled data from the official source files in data/sources/.

    python data/build.py                 # rebuild src/codekit/_data in place
    python data/build.py --if-stale      # the same, only when an input changed
    python data/build.py --out DIR       # build into another directory
    python data/build.py --check         # rebuild into a temp dir, compare with built.sha256
    python data/build.py --lock          # rebuild in place and record built.sha256

Every source file is verified against the sha256 in its folder's SOURCES.json
before it is read. Each system has a builder in data/builders/<system>.py with
``SYSTEM`` and ``build(ctx) -> list[edition entry]``; the entries go into the
generated ``_data/manifest.json`` with row counts and sources. The output is
deterministic: the same sources give the same bytes.

The generated data is not kept in git: packaging runs this build (see
``hatch_build.py``), and ``data/built.sha256`` records the sha256 of every file a
build makes, so a test can prove a fresh build is byte-identical to the reviewed
one and a change to the data shows in review as a change to that file.
A stamp (``src/codekit/_data.stamp``, beside the folder, so the wheel leaves it out) records a fingerprint of the build's inputs (every
file under data/ and every codekit module the build imported); ``--if-stale``
rebuilds only when that fingerprint changed.
"""

from __future__ import annotations

import argparse
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
LOCK = os.path.join(HERE, "built.sha256")
STAMP_SUFFIX = ".stamp"  # the stamp of a build in DIR is the file DIR.stamp beside it

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


def _tree_files(top: str) -> list[str]:
    """Relative paths (with /) of every file below ``top``, sorted; caches skipped."""
    out = []
    for dirpath, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in files:
            if f.endswith(".pyc"):
                continue
            out.append(os.path.relpath(os.path.join(dirpath, f), top).replace(os.sep, "/"))
    return sorted(out)


def digest(top: str) -> dict[str, str]:
    """sha256 of every file a build wrote into ``top``, by relative path."""
    return {rel: sha256(os.path.join(top, rel)) for rel in _tree_files(top)}


def read_lock() -> dict[str, str]:
    """The recorded digest of the reviewed build (``data/built.sha256``)."""
    out = {}
    with open(LOCK, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                h, rel = line.rstrip("\n").split("  ", 1)
                out[rel] = h
    return out


def write_lock(files: dict[str, str]) -> None:
    with open(LOCK, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("".join(f"{h}  {rel}\n" for rel, h in sorted(files.items())))


def diff_digests(got: dict[str, str], want: dict[str, str]) -> list[str]:
    """Relative paths whose content (or presence) differs."""
    return sorted(rel for rel in set(got) | set(want) if got.get(rel) != want.get(rel))


def _fingerprint(modules: list[str]) -> str:
    """One hash over every input of a build: the files under data/ and the codekit
    modules the builders import (paths relative to the repository)."""
    h = hashlib.sha256()
    rels = ["data/" + r for r in _tree_files(HERE) if not r.startswith("built.sha256")]
    for rel in sorted(set(rels) | set(modules)):
        path = os.path.join(ROOT, rel)
        h.update(rel.encode() + b"\0")
        h.update((sha256(path) if os.path.exists(path) else "missing").encode() + b"\n")
    return h.hexdigest()


def _imported_modules() -> list[str]:
    """The codekit source files this process imported (the build's code inputs)."""
    src = os.path.join(ROOT, "src") + os.sep
    out = set()
    for mod in list(sys.modules.values()):
        path = getattr(mod, "__file__", None)
        if path and os.path.abspath(path).startswith(src):
            out.add(os.path.relpath(os.path.abspath(path), ROOT).replace(os.sep, "/"))
    return sorted(out)


def is_stale(out: str) -> bool:
    """Whether ``out`` is missing, unstamped, or was built from other inputs."""
    try:
        with open(out.rstrip("/" + os.sep) + STAMP_SUFFIX, encoding="utf-8") as fh:
            stamp = json.load(fh)
    except (OSError, ValueError):
        return True
    return bool(stamp.get("fingerprint") != _fingerprint(stamp.get("modules", [])))


def build_in_place(out: str = DEFAULT_OUT) -> dict[str, Any]:
    """Build into a fresh sibling folder, then swap it in (never a half-built tree),
    and stamp it with the fingerprint of its inputs."""
    stale_stamp = out.rstrip("/" + os.sep) + STAMP_SUFFIX
    if os.path.exists(stale_stamp):
        os.remove(stale_stamp)
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".data-build-", dir=parent)
    try:
        manifest = build(tmp)
        modules = _imported_modules()
        stamp = {"fingerprint": _fingerprint(modules), "modules": modules}
        old = None
        if os.path.exists(out):
            old = tempfile.mkdtemp(prefix=".data-old-", dir=parent)
            os.rename(out, os.path.join(old, "_data"))
        os.rename(tmp, out)
        with open(out.rstrip("/" + os.sep) + STAMP_SUFFIX, "w", encoding="utf-8") as fh:
            json.dump(stamp, fh, indent=1)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=None, help="output directory (default: src/codekit/_data)")
    ap.add_argument("--check", action="store_true",
                    help="rebuild to a temp dir and compare with data/built.sha256")
    ap.add_argument("--if-stale", action="store_true",
                    help="rebuild src/codekit/_data only when an input changed")
    ap.add_argument("--lock", action="store_true",
                    help="rebuild src/codekit/_data and record data/built.sha256")
    args = ap.parse_args(argv)
    try:
        if args.check:
            tmp = tempfile.mkdtemp(prefix="codekit-build-")
            try:
                build(tmp)
                diffs = diff_digests(digest(tmp), read_lock())
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            if diffs:
                print("a fresh build differs from data/built.sha256: " + ", ".join(diffs))
                return 1
            print("a fresh build is byte-identical to data/built.sha256")
            return 0
        if args.if_stale and not args.out:
            if not is_stale(DEFAULT_OUT):
                print("codekit data is up to date (src/codekit/_data)")
                return 0
            print("building codekit data from data/sources (about a minute) ...", flush=True)
        if args.out:
            build(args.out)
        else:
            build_in_place(DEFAULT_OUT)
            if args.lock:
                write_lock(digest(DEFAULT_OUT))
                print(f"recorded {os.path.relpath(LOCK, ROOT)}")
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
