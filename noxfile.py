"""Developer tasks. `nox` runs the default sessions (what CI runs); `nox -s bench` prints figures."""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
import tempfile

import nox

nox.options.sessions = ["tests", "lint", "typing", "docs", "build_check"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# pyx12 validates every 837P the claims tests write; fhir.resources every FHIR Claim
TEST_DEPS = ["pytest>=8", "hypothesis>=6.100", "coverage[toml]>=7", "pyx12>=4", "fhir.resources>=8"]
# codekit.frames is tested on pandas and polars, on a local Dask cluster and, where Java
# runs, on Spark; CODEKIT_REQUIRE_EXTRAS turns a missing extra into a failure, not a skip
EXTRAS = ".[frames,dask,plots,spark]"
FRAME_DEPS = ["pandas>=2.1", "polars>=1.0"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """pytest (unit, data, property tests and doctests) under coverage."""
    session.install("-e", EXTRAS, *FRAME_DEPS, *TEST_DEPS)
    session.run(
        "coverage", "run", "-m", "pytest", *session.posargs,
        env={"CODEKIT_REQUIRE_EXTRAS": "1"},
    )
    session.run("coverage", "report")


@nox.session(python=PYTHON)
def property(session: nox.Session) -> None:
    """The long totality run (not part of CI): check_claim over at least 100,000 generated
    junk claims (CODEKIT_PROPERTY_EXAMPLES sets the count of the main test; the two other
    tests run a fifth and a tenth of it). `nox -s property -- -x` stops at the first failure."""
    session.install("-e", ".", *TEST_DEPS)
    session.env["CODEKIT_PROPERTY_EXAMPLES"] = os.environ.get("CODEKIT_PROPERTY_EXAMPLES", "100000")
    session.run("pytest", "-q", "tests/test_validation_property.py",
                "--override-ini=addopts=-p no:cacheprovider", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over the code, tests, build script and benchmarks."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", "src", "tests", "data", "benchmarks", "noxfile.py")


@nox.session(python=PYTHON)
def typing(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[frames,dask,plots]", *FRAME_DEPS, "mypy>=1.10")
    session.run("mypy", "--strict", "src/codekit")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the Sphinx docs with warnings as errors, and run their examples (the
    tutorials included) as doctests."""
    session.install("-e", EXTRAS, *FRAME_DEPS, "sphinx>=7", "pytest>=8", "hypothesis>=6.100")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")
    session.run(
        "python", "-m", "pytest", "-q", "docs", "README.md", "tests/test_frames_readme.py",
        env={"CODEKIT_REQUIRE_EXTRAS": "1"},
    )


@nox.session(python=PYTHON)
def update_data(session: nox.Session) -> None:
    """Rebuild src/codekit/_data from data/sources (verifies checksums first);
    `nox -s update_data -- --lock` also records data/built.sha256."""
    session.install("-e", ".")
    session.run("python", "data/build.py", *session.posargs)


@nox.session(python=PYTHON)
def build_check(session: nox.Session) -> None:
    """Build the wheel, install it in a fresh venv, and from outside the source tree look
    up one code in every shipped edition of every system."""
    session.install("build>=1")
    with tempfile.TemporaryDirectory() as tmp:
        dist = os.path.join(tmp, "dist")
        session.run("python", "-m", "build", "--wheel", "--outdir", dist)
        wheels = glob.glob(os.path.join(dist, "codekit-*.whl"))
        if len(wheels) != 1:
            session.error(f"expected one wheel, found {wheels}")
        venv = os.path.join(tmp, "venv")
        session.run("python", "-m", "venv", venv)
        py = os.path.join(venv, "bin", "python")
        session.run(py, "-m", "pip", "install", "--quiet", wheels[0], external=True)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "wheel_smoke.py")
        with session.chdir(tmp):
            session.run(py, "-P", script, external=True)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Print speed, memory and quality figures (not part of CI)."""
    session.install("-e", EXTRAS, *FRAME_DEPS, "simple-icd-10-cm")
    for script in sorted(glob.glob("benchmarks/bench_*.py")):
        session.log(f"--- {script}")
        session.run("python", script, *session.posargs)


# ------------------------------------------------------------------------------------------
# mutation testing (not a CI session: `nox -s mutation`)
MUTMUT = "mutmut==3.8.1"

#: module (path under src/codekit, without .py) -> the pytest arguments that select the
#: tests exercising it. mutmut runs, for each mutant, only those of them that reach the
#: mutated function, so a short, fast selection makes a fast session. Modules marked
#: "later" are being restructured (issues 7, 9, 12): run them once that has landed.
MUTATION_TARGETS: dict[str, list[str]] = {
    "_normalize": ["tests/test_exactness.py", "-k", "normalize or format or not_a_string"],
    "status": ["tests/test_status.py", "tests/test_exactness.py", "-k",
               "status or truth or equality or replace or immutable or fields or compares "
               "or messages or not_a_string"],
    # later: the code-set verbs, editions and date selection
    "codeset": ["tests/test_exactness.py", "tests/test_icd10cm.py", "-k", "not every_code"],
    "_editions": ["tests/test_boundaries.py", "tests/test_icd10cm.py", "tests/test_hcpcs.py"],
    "hcpcs": ["tests/test_boundaries.py", "tests/test_hcpcs.py"],
    # later: the parsers, on the small fixtures and the property tests
    "_parsers/icd10cm": ["tests/test_icd10cm_parsers.py", "tests/test_icd10cm_load.py"],
    "_parsers/hcpcs": ["tests/test_hcpcs.py", "-k", "load or parse or fixture or robust"],
    # later: search ranking
    "_searchengine": ["tests/test_searchengine.py"],
}
STABLE_MODULES = ["_normalize", "status"]


@nox.session(python=PYTHON)
def mutation(session: nox.Session) -> None:
    """Mutation testing with mutmut 3, one module at a time, niced, each with a time
    limit (MUTATION_MINUTES, default 30; MUTATION_JOBS parallel mutants, default 1).
    Not part of the default sessions.

        nox -s mutation                        # the stable modules (_normalize, status)
        nox -s mutation -- codeset _editions   # modules from MUTATION_TARGETS

    Each module runs in a scratch copy of the tree (so mutmut's mutants/ folder never
    lands in the work tree); the score and every surviving mutant's diff are written to
    build/mutation/<module>.txt."""
    session.install("-e", ".", *TEST_DEPS, MUTMUT)
    modules = session.posargs or STABLE_MODULES
    unknown = [m for m in modules if m not in MUTATION_TARGETS]
    if unknown:
        session.error(f"no test selection for {unknown}; add them to MUTATION_TARGETS")
    minutes = int(os.environ.get("MUTATION_MINUTES", "30"))
    jobs = os.environ.get("MUTATION_JOBS", "1")
    root = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(root, "build", "mutation")
    os.makedirs(out_dir, exist_ok=True)
    if not os.path.isdir(os.path.join(root, "src", "codekit", "_data")):
        session.error("src/codekit/_data is missing: run `python data/build.py` first")
    summary = []
    for module in modules:
        with tempfile.TemporaryDirectory(prefix="codekit-mutation-") as work:
            for part in ("src", "tests"):
                shutil.copytree(os.path.join(root, part), os.path.join(work, part),
                                ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
            os.makedirs(os.path.join(work, "data"))
            os.symlink(os.path.join(root, "data", "sources"), os.path.join(work, "data", "sources"))
            with open(os.path.join(root, "pyproject.toml"), encoding="utf-8") as fh:
                project = fh.read()
            config = {
                "source_paths": ["src"],
                "only_mutate": [f"src/codekit/{module}.py"],
                "also_copy": ["data"],
                "pytest_add_cli_args": ["-q", "-p", "no:cacheprovider", "-o", "addopts="],
                "pytest_add_cli_args_test_selection": MUTATION_TARGETS[module],
                # a fresh interpreter per mutant, so that code run at import time (tables
                # built when a module is imported) runs mutated too
                "process_isolation": "forkserver",
                "forkserver_warmup": "none",
            }
            lines = ["", "[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in config.items()]
            with open(os.path.join(work, "pyproject.toml"), "w", encoding="utf-8") as fh:
                fh.write(project + "\n".join(lines) + "\n")
            with session.chdir(work):
                session.run("timeout", str(minutes * 60), "nice", "mutmut", "run",
                            "--max-children", jobs, external=True, success_codes=[0, 124])
                session.run("mutmut", "export-cicd-stats", silent=True)
                with open(os.path.join("mutants", "mutmut-cicd-stats.json"), encoding="utf-8") as fh:
                    stats = json.load(fh)
                results = session.run("mutmut", "results", silent=True) or ""
                shown = []  # the diff of each survivor (not of the unchecked or untested)
                for line in str(results).splitlines():
                    name, _, status = line.strip().partition(": ")
                    if status == "survived":
                        shown.append(str(session.run("mutmut", "show", name, silent=True)))
            tested = stats["total"] - stats.get("skipped", 0)
            killed = stats["killed"] + stats.get("timeout", 0)
            score = f"{module}: {killed}/{tested} killed ({100 * killed / max(tested, 1):.1f}%)"
            summary.append(score)
            with open(os.path.join(out_dir, f"{module.replace('/', '.')}.txt"), "w",
                      encoding="utf-8") as fh:
                fh.write(score + "\n" + json.dumps(stats, indent=1) + "\n\n" + str(results)
                         + "\n\n" + "\n".join(shown))
    for line in summary:
        session.log(line)
