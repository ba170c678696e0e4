"""Uploads of accounting files, imported in the background; their jobs, to follow progress and read problems."""
from __future__ import annotations

from datetime import datetime

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from encours.accounts.access import is_scoped
from encours.accounts.roles import Capability
from encours.api.auth import require
from encours.api.errors import ApiError, not_found
from encours.api.schemas import Page, PageParams, UserRef, page
from encours.customers.services import get_company
from encours.imports.models import ImportJob, JobKind, JobStatus
from encours.imports.services import InvalidImport, start_import

router = Router(tags=["imports"])


class ImportJobOut(Schema):
    id: int
    kind: JobKind
    mapping: str
    filename: str
    status: JobStatus
    phase: str
    progress_done: int
    progress_total: int | None
    summary: dict | None = Field(description="What the import created, once done.")
    problem_count: int
    created_by: UserRef | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportJobDetail(ImportJobOut):
    problems: list[str] = Field(description="'file:line:field: message', when the file was refused.")


class ImportJobPage(Page):
    items: list[ImportJobOut]


def _jobs(user):
    jobs = ImportJob.objects.filter(company=get_company()).select_related("created_by")
    if is_scoped(user):  # sales see only the company's customers they manage, not its files
        jobs = jobs.filter(created_by=user)
    return jobs.order_by("-created_at", "-id")


@router.post("/imports", response={202: ImportJobDetail}, summary="Upload a FEC or CSV file to import")
def upload(
    request,
    file: File[UploadedFile],
    kind: str = Form(..., description="fec or csv"),
    mapping: str = Form("", description="For a CSV: customers, invoices or payments."),
    default_terms: str = Form("", description="Terms for customers without their own, e.g. net:30."),
):
    """The file is checked and imported in the background: follow the job at /api/imports/{id}."""
    user = require(request, Capability.IMPORT)
    try:
        job = start_import(get_company(), user, file, kind, mapping=mapping, default_terms=default_terms)
    except InvalidImport as error:
        raise ApiError(400, str(error)) from None
    return Status(202, job)


@router.get("/imports", response=ImportJobPage, summary="List import jobs, newest first")
def list_imports(request, params: Query[PageParams]):
    user = require(request, Capability.VIEW)
    return page(_jobs(user), params)


@router.get("/imports/{job_id}", response=ImportJobDetail, summary="One import job: status, progress, problems")
def get_import(request, job_id: int):
    user = require(request, Capability.VIEW)
    job = _jobs(user).filter(pk=job_id).first()
    if job is None:
        raise not_found("import job")
    return job
