"""Claims speed: encounters mapped per second, and a 10,000-claim 837P written and
read back (MB/s).

Goals (issue 10), on one core: mapping >= 20,000 encounters/s; 837P writing >= 10 MB/s.
Each figure is the best of 5 runs over the same batch, with the garbage collector
running as usual (writing is also shown with it paused, for comparison). Wall-clock and
CPU time (time.process_time) are both given: on a shared machine the CPU figure is the
steadier one.
"""

from __future__ import annotations

import datetime
import gc
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from codekit import serialization, x12
from codekit.claims import (
    Address,
    Encounter,
    FeeSchedule,
    Patient,
    Payer,
    Procedure,
    Provider,
    Subscriber,
    encounter_to_claims,
)

N = 10_000
RUNS = 5

DX = ["E11.9", "I10", "E78.5", "M54.50", "J06.9", "R07.9", "Z00.00", "F41.1", "K21.9", "N39.0",
      "J45.909", "E66.9", "Z23", "M17.11", "G47.33", "R05.9", "E03.9", "D64.9", "I48.91", "Z79.4"]
FEES = {"99212": "70.00", "99213": "105.00", "99214": "165.00", "99215": "225.00",
        "93000": "45.00", "36415": "12.00", "81002": "9.50", "90686": "28.00", "90471": "25.00",
        "97110": "42.00", "J1885": "1.25", "96372": "35.00", "G0439": "180.00", "20610": "210.00"}
CODES = list(FEES)
MODS = [[], [], [], ["25"], ["59"], ["RT"], ["GP"]]


def _encounters(n: int, seed: int = 10) -> list[Encounter]:
    """``n`` synthetic encounters: 1-6 diagnoses, 1-4 procedures, 2 payers, 3 practices."""
    rnd = random.Random(seed)
    practices = [Provider(npi="1234567893", organization_name=f"CLINIC {k}", tax_id="741234567",
                          taxonomy="207Q00000X", address=Address(
                              line1=f"{100 + k} MAIN ST", city="AUSTIN", state="TX",
                              postal_code="787011234")) for k in range(3)]
    payers = [Payer(name="MEDICARE PART B", payer_id="04412", filing_indicator="MB"),
              Payer(name="BLUE CROSS BLUE SHIELD OF TEXAS", payer_id="84980", filing_indicator="BL")]
    rendering = Provider(npi="1222222220", last_name="SMITH", first_name="ANN")
    out = []
    for i in range(n):
        dx = rnd.sample(DX, rnd.randint(1, 6))
        member = f"M{i:09d}"
        procs = [Procedure(code=rnd.choice(CODES), modifiers=rnd.choice(MODS),
                           units=Decimal(rnd.choice([1, 1, 1, 2, 3])),
                           linked_diagnoses=rnd.sample(dx, rnd.randint(1, min(4, len(dx)))))
                 for _ in range(rnd.randint(1, 4))]
        out.append(Encounter(
            patient_control_number=f"PCN{i:08d}", place_of_service="11",
            date_of_service=datetime.date(2026, 2, 1) + datetime.timedelta(days=i % 28),
            patient=Patient(last_name=f"PATIENT{i}", first_name="TEST",
                            birth_date=datetime.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                            sex="FM"[i % 2], address=Address(line1=f"{i} ELM ST", city="ROUND ROCK",
                                                             state="TX", postal_code="78664"),
                            member_id=member),
            subscriber=Subscriber(relationship="18", member_id=member),
            payer=payers[i % 2], billing_provider=practices[i % 3], rendering_provider=rendering,
            diagnoses=dx, procedures=procs))
    return out


def _best(fn: Callable[[], Any], runs: int = RUNS) -> tuple[float, float, Any]:
    """Best wall and best CPU seconds of ``runs`` calls, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return min(wall), min(cpu), result


def main() -> None:
    encounters = _encounters(N)
    fees = FeeSchedule(FEES)
    print(f"claims: a batch of {N:,} synthetic encounters (1-6 diagnoses, 1-4 procedures), "
          f"best of {RUNS} runs")

    def map_all() -> list[Any]:
        claims = []
        for e in encounters:
            claims.extend(encounter_to_claims(e, fee_schedule=fees).claims)
        return claims

    wall, cpu, claims = _best(map_all)
    lines = sum(len(c.lines) for c in claims)
    print(f"  encounter_to_claims: {N / wall:,.0f} encounters/s wall, {N / cpu:,.0f}/s CPU "
          f"({len(claims):,} claims, {lines:,} lines)  [goal >= 20,000/s]")

    sender = x12.Party(name="MAIN STREET CLINIC", id="MSC001", phone="5125550100")
    receiver = x12.Party(name="ACME CLEARINGHOUSE", id="ACMECH")
    created = datetime.datetime(2026, 3, 1, 8, 0)

    def write() -> str:
        return x12.write_837p(claims, sender=sender, receiver=receiver, created=created)

    wall, cpu, text = _best(write)
    mb = len(text.encode()) / 1e6
    print(f"  write_837p: {mb / wall:.1f} MB/s wall, {mb / cpu:.1f} MB/s CPU "
          f"({len(claims):,} claims, {mb:.1f} MB, {len(claims) / wall:,.0f} claims/s)  "
          f"[goal >= 10 MB/s]")
    gc.disable()
    try:
        wall_off, cpu_off, _ = _best(write)
    finally:
        gc.enable()
    print(f"  write_837p, garbage collector paused: {mb / wall_off:.1f} MB/s wall, "
          f"{mb / cpu_off:.1f} MB/s CPU")

    wall, cpu, back = _best(lambda: x12.read_837p(text), runs=3)
    assert len(back) == len(claims)
    print(f"  read_837p: {mb / wall:.1f} MB/s wall, {mb / cpu:.1f} MB/s CPU "
          f"({len(back) / wall:,.0f} claims/s)")

    sample = claims[:2000]
    wall, cpu, texts = _best(lambda: [serialization.to_json(c) for c in sample], runs=3)
    print(f"  JSON: to_json {len(sample) / wall:,.0f} claims/s wall; ", end="")
    wall, cpu, _ = _best(lambda: [serialization.from_json(t) for t in texts], runs=3)
    print(f"from_json {len(sample) / wall:,.0f} claims/s wall")


if __name__ == "__main__":
    main()
