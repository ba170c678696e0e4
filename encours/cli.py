"""The ``encours`` command. Each subcommand parses its arguments, calls a service and prints.

``--format json`` outputs are contracts other tools rely on: keep them stable.
Exit codes: 0 success, 2 refused input (bad file, bad argument), 1 unexpected failure.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from encours.accounts.roles import Role
from encours.cli_common import _django, _parse_date
from encours.cli_credit import credit, order

EXIT_REFUSED = 2


def _parse_limits(_ctx, _param, value: str):
    from encours.core.ageing import buckets_from_limits

    try:
        return buckets_from_limits([int(part) for part in value.split(",") if part.strip()])
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@contextmanager
def _progress(description: str, total: int | None):
    """A progress bar on stderr when it is a terminal (or with ENCOURS_PROGRESS=always); yields an advance(n)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    shown = sys.stderr.isatty() or os.environ.get("ENCOURS_PROGRESS") == "always"
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), disable=not shown,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


@contextmanager
def _status(message: str):
    """A spinner on stderr while a step without a count runs (terminal only)."""
    from rich.console import Console

    if not (sys.stderr.isatty() or os.environ.get("ENCOURS_PROGRESS") == "always"):
        yield
        return
    with Console(stderr=True).status(message):
        yield


@click.group()
@click.version_option(package_name="encours")
def main() -> None:
    """Encours: credit management and collections."""


# --------------------------------------------------------------------------- set-up
@main.command()
def init() -> None:
    """Create or migrate the database named by ENCOURS_DATABASE_URL."""
    _django()
    _migrate()
    from django.db import connection

    click.echo(f"Database ready: {connection.vendor} {connection.settings_dict['NAME']}")


def _migrate() -> None:
    from django.conf import settings
    from django.core.management import call_command

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


@main.command()
@click.option("--customers", default=300, show_default=True, type=click.IntRange(1))
@click.option("--invoices", default=6000, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--as-of", "as_of", callback=_parse_date, help="The portfolio's today (default: today).")
@click.option("--no-serve", is_flag=True, help="Stop after loading the data.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(customers: int, invoices: int, seed: int, as_of: date | None, no_serve: bool, host: str, port: int) -> None:
    """Initialise the database, load a demo portfolio and serve the application."""
    os.environ.setdefault("ENCOURS_DEMO", "true")
    _django()
    _migrate()
    from encours.demo.loading import load_demo

    as_of = as_of or date.today()
    with _progress("Loading demo data (documents and allocations)", None) as tick:
        summary, logins = load_demo(customers=customers, invoices=invoices, seed=seed, as_of=as_of, progress=tick)
    if summary.already_imported:
        click.echo("Demo data already loaded: nothing added (delete the database to load another portfolio).")
    else:
        click.echo(
            f"Demo data: {summary.customers_created} customers, {summary.documents_created} documents, "
            f"{summary.allocations_created} allocations."
        )
    click.echo("Log-ins (user / password):")
    for user, password, role in logins:
        click.echo(f"  {user} / {password}  ({role})")
    if not no_serve:
        # Its own session: Ctrl+C stops the server, which then stops the worker gracefully.
        worker_process = subprocess.Popen([sys.executable, "-m", "encours.cli", "worker"], start_new_session=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` too stops the worker with the server
        try:
            _serve(host, port)
        finally:
            _stop_worker(worker_process)


def _stop_worker(process) -> None:
    if process.poll() is None:
        process.terminate()  # the worker finishes the task it is running, then exits
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()  # an import cut short is rolled back, and resumed when a worker starts again
        process.wait()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="Processes answering requests (gunicorn); 1: one waitress process. About 1.5 per core (3 on 2 cores).")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application on HOST:PORT (waitress; gunicorn with --workers above 1)."""
    if not os.environ.get("ENCOURS_SECRET_KEY") and os.environ.get("ENCOURS_DEMO") != "true":
        raise click.UsageError("set ENCOURS_SECRET_KEY before serving (or use `encours demo`)")
    _django()
    _serve(host, port, workers)


@main.command()
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0),
              help="Seconds between looks at an empty queue.")
@click.option("--batch", is_flag=True, help="Run the tasks already queued, then exit.")
@click.option("--max-tasks", type=click.IntRange(1), help="Exit after running this many tasks.")
@click.option("--queue-name", default="default", show_default=True, help="Queues to run, comma-separated; * for all.")
def worker(interval: float, batch: bool, max_tasks: int | None, queue_name: str) -> None:
    """Run the background tasks queued in the database: imports, dunning runs (also the daily scheduled one)."""
    _django()
    from django.core.management import call_command

    from encours.collections.schedule import ensure_scheduled
    from encours.imports.services import resume_interrupted

    resumed = resume_interrupted()
    if resumed:
        click.echo(f"Queued again {_count(len(resumed), 'import')} left unfinished by a stopped worker.")
    if ensure_scheduled():
        click.echo("Scheduled the next daily dunning run.")
    call_command("db_worker", interval=interval, batch=batch, max_tasks=max_tasks, queue_name=queue_name,
                 reload=False, startup_delay=False)


def _serve(host: str, port: int, workers: int = 1) -> None:
    from encours.wsgi import application

    click.echo(f"Encours is running at http://{host}:{port}/  (Ctrl+C to stop)")
    # The TLS proxy in front (on this machine) says the request came over https: that header is trusted from it only.
    proxy = os.environ.get("ENCOURS_TRUSTED_PROXY", "127.0.0.1")
    if workers == 1:
        from waitress import serve as waitress_serve

        waitress_serve(application, host=host, port=port, threads=8, _quiet=True, trusted_proxy=proxy,
                       trusted_proxy_headers={"x-forwarded-proto"})
        return
    # Python runs one thread at a time per process: more than one core needs more processes.
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                               "threads": 2, "forwarded_allow_ips": proxy}.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    Server().run()


# --------------------------------------------------------------------------- imports
@main.group(name="import")
def import_() -> None:
    """Import receivables from accounting exports (all or nothing; re-importing changes nothing)."""


def _run_import(path: Path, read, *, kind, company_id, default_terms, rename, update_customers, as_json) -> None:
    from encours.core.problems import Refused
    from encours.customers.services import UnknownCompany, get_company
    from encours.ledger import services

    data = path.read_bytes()
    with _status(f"Reading and checking {path.name} ({len(data) / 2**20:.1f} MB)"):
        batch = read(data, path.name)
    if batch.problems:
        _refuse(batch.problems, path)
    try:
        company = get_company(company_id)
    except UnknownCompany as error:
        raise click.UsageError(str(error)) from None
    total = len(batch.documents) + len(batch.allocations)
    try:
        with _progress(f"Importing {path.name}", total) as tick:
            summary = services.import_batch(
                company, batch, kind=kind, digest=services.file_digest(data), default_terms=default_terms,
                rename_duplicate_numbers=rename, update_customers=update_customers, progress=tick,
            )
    except Refused as refused:
        _refuse(refused.problems, path)
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
    elif summary.already_imported:
        click.echo(f"{path.name} was already imported: nothing changed.")
    else:
        click.echo(
            f"{path.name}: {_count(summary.customers_created, 'customer')}, "
            f"{_count(summary.documents_created, 'document')}, "
            f"{_count(summary.allocations_created, 'allocation')} imported"
            + (f"; {summary.documents_skipped} already known" if summary.documents_skipped else "")
            + (f"; {len(summary.renamed)} duplicate piece numbers suffixed" if summary.renamed else "")
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _refuse(problems, path: Path) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{path.name} refused: {len(problems)} problem(s); nothing was written.", err=True)
    sys.exit(EXIT_REFUSED)


def _terms_option(_ctx, _param, value: str | None):
    from encours.core.terms import InvalidTerms, PaymentTerms

    if value is None:
        return None
    try:
        return PaymentTerms.parse(value)
    except InvalidTerms as error:
        raise click.BadParameter(str(error)) from None


@import_.command(name="fec")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--default-terms", callback=_terms_option, help="Terms for customers without their own (net:30).")
@click.option("--accounts", default="411", show_default=True, help="Customer account prefixes, comma-separated.")
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def import_fec(file: Path, default_terms, accounts: str, company_id: str | None, fmt: str) -> None:
    """Import a FEC (Fichier des écritures comptables): customer accounts, documents, lettrage."""
    _django()
    from encours.formats.fec import read_fec
    from encours.ledger.models import ImportKind

    prefixes = tuple(p.strip() for p in accounts.split(",") if p.strip())
    _run_import(
        file, lambda data, name: read_fec(data, name, account_prefixes=prefixes), kind=ImportKind.FEC,
        company_id=company_id, default_terms=default_terms, rename=True, update_customers=False,
        as_json=fmt == "json",
    )


@import_.command(name="csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", required=True, help="customers, invoices, payments, or a TOML mapping file.")
@click.option("--default-terms", callback=_terms_option, help="Terms for customers without their own (net:30).")
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def import_csv(file: Path, mapping: str, default_terms, company_id: str | None, fmt: str) -> None:
    """Import a CSV of customers, invoices or payments with a column mapping."""
    _django()
    from encours.formats.csv import load_mapping, read_csv
    from encours.ledger.models import ImportKind

    mapping_path = Path(mapping)
    try:
        loaded = load_mapping(mapping_path.read_text(encoding="utf-8") if mapping_path.is_file() else mapping)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--mapping") from None
    _run_import(
        file, lambda data, name: read_csv(data, name, loaded), kind=ImportKind.CSV, company_id=company_id,
        default_terms=default_terms, rename=False, update_customers=True, as_json=fmt == "json",
    )


# --------------------------------------------------------------------------- reports
@main.command()
@click.option("--as-of", "as_of", required=True, callback=_parse_date, help="YYYY-MM-DD")
@click.option("--buckets", "buckets", default="30,60,90", show_default=True, callback=_parse_limits,
              help="Upper limits of the overdue buckets in days past due.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
def ageing(as_of: date, buckets, fmt: str, output: Path | None, company_id: str | None) -> None:
    """The aged balance at an as-of date, per customer and in total."""
    _django()
    from encours.customers.services import get_company
    from encours.reporting import exports
    from encours.reporting.ageing import aged_balance, customer_labels

    company = get_company(company_id)
    report = aged_balance(company, as_of, buckets)
    labels = customer_labels(company, [c.id for c in report.customers])
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output FILE")
        exports.write_ageing_xlsx(report, labels, output)
        click.echo(f"Written {output}")
        return
    if fmt == "json":
        text = json.dumps(exports.ageing_dict(report, labels), ensure_ascii=False, indent=1)
    elif fmt == "csv":
        import io

        buffer = io.StringIO()
        exports.write_ageing_csv(report, labels, buffer)
        text = buffer.getvalue().rstrip("\n")
    else:
        _print_ageing_table(report, labels)
        return
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Written {output}")
    else:
        click.echo(text)


def _print_ageing_table(report, labels) -> None:
    from rich.console import Console
    from rich.table import Table

    from encours.core.money import cents_to_decimal
    from encours.reporting.exports import bucket_title

    table = Table(title=f"Aged balance at {report.as_of.isoformat()} ({report.currency})")
    table.add_column("Code")
    table.add_column("Customer")
    for bucket in report.buckets:
        table.add_column(bucket_title(bucket.label), justify="right")
    table.add_column("Total", justify="right")
    rows = sorted(report.customers, key=lambda r: -r.total)
    for row in rows:
        code, name = labels.get(row.id, ("", ""))
        table.add_row(code, name, *(f"{cents_to_decimal(c):,}" for c in row.buckets),
                      f"{cents_to_decimal(row.total):,}")
    table.add_section()
    table.add_row("TOTAL", "", *(f"{cents_to_decimal(c):,}" for c in report.totals),
                  f"{cents_to_decimal(report.total):,}", style="bold")
    Console().print(table)


@main.command()
@click.option("--as-of", "as_of", required=True, callback=_parse_date, help="YYYY-MM-DD")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--period-days", default=365, show_default=True, type=click.IntRange(1, 3660),
              help="Sales period of the accounting DSO.")
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
def kpi(as_of: date, fmt: str, period_days: int, company_id: str | None) -> None:
    """Outstanding, overdue, overdue rate, DSO (accounting and count-back), concentration."""
    _django()
    from encours.customers.services import get_company
    from encours.reporting.kpis import compute_kpis

    values = compute_kpis(get_company(company_id), as_of, period_days=period_days).as_dict()
    if fmt == "json":
        click.echo(json.dumps(values))
        return
    units = {"overdue_rate": " %", "top5_share": " %", "top10_share": " %", "dso_accounting": " days",
             "dso_countback": " days"}
    for key, value in values.items():
        click.echo(f"{key:>16}: {value if value is not None else '—'}{units.get(key, '') if value else ''}")


# --------------------------------------------------------------------------- dunning
@main.group()
def dunning() -> None:
    """Dunning (reminders): the daily run, and sending the e-mails it prepared."""


@dunning.command(name="run")
@click.option("--date", "on", callback=_parse_date, help="YYYY-MM-DD (default: today)")
@click.option("--dry-run", is_flag=True, help="Report what the run would create; change nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
def dunning_run(on: date | None, dry_run: bool, fmt: str, company_id: str | None) -> None:
    """Create the actions due on the date: one per customer and step, listing the invoices concerned."""
    _django()
    from django.utils import timezone

    from encours.collections.run import run_dunning
    from encours.customers.services import get_company

    summary = run_dunning(get_company(company_id), on or timezone.localdate(), dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(summary.as_dict()))
        return
    prefix = "would create" if dry_run else "created"
    click.echo(f"{summary.date}: {prefix} {_count(summary.actions_created, 'action')} for "
               f"{_count(summary.customers, 'customer')} ({_count(summary.items, 'invoice')}); "
               f"{_count(summary.paused, 'invoice')} paused (dispute or promise); promises kept "
               f"{summary.promises_kept}, broken {summary.promises_broken}")


@dunning.command(name="send")
@click.option("--date", "on", callback=_parse_date, help="YYYY-MM-DD: send what is planned up to it (default: today)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
def dunning_send(on: date | None, fmt: str, company_id: str | None) -> None:
    """Send the reminder e-mails waiting to be sent (approved or needing no approval), through SMTP.

    Exit code 0 when all were sent, 1 when some were refused (listed; their actions stay to do)."""
    _django()
    from django.utils import timezone

    from encours.collections.sending import send_pending_emails
    from encours.customers.services import get_company

    batch = send_pending_emails(get_company(company_id), on or timezone.localdate())
    if fmt == "json":
        click.echo(json.dumps(batch.as_dict()))
    else:
        click.echo(f"sent {_count(batch.sent, 'e-mail')}; {_count(len(batch.failed), 'failure')}")
        for pk, why in batch.failed:
            click.echo(f"  action {pk}: {why}", err=True)
    if batch.failed:
        raise SystemExit(1)


# --------------------------------------------------------------------------- terms
@main.group()
def terms() -> None:
    """Payment terms."""


@terms.command(name="due-date")
@click.option("--terms", "code", required=True, help="cash, net:N, days_eom:N, eom_days:N, eom_day:N:D")
@click.option("--invoice-date", required=True, callback=_parse_date, help="YYYY-MM-DD")
@click.option("--kind", type=click.Choice(["business", "public", "consumer"]), default="business", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def due_date(code: str, invoice_date: date, kind: str, fmt: str) -> None:
    """The due date of an invoice under TERMS, and any legal warning."""
    from encours.core.records import CustomerKind
    from encours.core.terms import InvalidTerms, PaymentTerms, legal_warnings

    try:
        parsed = PaymentTerms.parse(code)
    except InvalidTerms as error:
        raise click.BadParameter(str(error), param_hint="--terms") from None
    due = parsed.due_date(invoice_date)
    warnings = legal_warnings(parsed, CustomerKind(kind), invoice_date)
    if fmt == "json":
        click.echo(json.dumps({"due_date": due.isoformat(), "warnings": [f"{w.rule}: {w.message}" for w in warnings]}))
        return
    click.echo(f"{due.isoformat()}  ({parsed.describe('en')})")
    for w in warnings:
        click.echo(f"warning: {w.rule}: {w.message}")


# --------------------------------------------------------------------------- late-payment interest
def _parse_number(_ctx, _param, value: str | None):
    from encours.core.money import parse_amount

    if value is None:
        return None
    try:
        number = parse_amount(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    if number < 0:
        raise click.BadParameter(f"must not be negative, got {value!r}")
    return number


def _percent(rate) -> str:
    """0.1215 -> "12.15": two decimals, more only when the rate has them (a contractual 12.125 %)."""
    percent = rate * 100
    two_places = percent.quantize(type(rate)("0.01"))
    return str(two_places) if two_places == percent else format(percent.normalize(), "f")


@main.command()
@click.option("--amount", required=True, callback=_parse_number, help="Invoice amount including VAT, in euros.")
@click.option("--due", required=True, callback=_parse_date, help="Due date, YYYY-MM-DD.")
@click.option("--paid", required=True, callback=_parse_date, help="Payment date (as-of date if unpaid), YYYY-MM-DD.")
@click.option("--kind", required=True, type=click.Choice(["business", "public", "consumer"]))
@click.option("--rate", callback=_parse_number, help="Contractual annual rate in percent (business only), e.g. 12.5.")
@click.option("--frozen", is_flag=True, help="Business: the rate of the half-year the delay began in, throughout.")
@click.option("--formal-notice", callback=_parse_date, help="Consumer: date of the formal notice, YYYY-MM-DD.")
@click.option("--insolvent", is_flag=True, help="The debtor is in insolvency proceedings (no recovery indemnity).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def interest(amount, due: date, paid: date, kind: str, rate, frozen: bool, formal_notice: date | None,
             insolvent: bool, fmt: str) -> None:
    """Late-payment interest and recovery indemnity of one invoice, with the shipped rate tables."""
    from encours.core.interest import MissingRate, late_interest, recovery_indemnity
    from encours.core.interest_rates import shipped_rate_tables
    from encours.core.money import to_cents
    from encours.core.records import CustomerKind

    if paid < due:
        raise click.BadParameter(f"payment date {paid} is before the due date {due}", param_hint="--paid")
    try:
        result = late_interest(amount, due, paid, CustomerKind(kind), shipped_rate_tables(), frozen=frozen,
                               contractual_rate=None if rate is None else rate / 100, formal_notice=formal_notice)
    except (MissingRate, ValueError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_REFUSED)
    indemnity = recovery_indemnity(CustomerKind(kind), insolvent)
    if fmt == "json":
        periods = [{"from": p.start.isoformat(), "to": p.end.isoformat(), "days": p.days, "rate": _percent(p.rate)}
                   for p in result.periods]
        click.echo(json.dumps({"interest": str(result.interest), "indemnity": str(indemnity), "periods": periods}))
        return
    click.echo(f"{'from':<10}  {'to':<10}  {'days':>4}  {'rate %':>7}  {'base':>12}  {'interest':>9}  basis")
    for p in result.periods:
        click.echo(f"{p.start}  {p.end}  {p.days:>4}  {_percent(p.rate):>7}  {to_cents(p.base):>12,}"
                   f"  {to_cents(p.interest):>9,}  {p.basis} ({p.rate_half_year})")
    click.echo(f"interest: {result.interest} EUR (periods at full precision, rounded once)")
    click.echo(f"recovery indemnity: {indemnity} EUR")


# --------------------------------------------------------------------------- users and API tokens
ROLE_NAMES = [role.value for role in Role]


def _find_user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        click.echo(f"error: no user named {username!r}", err=True)
        sys.exit(EXIT_REFUSED)
    return user


@main.group()
def user() -> None:
    """Users and their roles."""


@user.command(name="add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLE_NAMES))
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--email", default="", help="E-mail address.")
def user_add(username: str, role: str, password_stdin: bool, email: str) -> None:
    """Create a user with a role (without --password-stdin the user can only use API tokens)."""
    _django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from encours.accounts.models import Profile

    users = get_user_model()
    if users.objects.filter(username=username).exists():
        click.echo(f"error: a user named {username!r} already exists (use `encours user set-role`)", err=True)
        sys.exit(EXIT_REFUSED)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    new = users(username=username, email=email)
    if password is not None:
        try:
            validate_password(password, new)
        except ValidationError as error:
            click.echo(f"error: password refused: {' '.join(error.messages)}", err=True)
            sys.exit(EXIT_REFUSED)
    new.set_password(password)  # None: an unusable password
    with transaction.atomic():
        new.save()
        Profile.objects.create(user=new, role=role)
    click.echo(f"User {username} created ({role}).")


@user.command(name="set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLE_NAMES))
def user_set_role(username: str, role: str) -> None:
    """Give USERNAME the role ROLE."""
    _django()
    from encours.accounts.models import Profile

    found = _find_user(username)
    Profile.objects.update_or_create(user=found, defaults={"role": role})
    click.echo(f"User {username} is now {role}.")


@main.group()
def token() -> None:
    """API tokens."""


@token.command(name="create")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def token_create(username: str, name: str) -> None:
    """Create an API token for USERNAME and print it; it is shown this once (only its SHA-256 is kept)."""
    _django()
    from encours.accounts.access import new_api_token

    click.echo(new_api_token(_find_user(username), name))


main.add_command(order)
main.add_command(credit)

if __name__ == "__main__":
    main()
