"""Helpers for the benchmark scripts: fresh-process timing and memory."""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import timeit
from typing import Any

PROBE = r"""
import time, resource, json, sys
t0 = time.perf_counter()
{setup}
t1 = time.perf_counter()
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"ms": (t1 - t0) * 1000, "rss_mb": rss_kb / 1024, "result": str(RESULT)}}))
"""


def precompile() -> None:
    """Write codekit's .pyc files first: an installed package has them (pip compiles)."""
    import codekit

    compileall.compile_dir(os.path.dirname(codekit.__file__), quiet=1)


def fresh_process(setup: str, runs: int = 21) -> dict[str, Any]:
    """Run ``setup`` (which must set RESULT) in fresh interpreters; time it in-process
    (from before the first import to after the look-up) and over the whole process."""
    inner, wall, rss = [], [], []
    result = None
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    code = PROBE.format(setup=setup)
    for _ in range(runs):
        t = timeit.default_timer()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        wall.append((timeit.default_timer() - t) * 1000)
        data = json.loads(out.stdout.strip().splitlines()[-1])
        inner.append(data["ms"])
        rss.append(data["rss_mb"])
        result = data["result"]
    inner.sort()
    return {
        "median_ms": statistics.median(inner),
        "p90_ms": inner[int(0.9 * (len(inner) - 1))],
        "wall_median_ms": statistics.median(wall),
        "peak_rss_mb": max(rss),
        "result": result,
    }


def ns_per_call(
    stmt: str, names: dict[str, Any], number: int = 200_000, repeat: int = 7
) -> float:
    """Best-of-``repeat`` nanoseconds per execution of ``stmt`` (a statement string, so
    no wrapper function's call is counted)."""
    return min(timeit.repeat(stmt, globals=names, number=number, repeat=repeat)) / number * 1e9


def python_baseline(runs: int = 21) -> float:
    """Median in-process time of an empty setup (the timer's own floor)."""
    return float(fresh_process("RESULT = None", runs)["median_ms"])
