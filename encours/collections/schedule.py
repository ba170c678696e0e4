"""The daily dunning run as a scheduled task: each company's next run waits in the task queue with a start
time (``ENCOURS_DUNNING_AT``, 06:00 by default, local time) and, once run, queues the following one.

`encours worker` calls ``ensure_scheduled`` when it starts, so a new company, a changed time or a queue
emptied by hand is put right. A worker stopped over a run time runs it when it starts again, for that day:
a run does everything due up to its date, so days missed are caught up, never done twice.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from encours.customers.models import Company

TASK_PATH = "encours.collections.tasks.scheduled_run"


def run_time() -> time | None:
    """The time of day of the scheduled runs; None when they are switched off."""
    value = getattr(settings, "ENCOURS_DUNNING_AT", "06:00")
    return None if value in ("", "off") else time.fromisoformat(value)


def next_run(now: datetime, at: time) -> datetime:
    """The first ``at`` (local time) after ``now``."""
    local = timezone.localtime(now)
    candidate = timezone.make_aware(datetime.combine(local.date(), at))
    return candidate if candidate > local else timezone.make_aware(datetime.combine(local.date() + timedelta(1), at))


def waiting_runs() -> dict[int, list]:
    """The scheduled runs waiting in the queue, by company id."""
    from django_tasks_db.models import DBTaskResult

    waiting: dict[int, list] = {}
    for result in DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY"):
        waiting.setdefault(result.args_kwargs["args"][0], []).append(result)
    return waiting


def ensure_scheduled(now: datetime | None = None, companies=None) -> int:
    """Queue the next run of each company that has none waiting; returns how many were queued."""
    from encours.collections.tasks import scheduled_run

    at = run_time()
    if at is None:
        return 0
    waiting = waiting_runs()
    queued = 0
    for company_id in companies if companies is not None else Company.objects.values_list("pk", flat=True):
        if company_id not in waiting:
            scheduled_run.using(run_after=next_run(now or timezone.now(), at)).enqueue(company_id)
            queued += 1
    return queued
