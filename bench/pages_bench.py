"""(c) Server time of the web pages on the benchmark data: home, customer list, aged balance (target < 300 ms).

    python bench/pages_bench.py --engine sqlite|postgresql [--customers 50000 --items 1000000] [--regenerate]

The data are those of ageing_bench.py (every invoice an open item, seed 42), loaded once and kept: a SQLite
file in bench/data/ or a PostgreSQL database on the server of ENCOURS_TEST_POSTGRES_URL, both named --name.
A later run reuses them when they hold the same sizes; --regenerate (or BENCH_REGENERATE=1, for run.sh)
loads them anew. Two users: an administrator (every customer) and a sales user managing one customer in 8
(the pages filter by their customer ids).

Each page is requested in-process with Django's test Client; server time is from the request to the
response in this process (middleware, session, views, templates, SQL), like a WSGI server's time without
the network. Connections are handled as the WSGI handler does (closed after each request on SQLite, kept
60 s on PostgreSQL). For every (user, page): a cold request right after the ledger revision was bumped (as
after an import: it builds the positions snapshot and prunes the old one); one request counting the SQL
queries, whose SELECTs are then run again alone (the slowest three reported); then --repeat timed requests:
median and p90 of the wall-clock time, and the median CPU time of this process (on SQLite, where the
database works in-process, nearly all of the server time, and not inflated by a busy machine).
Prints a table on stderr and one JSON line on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DATA_DIR, analyze, fresh_database, median_seconds, setup_django  # noqa: E402

TARGET_S = 0.300
AS_OF = date(2026, 11, 23)  # the data's "today" (PortfolioSpec's default); the pages use the real today
SALES_SHARE = 8  # the sales user manages one customer in 8


def pages(search: str, past: str) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("customers", "/customers/"),
        ("customers overdue, by overdue desc", "/customers/?overdue=1&sort=-overdue"),
        (f"customers search {search!r}", f"/customers/?q={search}"),
        ("aged balance", "/ageing/"),
        ("aged balance, bucket > 90 days", "/ageing/?bucket=4"),
        (f"aged balance at {past}", f"/ageing/?as_of={past}"),
    ]


def database_url(engine: str, name: str, regenerate: bool) -> tuple[str, bool]:
    """The URL of the kept database and False, or of a fresh one and True (absent, or --regenerate)."""
    if engine == "sqlite":
        path = DATA_DIR / f"{name}.sqlite3"
        exists, kept = path.exists(), f"sqlite:///{path}"
    else:
        import psycopg

        server = os.environ["ENCOURS_TEST_POSTGRES_URL"].rpartition("/")[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        kept = f"{server}/{name}"
    if exists and not regenerate:
        return kept, False
    return fresh_database(engine, name), True


def load(customers: int, items: int, label: str) -> dict:
    """Generate and import the portfolio; the company is named ``label`` only once everything is in."""
    from encours.customers.models import Company
    from encours.demo.generator import PortfolioSpec, generate
    from encours.ledger.models import ImportKind
    from encours.ledger.services import import_batch

    spec = PortfolioSpec(customers=customers, invoices=items, seed=42, as_of=AS_OF, settled_share=0.0)
    start = time.perf_counter()
    batch = generate(spec)
    generated = time.perf_counter() - start
    company = Company.objects.create(name="Bench pages (loading)")
    start = time.perf_counter()
    import_batch(company, batch, kind=ImportKind.DEMO, digest="bench-pages")
    loaded = time.perf_counter() - start
    del batch
    company.name = label
    company.save(update_fields=["name"])
    analyze()
    return {"generate_s": round(generated, 2), "load_s": round(loaded, 2)}


def bench_users(company) -> dict:
    """An administrator and a sales user, and how many customers the sales user manages (every 8th by id)."""
    from django.contrib.auth import get_user_model

    from encours.accounts.models import Profile
    from encours.customers.models import Customer

    users = {}
    for role in ("admin", "sales"):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-{role}")
        Profile.objects.update_or_create(user=user, defaults={"role": role})
        users[role] = user
    ids = list(Customer.objects.filter(company=company).order_by("id").values_list("id", flat=True))
    mine = ids[::SALES_SHARE]
    if Customer.objects.filter(account_manager=users["sales"]).count() != len(mine):
        Customer.objects.filter(company=company).update(account_manager=None)
        for start in range(0, len(mine), 5000):
            Customer.objects.filter(id__in=mine[start : start + 5000]).update(account_manager=users["sales"])
    return users, len(mine)


def replay_selects(queries: list[str]) -> list[tuple[float, int, str]]:
    """(seconds, rows, sql) of each SELECT run again with every row fetched: Django's debug cursor times the
    execute() call alone, and SQLite does most of the work while rows are fetched."""
    from django.db import DatabaseError, connection

    timed = []
    with connection.cursor() as cursor:
        for sql in queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            try:
                start = time.perf_counter()
                cursor.execute(sql)
                rows = len(cursor.fetchall())
                timed.append((time.perf_counter() - start, rows, sql))
            except DatabaseError:  # a statement that does not run again as logged: left out
                pass
    return timed


def measure(user, url: str, repeat: int, company) -> dict:
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from encours.reporting.positions import bump_revision

    client = Client(SERVER_NAME="localhost")  # an allowed host, without the test environment's instrumentation
    client.force_login(user)
    sizes, cpu = [], []

    def request():
        started = time.process_time()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.get('Location', '')}")
        sizes.append(len(response.content))
        close_old_connections()  # what the WSGI handler does at the end of a request
        cpu.append(time.process_time() - started)

    bump_revision(company)  # the ledger changed: the next page builds the snapshot
    close_old_connections()
    start = time.perf_counter()
    request()
    cold = time.perf_counter() - start
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = [q["sql"] for q in captured.captured_queries]
    slowest = sorted(replay_selects(queries), reverse=True)[:3]
    close_old_connections()
    cpu.clear()
    median, times = median_seconds(request, repeat)
    p90 = statistics.quantiles(times, n=10, method="inclusive")[8]
    return {
        "cold_s": round(cold, 4), "median_s": round(median, 4), "p90_s": round(p90, 4),
        "ratio_to_target": round(median / TARGET_S, 3), "cpu_median_s": round(statistics.median(cpu), 4),
        "queries": len(queries),
        "slowest_selects": [{"s": round(t, 4), "rows": n, "sql": sql[:300]} for t, n, sql in slowest],
        "bytes": sizes[-1], "runs_s": [round(t, 4) for t in times],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--name", default="encours_bench_pages", help="SQLite file / PostgreSQL database name")
    parser.add_argument("--regenerate", action="store_true", default=os.environ.get("BENCH_REGENERATE") == "1")
    parser.add_argument("--search", default="dupont")
    parser.add_argument("--past", default="2026-06-30", help="as_of of the aged balance in the past")
    parser.add_argument("--only", help="measure only the pages whose label contains this text")
    args = parser.parse_args()
    if args.repeat < 15:
        parser.error("--repeat must be at least 15")

    os.environ.setdefault("ENCOURS_HTTPS", "false")  # the Client speaks plain HTTP
    label = f"Bench pages: {args.customers} customers, {args.items} invoices, seed 42"
    url, fresh = database_url(args.engine, args.name, args.regenerate)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from encours.customers.models import Company

    if not fresh and list(Company.objects.values_list("name", flat=True)) != [label]:  # other sizes, half-loaded
        connection.close()
        fresh_database(args.engine, args.name)
        call_command("migrate", interactive=False, verbosity=0)
        fresh = True
    timings = load(args.customers, args.items, label) if fresh else {}
    company = Company.objects.get()
    users, managed = bench_users(company)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ledger_document WHERE allocated < amount")
        open_items = cursor.fetchone()[0]

    results = []
    for role, user in users.items():
        for title, path in pages(args.search, args.past):
            if args.only and args.only not in title:
                continue
            row = {"user": role, "page": title, "url": path, **measure(user, path, args.repeat, company)}
            results.append(row)
            slowest = (row["slowest_selects"] or [{"s": 0}])[0]["s"]
            print(f"{role:6} {title:40} cold {row['cold_s'] * 1000:7.0f} ms  median {row['median_s'] * 1000:6.1f} ms"
                  f"  p90 {row['p90_s'] * 1000:6.1f} ms  {row['ratio_to_target']:5.2f}x target"
                  f"  (Python CPU {row['cpu_median_s'] * 1000:5.1f} ms)"
                  f"  {row['queries']:3} queries, slowest SELECT {slowest * 1000:5.1f} ms"
                  f"  {'ok' if row['median_s'] < TARGET_S else 'SLOW'}", file=sys.stderr)
    print(json.dumps({
        "benchmark": "pages", "engine": args.engine, "customers": args.customers, "open_items": open_items,
        "sales_user_customers": managed, "reused_data": not fresh, **timings,
        "target_s": TARGET_S, "repeat": args.repeat, "pages": results,
    }))


if __name__ == "__main__":
    main()
