"""(b) FEC import versus a raw bulk insert of the same rows.

    python bench/import_bench.py --engine sqlite|postgresql [--customers 50000 --items 1000000]

Writes a FEC (tab-separated, 18 columns, decimal comma) with one sales entry per invoice: a debit line on
411 (CompAuxNum = the customer) and a credit line on 706. Times `encours import fec`'s work (read, check,
compute due dates, write customers and documents in one transaction) on a fresh database, and, on
fresh databases holding the same customers, the same document rows inserted raw in one transaction, two
ways: `executemany` of one INSERT per row, and COPY (PostgreSQL) or multi-row INSERT statements (SQLite).
The share is taken against the faster of the two. Target: the import reaches at least 75% of it.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DATA_DIR, fresh_database, setup_django  # noqa: E402

HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
          "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise")


def write_fec(path: Path, customers: int, items: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2024, 11, 23)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\r\n")
        for n in range(1, items + 1):
            day = (start + timedelta(days=rng.randrange(730))).strftime("%Y%m%d")
            code = f"C{rng.randrange(customers) + 1:06d}"
            cents = rng.randrange(1_000, 5_000_000)
            amount = f"{cents // 100},{cents % 100:02d}"
            piece = f"F{n:08d}"
            out.write(f"VE\tVentes\t{n}\t{day}\t411000\tClients\t{code}\tClient {code}\t{piece}\t{day}\t"
                      f"Facture {piece}\t{amount}\t0,00\t\t\t{day}\t\t\r\n")
            out.write(f"VE\tVentes\t{n}\t{day}\t706000\tPrestations\t\t\t{piece}\t{day}\t"
                      f"Facture {piece}\t0,00\t{amount}\t\t\t{day}\t\t\r\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    args = parser.parse_args()

    DATA_DIR.mkdir(exist_ok=True)
    fec = DATA_DIR / f"BENCHFEC-{args.customers}-{args.items}.txt"
    if not fec.exists():
        write_fec(fec, args.customers, args.items)

    # One process, two databases: Django's default alias is pointed at each in turn.
    ours_url = fresh_database(args.engine, "encours_bench_import")
    setup_django(ours_url)
    from django.db import connection, connections, transaction

    from encours.customers.models import Company, Customer
    from encours.formats.fec import read_fec
    from encours.ledger.models import ImportKind
    from encours.ledger.services import DOCUMENT_COLUMNS, file_digest, import_batch

    company = Company.objects.create(name="Bench SA")
    start = time.perf_counter()
    data = fec.read_bytes()
    batch = read_fec(data, fec.name)
    assert not batch.problems, batch.problems[:5]
    summary = import_batch(company, batch, kind=ImportKind.FEC, digest=file_digest(data),
                           rename_duplicate_numbers=True)
    ours = time.perf_counter() - start
    with connection.cursor() as cursor:
        columns = ", ".join(f"d.{c}" for c in DOCUMENT_COLUMNS)
        cursor.execute(f"SELECT {columns}, c.code FROM ledger_document d "
                       "JOIN customers_customer c ON c.id = d.customer_id ORDER BY d.id")
        rows = cursor.fetchall()
        cursor.execute("SELECT code, name FROM customers_customer ORDER BY id")
        customers = cursor.fetchall()

    batch_column = DOCUMENT_COLUMNS.index("batch_id")
    table_columns = ", ".join(DOCUMENT_COLUMNS)

    def raw_insert(method: str) -> float:
        """A fresh database of the same schema with the same customers; the same rows inserted by `method`."""
        connections.close_all()
        url = fresh_database(args.engine, f"encours_bench_raw_{method}")
        connection.settings_dict["NAME"] = _name(url, args.engine)
        call_command("migrate", interactive=False, verbosity=0)
        raw_company = Company.objects.create(name="Bench SA")
        Customer.objects.bulk_create(
            [Customer(company=raw_company, code=code, name=name) for code, name in customers], batch_size=5000
        )
        ids = dict(Customer.objects.values_list("code", "id"))
        prepared = [(raw_company.id, ids[r[-1]], *r[2:batch_column], None, *r[batch_column + 1 : -1]) for r in rows]
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if method == "executemany":
                placeholders = ", ".join(["%s"] * len(DOCUMENT_COLUMNS))
                cursor.executemany(f"INSERT INTO ledger_document ({table_columns}) VALUES ({placeholders})", prepared)
            elif method == "copy":
                with cursor.cursor.copy(f"COPY ledger_document ({table_columns}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:  # multi-row VALUES through the sqlite3 cursor
                one = "(" + ", ".join(["?"] * len(DOCUMENT_COLUMNS)) + ")"
                for i in range(0, len(prepared), 2000):
                    part = prepared[i : i + 2000]
                    cursor.cursor.execute(f"INSERT INTO ledger_document ({table_columns}) VALUES "
                                          + ", ".join([one] * len(part)), [v for row in part for v in row])
        return time.perf_counter() - start

    from django.core.management import call_command

    methods = ["executemany", "copy" if args.engine == "postgresql" else "multirow"]
    raw_times = {method: raw_insert(method) for method in methods}
    raw = min(raw_times.values())
    result = {
        "benchmark": "fec_import",
        "engine": args.engine,
        "file_lines": 2 * args.items + 1,
        "file_mb": round(fec.stat().st_size / 2**20, 1),
        "documents": summary.documents_created,
        "customers": summary.customers_created,
        "import_s": round(ours, 2),
        "raw_insert_s": {method: round(t, 2) for method, t in raw_times.items()},
        "import_rows_per_s": round(summary.documents_created / ours),
        "raw_rows_per_s": round(len(rows) / raw),
        "throughput_share": round(raw / ours, 3),  # against the faster raw method
        "target": ">= 0.75",
    }
    print(json.dumps(result))


def _name(url: str, engine: str) -> str:
    return url.removeprefix("sqlite:///") if engine == "sqlite" else url.rpartition("/")[2]


if __name__ == "__main__":
    main()
