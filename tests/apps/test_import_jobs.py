"""Imports from the web page run as background jobs: through a real `encours worker`, refused whole with every
problem, exactly once even when run again, and watched on the Imports page by those allowed to import."""
import json
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from encours.accounts.models import Profile
from encours.history.models import Event
from encours.imports import services
from encours.imports.models import ImportJob, JobStatus
from encours.ledger.models import Document, ImportBatch
from tests.apps.realdata import FEC_FILES, fec_411_balances
from tests.apps.test_cli import ENCOURS, database_url, run  # noqa: F401 (database_url is a fixture)

FEC = next(p for p in FEC_FILES if p.name.startswith("111111111"))

# Run in a subprocess on the worker's database: create the job as the web page does, or report on it.
START = """
import sys, django
django.setup()
from pathlib import Path
from encours.customers.services import get_company
from encours.imports.services import start_import
path = Path(sys.argv[1])
print(start_import(get_company(), None, (path.name, path.read_bytes()), "fec").pk)
"""
STATUS = """
import json, sys, django
django.setup()
from encours.history.models import Event
from encours.imports.models import ImportJob
from encours.imports.services import job_status
answer = job_status(ImportJob.objects.get(pk=int(sys.argv[1])))
answer["events"] = Event.objects.filter(kind="import", customer=None).count()
answer["customer_events"] = Event.objects.filter(kind="import").exclude(customer=None).count()
print(json.dumps(answer))
"""


def in_django(database_url, code, *args) -> str:
    """Run ``code`` with Django set up on ``database_url``, as the web application or the API would."""
    env = {k: v for k, v in os.environ.items() if k != "ENCOURS_SECRET_KEY"}
    env.update(ENCOURS_DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="encours.settings", ENCOURS_CLI="true")
    result = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def bad_fec():
    """The real FEC with a letter in an amount (line 6) and a 7-digit date (line 10)."""
    lines = FEC.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b"0000000074,70", b"00000000x4,70")
    lines[9] = lines[9].replace(b"20230118", b"2023011", 1)
    return b"\n".join(lines)


# --------------------------------------------------------------------------- a real worker process
def test_a_job_queued_by_the_web_page_is_imported_by_a_real_worker(database_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ENCOURS_VAR_DIR", str(tmp_path))  # uploads are shared by the web side and the worker
    run(database_url, "init")
    job_id = int(in_django(database_url, START, FEC))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(ENCOURS_DATABASE_URL=database_url)
    env.pop("ENCOURS_SECRET_KEY", None)
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([*ENCOURS, "worker", "--interval", "0.2"], env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 120
            status = json.loads(in_django(database_url, STATUS, job_id))
            while not status["finished"] and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.5)
                status = json.loads(in_django(database_url, STATUS, job_id))
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert status["status"] == "done", (tmp_path / "worker.log").read_text()

    expected, _ = fec_411_balances(FEC)
    assert status["summary"]["customers_created"] == len(expected)
    assert status["summary"]["documents_created"] > 0
    assert Decimal(status["summary"]["amounts"]["EUR"]) == sum(expected.values())
    assert status["progress_done"] == status["progress_total"] > 0
    assert status["events"] == 1 and status["customer_events"] > 0
    answer = json.loads(run(database_url, "ageing", "--as-of", "2030-01-01", "--format", "json").stdout)
    assert Decimal(answer["total"]) == sum(expected.values())
    for customer in answer["customers"]:
        assert Decimal(customer["total"]) == expected[customer["code"]]


# --------------------------------------------------------------------------- the job, run in-process
@pytest.fixture
def uploads(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


@pytest.fixture
def manager(db):
    user = get_user_model().objects.create_user("cm", password="x")
    Profile.objects.create(user=user, role="credit_manager")
    return user


def test_a_refused_file_lists_every_problem_as_file_line_field_and_writes_nothing(company, manager, uploads):
    job = services.start_import(company, manager, ("bad.txt", bad_fec()), "fec")
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.REFUSED
    assert any(p.startswith("bad.txt:6:Debit: ") for p in job.problems)
    assert any(p.startswith("bad.txt:10:EcritureDate: ") for p in job.problems)
    assert job.problem_count == len(job.problems) >= 2 and job.finished_at is not None
    assert not Document.objects.exists() and not ImportBatch.objects.exists() and not Event.objects.exists()


def test_the_stored_problems_are_capped_with_the_count_of_all(company, manager, uploads, monkeypatch):
    monkeypatch.setattr(services, "MAX_STORED_PROBLEMS", 1)
    job = services.start_import(company, manager, ("bad.txt", bad_fec()), "fec")
    services.run_job(job.pk)
    job.refresh_from_db()
    assert len(job.problems) == 1 and job.problem_count >= 2
    assert job.problems_not_stored == job.problem_count - 1


def test_running_a_done_job_again_changes_nothing(company, manager, uploads):
    job = services.start_import(company, manager, (FEC.name, FEC.read_bytes()), "fec")
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.batch is not None
    counts = Document.objects.count(), Event.objects.count(), ImportBatch.objects.count()
    services.run_job(job.pk)
    again = ImportJob.objects.get(pk=job.pk)
    assert (Document.objects.count(), Event.objects.count(), ImportBatch.objects.count()) == counts
    assert (again.status, again.finished_at, again.summary) == (job.status, job.finished_at, job.summary)


def test_a_job_left_running_by_a_stopped_worker_is_queued_again_and_completes_once(company, manager, uploads):
    job = services.start_import(company, manager, (FEC.name, FEC.read_bytes()), "fec")
    # the worker claimed it, then died before its import committed: nothing was written
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, task_id="lost")
    assert services.resume_interrupted() == [job.pk]
    assert ImportJob.objects.get(pk=job.pk).task_id not in ("", "lost")
    services.run_job(job.pk)
    services.run_job(job.pk)  # the task queued when the job was created runs too
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.summary["already_imported"] is False
    expected, _ = fec_411_balances(FEC)
    assert job.summary["customers_created"] == len(expected)
    assert ImportBatch.objects.count() == 1
    assert Event.objects.filter(customer=None).count() == 1


def test_the_same_file_in_a_second_job_is_done_with_nothing_imported(company, manager, uploads):
    first = services.start_import(company, manager, (FEC.name, FEC.read_bytes()), "fec")
    services.run_job(first.pk)
    second = services.start_import(company, manager, ("copy.txt", FEC.read_bytes()), "fec")
    services.run_job(second.pk)
    second.refresh_from_db()
    assert second.status == JobStatus.DONE and second.summary["already_imported"] is True
    assert second.stored_path == first.stored_path and len(list(uploads.iterdir())) == 1
    assert Event.objects.filter(customer=None).count() == 1


def test_a_csv_job_adds_the_invoices_amount(company, manager, uploads):
    data = "customer_code;number;document_date;amount\nC1;F1;2026-01-15;1200,00\nC2;F2;2026-01-20;300,50\n"
    job = services.start_import(company, manager, ("invoices.csv", data.encode()), "csv", mapping="invoices",
                                default_terms="net:30")
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    # 1200.00 + 300.50 = 1500.50
    assert job.summary["amounts"] == {"EUR": "1500.50"} and job.summary["documents_created"] == 2
    assert Event.objects.exclude(customer=None).count() == 2


@pytest.mark.parametrize("kind, mapping, terms, message", [
    ("xls", "", "", "unknown kind"),
    ("csv", "", "", "needs a mapping"),
    ("fec", "invoices", "", "without a mapping"),
    ("fec", "", "net:abc", "net:abc"),
])
def test_a_bad_request_is_refused_before_anything_is_stored(company, manager, uploads, kind, mapping, terms,
                                                             message):
    with pytest.raises(services.InvalidImport, match=message):
        services.start_import(company, manager, ("f.txt", b"x"), kind, mapping=mapping, default_terms=terms)
    assert not ImportJob.objects.exists() and not uploads.exists()


# --------------------------------------------------------------------------- the pages
@pytest.fixture
def browser(client, manager, company):
    client.force_login(manager)
    return client


def upload(client, name, data, **fields):
    return client.post(reverse("imports"), {"file": SimpleUploadedFile(name, data), "kind": "fec", "mapping": "",
                                            "default_terms": "", **fields})


def test_an_upload_queues_the_job_and_its_page_shows_the_summary(browser, uploads, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(browser, FEC.name, FEC.read_bytes())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import_detail", args=[job.pk])
    assert len(callbacks) == 1  # the task is queued once the job is committed
    assert job.task_id and job.status == JobStatus.QUEUED

    page = browser.get(response.url).content.decode()
    assert "status-queued" in page and 'class="progress"' in page
    assert reverse("import_status", args=[job.pk]) in page  # the page polls it

    services.run_job(job.pk)
    job.refresh_from_db()
    page = browser.get(response.url).content.decode()
    assert "status-done" in page and 'id="import-summary"' in page
    assert f">{job.summary['documents_created']}<" in page
    status = browser.get(reverse("import_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["finished"] is True
    assert status["summary"]["documents_created"] == job.summary["documents_created"]
    listing = browser.get(reverse("imports")).content.decode()
    assert FEC.name in listing and "status-done" in listing


def test_a_refused_upload_shows_every_problem_on_its_page(browser, uploads):
    upload(browser, "bad.txt", bad_fec())
    job = ImportJob.objects.get()
    services.run_job(job.pk)
    page = browser.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "status-refused" in page and '<ol class="problems">' in page
    assert "bad.txt:6:Debit: " in page and "bad.txt:10:EcritureDate: " in page
    job.refresh_from_db()
    assert browser.get(reverse("import_status", args=[job.pk])).json()["problem_count"] == job.problem_count >= 2


def test_an_upload_with_a_bad_choice_is_refused_with_the_reason(browser, uploads):
    response = upload(browser, "invoices.csv", b"a;b\n", kind="csv")
    assert response.status_code == 400 and "needs a mapping" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_role_without_the_right_to_import_is_refused(client, company, uploads):
    user = get_user_model().objects.create_user("collector", password="x")
    Profile.objects.create(user=user, role="collector")
    job = services.start_import(company, user, (FEC.name, FEC.read_bytes()), "fec")
    client.force_login(user)
    for url in (reverse("imports"), reverse("import_detail", args=[job.pk]), reverse("import_status", args=[job.pk])):
        assert client.get(url).status_code == 403
    assert upload(client, FEC.name, FEC.read_bytes()).status_code == 403
    assert ImportJob.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_log_in_page(client, company, uploads):
    job = services.start_import(company, None, (FEC.name, FEC.read_bytes()), "fec")
    for url in (reverse("imports"), reverse("import_detail", args=[job.pk]), reverse("import_status", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
