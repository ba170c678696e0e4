"""(d) The daily dunning run: selection of the steps due and creation of the actions (target <= 10 s).

    python bench/dunning_bench.py --engine sqlite|postgresql [--customers 20000 --items 100000] [--repeat 3]

Generates the portfolio (seed 42, no payment: every invoice open) and runs the dunning on a date a year after
it, when every invoice is overdue: each customer gets one action per step its invoices are due for. Times,
median of --repeat runs (the actions of each timed run are deleted before the next):
  - the run (``run_dunning``: promises, scenarios, selection, creation of actions) against the 10 s target;
  - the dry run (selection only);
  - a second run on the same date (nothing new to create: the idempotent path).
Prints a table on stderr and one JSON line on stdout.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import analyze, fresh_database, machine, setup_django  # noqa: E402

TARGET_S = 10.0
AS_OF = date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    setup_django(fresh_database(args.engine, "encours_bench_dunning"))
    from encours.collections.models import Action, ActionItem, Run
    from encours.collections.run import run_dunning
    from encours.customers.models import Company
    from encours.demo.generator import PortfolioSpec, generate
    from encours.ledger.models import ImportKind
    from encours.ledger.services import import_batch

    company = Company.objects.create(name="Bench dunning")
    start = time.perf_counter()
    import_batch(company, generate(PortfolioSpec(customers=args.customers, invoices=args.items, seed=42,
                                                 as_of=AS_OF, settled_share=0.0)),
                 kind=ImportKind.DEMO, digest="bench-dunning")
    load_s = time.perf_counter() - start
    analyze()
    on = AS_OF + timedelta(days=365)

    def clear():
        ActionItem.objects.all().delete()
        Action.objects.all().delete()
        Run.objects.all().delete()

    runs, dry, again, summary = [], [], [], None
    for _ in range(args.repeat):
        clear()
        start = time.perf_counter()
        summary = run_dunning(company, on, dry_run=True)
        dry.append(time.perf_counter() - start)
        start = time.perf_counter()
        summary = run_dunning(company, on)
        runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        second = run_dunning(company, on)
        again.append(time.perf_counter() - start)
        assert second.actions_created == 0, "a second run on the same date created actions"
    result = {
        "benchmark": "dunning", "engine": args.engine, "customers": args.customers, "items": args.items,
        "load_s": round(load_s, 2), "run": summary.as_dict(),
        "run_s": round(statistics.median(runs), 3), "dry_run_s": round(statistics.median(dry), 3),
        "second_run_s": round(statistics.median(again), 3), "target_s": TARGET_S,
        "ratio_to_target": round(statistics.median(runs) / TARGET_S, 3), "machine": machine(),
    }
    print(f"{args.engine}: {summary.items} items of {summary.customers} customers in {summary.actions_created} "
          f"actions: run {result['run_s']:.2f} s ({result['ratio_to_target']:.2f}x the {TARGET_S:.0f} s target), "
          f"dry run {result['dry_run_s']:.2f} s, second run {result['second_run_s']:.2f} s", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
