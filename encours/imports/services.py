"""Start an import from an uploaded file, and run it in the worker.

``start_import`` keeps the file under UPLOADS_DIR (named by its SHA-256), creates the job and queues the
task once the job is committed. ``run_job`` reads the file, then writes it with ``ledger.services.
import_batch`` in one transaction that also marks the job done: the job is done exactly when the data is
there, so a worker stopped anywhere leaves the job "running" and running it again finishes it once.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from encours.core.problems import Problem, Refused
from encours.core.records import Batch, DocumentKind
from encours.core.terms import InvalidTerms, PaymentTerms
from encours.formats.csv import KIND_NAMES, load_mapping, read_csv
from encours.formats.fec import read_fec
from encours.reporting.positions import current_snapshot
from encours.history.models import Event, EventKind
from encours.history.services import record
from encours.imports.models import MAX_STORED_PROBLEMS, ImportJob, JobKind, JobStatus, Phase
from encours.ledger.models import Document, ImportBatch, ImportKind
from encours.ledger.services import import_batch

CREDITS = (DocumentKind.CREDIT_NOTE.value, DocumentKind.PAYMENT.value)


class InvalidImport(ValueError):
    """An import that cannot be started (unknown kind, mapping or terms, empty file); says what to fix."""


def start_import(company, user, uploaded_file, kind: str, mapping: str = "", default_terms: str = "") -> ImportJob:
    """Keep the file and queue its import; ``uploaded_file`` is a Django UploadedFile or a (name, bytes) pair.

    Raises InvalidImport before anything is stored."""
    kind, mapping, default_terms = _checked(kind, mapping, default_terms)
    if isinstance(uploaded_file, tuple):
        name, data = uploaded_file
        size, chunks = len(data), [data]
    else:
        name, size, chunks = uploaded_file.name, uploaded_file.size, uploaded_file.chunks()
    name = Path(name or "").name[:255]
    if not name:
        raise InvalidImport("the file has no name")
    if not size:
        raise InvalidImport(f"{name} is empty")
    digest = _store(chunks)
    with transaction.atomic():
        job = ImportJob.objects.create(
            company=company, created_by=user if getattr(user, "is_authenticated", False) else None, kind=kind,
            mapping=mapping, default_terms=default_terms, filename=name, stored_path=digest, sha256=digest,
        )
        transaction.on_commit(partial(enqueue, job.pk))
    return job


def _checked(kind: str, mapping: str, default_terms: str) -> tuple[str, str, str]:
    if kind not in JobKind.values:
        raise InvalidImport(f"unknown kind of file {kind!r}; choose one of {', '.join(JobKind.values)}")
    mapping, default_terms = (mapping or "").strip(), (default_terms or "").strip()
    if kind == JobKind.FEC and mapping:
        raise InvalidImport("a FEC is read without a mapping")
    if kind == JobKind.CSV and mapping not in KIND_NAMES:
        raise InvalidImport(f"a CSV needs a mapping: one of {', '.join(KIND_NAMES)}, got {mapping!r}")
    if default_terms:
        try:
            PaymentTerms.parse(default_terms)
        except InvalidTerms as error:
            raise InvalidImport(str(error)) from None
    return kind, mapping, default_terms


def _store(chunks: Iterable[bytes]) -> str:
    """Write the file under UPLOADS_DIR named by its SHA-256 (the same file uploaded twice is kept once)."""
    uploads = Path(settings.UPLOADS_DIR)
    uploads.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=uploads, prefix=".upload-", delete=False) as tmp:
        try:
            for chunk in chunks:
                sha.update(chunk)
                tmp.write(chunk)
        except BaseException:
            os.unlink(tmp.name)
            raise
    digest = sha.hexdigest()
    os.replace(tmp.name, uploads / digest)  # a file already there has the same content
    return digest


def enqueue(job_id: int) -> None:
    from encours.imports.tasks import run_import

    result = run_import.enqueue(job_id)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def resume_interrupted() -> list[int]:
    """Queue again the jobs a stopped worker left running, and those whose task was never queued.

    Called when `encours worker` starts. Running a job twice is harmless: the import and the job's
    status are committed together, and a file is imported once."""
    left = Q(status=JobStatus.RUNNING) | Q(status=JobStatus.QUEUED, task_id="")
    ids = list(ImportJob.objects.filter(left).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        enqueue(pk)
    return ids


def run_job(job_id: int) -> None:
    """Import the job's file; a job already finished is left as it is, one left running is run again."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING, phase=Phase.READING, started_at=timezone.now(), progress_done=0,
        progress_total=None,
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("company", "created_by").get(pk=job_id)
    try:
        _run(job)
    except Exception as error:  # not swallowed: recorded for the person watching, raised for the worker's log
        ImportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, phase="", error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        raise
    if ImportJob.objects.filter(pk=job_id, status=JobStatus.DONE).exists():
        # Today's figures for the pages, built here rather than by the first person to open one.
        current_snapshot(job.company, timezone.localdate())


def _run(job: ImportJob) -> None:
    data = (Path(settings.UPLOADS_DIR) / job.stored_path).read_bytes()
    batch = _read(job, data)
    if batch.problems:
        _refuse(job, batch.problems)
        return
    total = len(batch.documents) + len(batch.allocations)
    # The last progress write: inside the import's transaction it would be seen only at the end (and on
    # SQLite a second connection would wait for the write lock the import holds).
    ImportJob.objects.filter(pk=job.pk).update(phase=Phase.WRITING, progress_done=0, progress_total=total)
    kind = ImportKind(job.kind)
    terms = PaymentTerms.parse(job.default_terms) if job.default_terms else None
    try:
        with transaction.atomic():
            summary = import_batch(
                job.company, batch, kind=kind, digest=job.sha256, default_terms=terms,
                rename_duplicate_numbers=kind == ImportKind.FEC, update_customers=kind == ImportKind.CSV,
            )
            batch_row = ImportBatch.objects.get(company=job.company, kind=kind, sha256=job.sha256)
            per_customer = [] if summary.already_imported else _per_customer(batch_row)
            result = summary.as_dict() | {"amounts": _net_amounts(per_customer)}
            # Unless another run of this job finished first (then this one imported nothing).
            finished = ImportJob.objects.filter(pk=job.pk).exclude(status=JobStatus.DONE).update(
                status=JobStatus.DONE, phase="", progress_done=total, summary=result, batch=batch_row,
                finished_at=timezone.now(), error="",
            )
            if finished and not summary.already_imported:
                _record_events(job, result, per_customer)
    except Refused as refused:
        _refuse(job, refused.problems)


def _read(job: ImportJob, data: bytes) -> Batch:
    if job.kind == JobKind.FEC:
        return read_fec(data, job.filename, progress=_reading_progress(job))
    return read_csv(data, job.filename, load_mapping(job.mapping))


def _reading_progress(job: ImportJob):
    """Write the lines read so far to the job, at most twice a second (before the import's transaction)."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return report


def _refuse(job: ImportJob, problems: list[Problem]) -> None:
    ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.REFUSED, phase="", problems=[str(p) for p in problems[:MAX_STORED_PROBLEMS]],
        problem_count=len(problems), finished_at=timezone.now(),
    )


def _per_customer(batch_row: ImportBatch) -> list[dict]:
    """Documents written by the import per customer, currency and kind: count and amount."""
    return list(
        Document.objects.filter(batch=batch_row).values("customer_id", "currency", "kind")
        .annotate(n=Count("id"), total=Sum("amount")).order_by()
    )


def _net_amounts(per_customer: list[dict]) -> dict[str, str]:
    """Receivables added per currency: invoices minus credit notes and payments (text: JSON has no Decimal)."""
    net: dict[str, Decimal] = defaultdict(Decimal)
    for row in per_customer:
        net[row["currency"]] += -row["total"] if row["kind"] in CREDITS else row["total"]
    return {currency: str(amount) for currency, amount in sorted(net.items())}


def _record_events(job: ImportJob, result: dict, per_customer: list[dict]) -> None:
    """One event for the company, and one for each customer the import wrote documents for."""
    actor = job.created_by
    record(
        job.company, EventKind.IMPORT,
        f"Import of {job.filename}: {result['customers_created']} customers, {result['documents_created']} "
        f"documents, {result['allocations_created']} allocations",
        actor=actor, after=result,
    )
    documents: dict[int, int] = defaultdict(int)
    for row in per_customer:
        documents[row["customer_id"]] += row["n"]
    now = timezone.now()
    Event.objects.bulk_create(
        [
            Event(company=job.company, customer_id=customer_id, kind=EventKind.IMPORT, actor=actor, at=now,
                  summary=f"Import of {job.filename}: {n} documents"[:300],
                  after={"file": job.filename, "documents": n, "job": job.pk})
            for customer_id, n in sorted(documents.items())
        ],
        batch_size=2000,
    )


def job_status(job: ImportJob) -> dict:
    """What a page or a script polling the job needs (the problems themselves are on the job's page)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "finished": job.finished,
        "phase": job.phase,
        "phase_label": str(job.get_phase_display()) if job.phase else "",
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "summary": job.summary,
        "problem_count": job.problem_count,
        "error": job.error,
    }
