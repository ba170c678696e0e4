"""The daily dunning run as a scheduled task, and runs queued for a real `encours worker`."""
import json
from datetime import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from encours.collections.schedule import TASK_PATH, ensure_scheduled, next_run, waiting_runs
from encours.customers.models import Company
from tests.apps.test_cli import database_url, run  # noqa: F401 (database_url is a fixture)
from tests.apps.test_import_jobs import in_django

SIX = datetime.strptime("06:00", "%H:%M").time()


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def test_the_next_run_is_the_next_six_o_clock_local_time():
    assert next_run(local("2026-04-03 05:59"), SIX) == local("2026-04-03 06:00")
    assert next_run(local("2026-04-03 06:00"), SIX) == local("2026-04-04 06:00")
    assert next_run(local("2026-12-31 23:00"), SIX) == local("2027-01-01 06:00")
    # the day the clocks go forward (29 March 2026 in Paris) still runs at 06:00 local time
    assert next_run(local("2026-03-28 07:00"), SIX).isoformat() == "2026-03-29T06:00:00+02:00"


@pytest.mark.db
def test_each_company_has_one_run_waiting_however_often_it_is_scheduled(company, settings):
    other = Company.objects.create(name="Autre SA")
    now = local("2026-04-03 10:00")
    assert ensure_scheduled(now) == 2
    assert ensure_scheduled(now) == 0
    waiting = waiting_runs()
    assert sorted(waiting) == sorted([company.pk, other.pk])
    assert {r.run_after for rows in waiting.values() for r in rows} == {local("2026-04-04 06:00")}
    settings.ENCOURS_DUNNING_AT = "off"
    DBTaskResult.objects.filter(task_path=TASK_PATH).delete()
    assert ensure_scheduled(now) == 0


SETUP = """
import django
django.setup()
from datetime import date
from decimal import Decimal
from encours.collections.tasks import daily_run
from encours.customers.models import Company, Customer
from encours.ledger.models import Document
company = Company.objects.create(name="Créancier SA")
customer = Customer.objects.create(company=company, code="C1", name="Client Un")
Document.objects.create(company=company, customer=customer, kind="invoice", number="F1",
                        document_date=date(2026, 3, 1), due_date=date(2026, 3, 31), amount=Decimal("100.00"),
                        source_key="t:1")
daily_run.enqueue(company.pk, "2026-04-03")
"""
REPORT = """
import json, django
django.setup()
from encours.collections.models import Action, Run
from encours.collections.schedule import waiting_runs
print(json.dumps({"runs": list(Run.objects.values_list("date", "actions_created")), "actions": Action.objects.count(),
                  "waiting": {str(k): len(v) for k, v in waiting_runs().items()}}, default=str))
"""


@pytest.mark.db
def test_a_queued_run_is_done_by_a_real_worker_which_schedules_the_next_one(database_url):  # noqa: F811
    run(database_url, "init")
    in_django(database_url, SETUP)
    run(database_url, "worker", "--batch")
    report = json.loads(in_django(database_url, REPORT))
    assert report["runs"] == [["2026-04-03", 1]] and report["actions"] == 1
    assert list(report["waiting"].values()) == [1]  # tomorrow's scheduled run, not ready yet
    run(database_url, "worker", "--batch")  # nothing ready: nothing runs twice
    assert json.loads(in_django(database_url, REPORT))["runs"] == [["2026-04-03", 1]]
