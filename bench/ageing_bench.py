"""(a) Aged balance at an as-of date versus one raw SQL GROUP BY scan of the same table.

    python bench/ageing_bench.py --engine sqlite|postgresql [--customers 50000 --items 1000000]

Loads a generated portfolio where every invoice is an open item, then times (median of --repeat runs)
`encours.reporting.ageing.aged_balance` (per-customer buckets, credits and allocations at the date) and the
baseline `SELECT customer_id, SUM(amount - allocated) FROM ledger_document WHERE company_id = ? GROUP BY
customer_id`, both fetching every row. Target: ratio <= 1.2.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import analyze, fresh_database, median_seconds, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    setup_django(fresh_database(args.engine, "encours_bench_ageing"))
    from django.db import connection

    from encours.customers.models import Company
    from encours.demo.generator import PortfolioSpec, generate
    from encours.ledger.models import ImportKind
    from encours.ledger.services import import_batch
    from encours.reporting.ageing import aged_balance

    as_of = date(2026, 11, 23)
    spec = PortfolioSpec(customers=args.customers, invoices=args.items, seed=42, as_of=as_of, settled_share=0.0)
    start = time.perf_counter()
    batch = generate(spec)
    generated = time.perf_counter() - start
    company = Company.objects.create(name="Bench SA")
    start = time.perf_counter()
    import_batch(company, batch, kind=ImportKind.DEMO, digest="bench")
    loaded = time.perf_counter() - start
    del batch
    analyze()

    report = aged_balance(company, as_of)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ledger_document WHERE allocated < amount")
        open_items = cursor.fetchone()[0]

    def ours():
        aged_balance(company, as_of)

    def raw_query(table: str):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT customer_id, SUM(amount - allocated) FROM {table} WHERE company_id = %s "
                    "GROUP BY customer_id", [company.id],
                )
                cursor.fetchall()

        return run

    # SQLite's planner reads the (company, currency, customer…) index for this query; a plain table scan
    # may be faster: the baseline is the faster of the two, so the ratio never flatters the report.
    tables = ["ledger_document"] + (["ledger_document NOT INDEXED"] if args.engine == "sqlite" else [])
    baselines = {table: median_seconds(raw_query(table), args.repeat) for table in tables}
    best = min(baselines, key=lambda t: baselines[t][0])
    raw = raw_query(best)

    raw()
    ours()  # warm the cache for both
    ours_median, ours_all = median_seconds(ours, args.repeat)
    raw_median, raw_all = median_seconds(raw, args.repeat)
    result = {
        "benchmark": "ageing",
        "engine": args.engine,
        "customers": args.customers,
        "open_items": open_items,
        "customers_in_report": len(report.customers),
        "generate_s": round(generated, 2),
        "load_s": round(loaded, 2),
        "aged_balance_median_s": round(ours_median, 4),
        "raw_group_by_median_s": round(raw_median, 4),
        "raw_baselines_s": {table: round(t[0], 4) for table, t in baselines.items()},
        "ratio": round(ours_median / raw_median, 3),
        "target": "<= 1.2",
        "runs_s": {"aged_balance": [round(t, 4) for t in ours_all], "raw": [round(t, 4) for t in raw_all]},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
