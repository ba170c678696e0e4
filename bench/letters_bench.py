"""Reminder letters: rendering of the actions, one PDF per letter, and one batch PDF to print.

    python bench/letters_bench.py [--engine sqlite|postgresql] [--letters 2000] [--invoices 3]

Generates its own data in a fresh database (SQLite in bench/data/, or PostgreSQL on the server of
ENCOURS_TEST_POSTGRES_URL): one company, --letters business customers with --invoices open invoices each,
and one "last reminder" action per customer listing them (the step claims interest and the indemnity, so each
letter computes the late interest of its invoices from the ledger). Times, in this order:
  - rendering: ``render_action`` of every action (ledger, claims, template, text and HTML);
  - single PDFs: ``letter_pdf`` of every rendering, as sending does for each e-mail or letter;
  - the batch: ``letters_pdf`` of all the renderings, one PDF to print (each letter on its own pages).
Reports letters per second for rendering alone, rendering + single PDF, and the batch (with its pages and
size). Prints a table on stderr and one JSON line on stdout.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import analyze, fresh_database, machine, setup_django  # noqa: E402

AS_OF = date(2025, 11, 20)  # invoices due from July to October 2025: rates known, 1 to 4 months late


def generate(letters: int, invoices: int):
    """The company, its customers, their invoices and one last-reminder action each (bulk inserts)."""
    from encours.collections.default_templates import ensure_default_templates
    from encours.collections.models import Action, ActionItem, Step
    from encours.collections.scenarios import ensure_default_scenarios
    from encours.customers.models import Company, Customer
    from encours.ledger.models import Document

    company = Company.objects.create(
        name="Bench Créances SAS", siren="732829320", address="18 avenue de l’Opéra\n75001 Paris",
        iban="FR7630006000011234567890189", bic="AGRIFRPPXXX", email="relances@bench.example",
        phone="01 23 45 67 89",
    )
    ensure_default_scenarios(company)
    ensure_default_templates(company)
    step = Step.objects.get(scenario__company=company, template="last-reminder")
    Customer.objects.bulk_create(
        Customer(company=company, code=f"C{n:06d}", name=f"Client {n} SARL", email=f"compta{n}@client.example",
                 address=f"{n} rue des Entrepreneurs\n{69000 + n % 10:05d} Lyon", language="en" if n % 5 == 0 else "fr")
        for n in range(1, letters + 1)
    )
    customers = list(Customer.objects.filter(company=company).order_by("id").values_list("id", flat=True))
    documents = []
    for index, customer_id in enumerate(customers):
        for k in range(invoices):
            due = date(2025, 7, 1) + timedelta(days=(index * 7 + k * 31) % 120)
            amount = Decimal(100 + (index * 37 + k * 101) % 9000) + Decimal("0.45")
            documents.append(Document(
                company=company, customer_id=customer_id, kind="invoice", number=f"F{index:06d}-{k}",
                document_date=due - timedelta(days=30), due_date=due, amount=amount, source_key=f"b:{index}:{k}"))
    Document.objects.bulk_create(documents, batch_size=2000)
    Action.objects.bulk_create(
        Action(company=company, customer_id=c, step=step, channel=step.channel, planned_on=AS_OF, total=Decimal(0))
        for c in customers
    )
    action_of = dict(Action.objects.filter(company=company).values_list("customer_id", "id"))
    ActionItem.objects.bulk_create(
        (ActionItem(action_id=action_of[customer_id], document_id=pk, step=step, position=step.position,
                    open_amount=amount)
         for pk, customer_id, amount in Document.objects.filter(company=company).values_list(
             "id", "customer_id", "amount")),
        batch_size=2000,
    )
    return company


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--letters", type=int, default=2000, help="customers, one letter each")
    parser.add_argument("--invoices", type=int, default=3, help="invoices per letter")
    args = parser.parse_args()

    setup_django(fresh_database(args.engine, "encours_bench_letters"))
    from pypdf import PdfReader

    from encours.collections.letters import letter_pdf, letters_pdf
    from encours.collections.models import Action
    from encours.collections.rendering import render_action

    start = time.perf_counter()
    company = generate(args.letters, args.invoices)
    load_s = time.perf_counter() - start
    analyze()
    actions = list(Action.objects.filter(company=company).select_related("customer__company", "customer__collector",
                                                                           "step").order_by("id"))

    start = time.perf_counter()
    renderings = [render_action(action) for action in actions]
    render_s = time.perf_counter() - start

    start = time.perf_counter()
    sizes = [len(letter_pdf(rendered)) for rendered in renderings]
    single_s = time.perf_counter() - start

    start = time.perf_counter()
    batch = letters_pdf(renderings)
    batch_s = time.perf_counter() - start
    pages = len(PdfReader(BytesIO(batch)).pages)

    n = len(renderings)
    assert all(r.total_interest > 0 and len(r.lines) == args.invoices for r in renderings)
    result = {
        "benchmark": "letters", "engine": args.engine, "letters": n, "invoices_per_letter": args.invoices,
        "load_s": round(load_s, 2),
        "render_s": round(render_s, 3), "render_per_s": round(n / render_s, 1),
        "single_pdf_s": round(single_s, 3), "single_pdf_per_s": round(n / single_s, 1),
        "render_and_single_pdf_per_s": round(n / (render_s + single_s), 1),
        "single_pdf_kib_median": round(sorted(sizes)[n // 2] / 1024, 1),
        "batch_s": round(batch_s, 3), "batch_per_s": round(n / batch_s, 1), "batch_pages": pages,
        "batch_mib": round(len(batch) / 2**20, 2), "machine": machine(),
    }
    print(f"{args.engine}: {n} letters of {args.invoices} invoices (data {load_s:.1f} s)\n"
          f"  rendering            {render_s:7.2f} s  {result['render_per_s']:8.1f} letters/s\n"
          f"  single PDFs          {single_s:7.2f} s  {result['single_pdf_per_s']:8.1f} letters/s "
          f"({result['single_pdf_kib_median']} KiB each)\n"
          f"  rendering + PDF                 {result['render_and_single_pdf_per_s']:8.1f} letters/s\n"
          f"  batch PDF            {batch_s:7.2f} s  {result['batch_per_s']:8.1f} letters/s "
          f"({pages} pages, {result['batch_mib']} MiB)", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
