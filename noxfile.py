"""Developer tasks. `nox` runs the default sessions (what CI runs); `nox -s bench` prints figures."""

from __future__ import annotations

import glob
import os
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
