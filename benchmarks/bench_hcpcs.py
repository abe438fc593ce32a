"""HCPCS Level II speed and memory: fresh-process import + first get, warm look-ups.

Targets (issue 3): import + first get of an HCPCS code at most 50 ms median in a fresh
process (timed inside the process with time.perf_counter, from before the import to
after the first get; at least 15 runs); warm get at most 300 ns per call.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import fresh_process, ns_per_call, precompile

RUNS = 21


def main() -> None:
    precompile()
    print(f"HCPCS Level II (codekit), {RUNS} fresh processes per figure")
    r = fresh_process("import codekit.hcpcs as m\nRESULT = m.get('E0114').description", RUNS)
    print(
        f"  fresh process, import + first get('E0114'): median {r['median_ms']:.1f} ms "
        f"(p90 {r['p90_ms']:.1f} ms; whole process incl. interpreter start "
        f"{r['wall_median_ms']:.1f} ms), peak RSS {r['peak_rss_mb']:.1f} MB  [target <= 50 ms]"
    )
    r2 = fresh_process("import codekit.hcpcs as m\nRESULT = m.is_valid('C5271')", RUNS)
    print(f"  fresh process, import + first is_valid('C5271'): median {r2['median_ms']:.1f} ms")
    r3 = fresh_process("import codekit.modifiers as m\nRESULT = m.get('GT').description", RUNS)
    print(f"  fresh process, import + first modifiers.get('GT'): median {r3['median_ms']:.1f} ms, "
          f"peak RSS {r3['peak_rss_mb']:.1f} MB")
    empty = fresh_process("RESULT = None", RUNS)
    print(f"  for scale: an empty interpreter here takes {empty['wall_median_ms']:.1f} ms "
          f"and {empty['peak_rss_mb']:.1f} MB")

    import codekit.hcpcs as m

    m.get("E0114")
    m.get(" e0114 ")
    day = datetime.date(2026, 1, 15)
    names = {"get": m.get, "is_valid": m.is_valid, "day": day}
    canon = ns_per_call('get("E0114")', names)
    messy = ns_per_call('get(" e0114 ")', names)
    valid = ns_per_call('is_valid("E0114")', names)
    valid_day = ns_per_call('is_valid("C5271", as_of=day)', names, number=50_000)
    print(f"  warm get: {canon:.0f} ns/call canonical ('E0114'), {messy:.0f} ns/call "
          f"un-normalized (' e0114 ')  [target <= 300 ns]; HCPCS has no dotted form")
    print(f"  warm is_valid: {valid:.0f} ns/call; with as_of (terminated code): "
          f"{valid_day:.0f} ns/call")

    codes = m.code_set("2026-Q1").codes()
    random.seed(7)
    sample = random.sample(codes, 5_000)
    t = time.perf_counter()
    for c in sample:
        m.get(c)
    dt = time.perf_counter() - t
    print(f"  5,000 distinct codes, first look-up each: {dt / len(sample) * 1e6:.2f} us/code")


if __name__ == "__main__":
    main()
