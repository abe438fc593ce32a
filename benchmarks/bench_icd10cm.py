"""ICD-10-CM speed and memory: fresh-process import + first get, warm look-ups.

Targets (issue 2): import + first get of a code of the newest edition at most 50 ms median and
40 MB peak RSS in a fresh process; warm get at most 300 ns per call.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import fresh_process, ns_per_call, precompile


def main() -> None:
    precompile()
    print("ICD-10-CM (codekit)")
    r = fresh_process("import codekit.icd10cm as m\nRESULT = m.get('E11.9').description")
    print(
        f"  fresh process, import + first get('E11.9'): median {r['median_ms']:.1f} ms "
        f"(p90 {r['p90_ms']:.1f} ms; whole process incl. interpreter start "
        f"{r['wall_median_ms']:.1f} ms), peak RSS {r['peak_rss_mb']:.1f} MB"
    )
    empty = fresh_process("RESULT = None")
    print(
        f"  for scale: an empty interpreter here takes {empty['wall_median_ms']:.1f} ms "
        f"and {empty['peak_rss_mb']:.1f} MB"
    )
    r2 = fresh_process(
        "import codekit.icd10cm as m\nRESULT = m.check('S52.521').status.value"
    )
    print(f"  fresh process, import + first check('S52.521'): median {r2['median_ms']:.1f} ms")
    r3 = fresh_process(
        "import codekit.icd10cm as m\nc = m.get('V00.01XA')\nRESULT = len(c.notes)"
    )
    print(f"  fresh process, import + get + first .notes (V00.01XA, 51 notes): "
          f"median {r3['median_ms']:.1f} ms (minus the first get above: the notes' own cost)")

    import codekit.icd10cm as m

    m.get("E11.9")
    m.get("E119")
    names = {"get": m.get, "is_valid": m.is_valid}
    dotted = ns_per_call('get("E11.9")', names)
    plain = ns_per_call('get("E119")', names)
    valid = ns_per_call('is_valid("E11.9")', names)
    print(f"  warm get: {dotted:.0f} ns/call dotted, {plain:.0f} ns/call plain; "
          f"is_valid {valid:.0f} ns/call")

    cs = m.code_set()  # the newest edition, the one get() uses
    codes = cs.codes(billable_only=True)
    random.seed(7)
    sample = random.sample(codes, 20_000)
    t = time.perf_counter()
    for c in sample:
        m.get(c)
    dt = time.perf_counter() - t
    print(f"  20,000 distinct codes, first look-up each: {dt / len(sample) * 1e6:.2f} us/code")

    if importlib.util.find_spec("simple_icd_10_cm") is not None:
        peer = fresh_process(
            "import simple_icd_10_cm as cm\nRESULT = cm.get_description('E11.9')", runs=5
        )
        print(
            f"  simple-icd-10-cm, import + first look-up: median {peer['median_ms']:.0f} ms, "
            f"peak RSS {peer['peak_rss_mb']:.0f} MB -> codekit is "
            f"{peer['median_ms'] / r['median_ms']:.0f}x faster and uses "
            f"{peer['peak_rss_mb'] / r['peak_rss_mb']:.1f}x less memory"
        )
    else:
        print("  simple-icd-10-cm is not installed: no peer figure")


if __name__ == "__main__":
    main()
