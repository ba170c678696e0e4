"""Background tasks of the collections, run by `encours worker`."""
from datetime import date

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import task

from django.utils import timezone

from encours.collections.run import run_dunning
from encours.customers.models import Company
from encours.risk.committee import committee_review


@task()
def daily_run(company_id: int, on: str, user_id: int | None = None) -> dict:
    """The dunning run of a company for a date (ISO text: task arguments are JSON), asked for by a person."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return run_dunning(Company.objects.get(pk=company_id), date.fromisoformat(on), user=user).as_dict()


@task()
def scheduled_run(company_id: int) -> dict:
    """Today's run of a company at the scheduled time; queues the next one (``collections/schedule.py``)."""
    from encours.collections.schedule import ensure_scheduled

    company = Company.objects.filter(pk=company_id).first()
    if company is None:  # deleted since: nothing to run, nothing to schedule
        return {}
    summary = run_dunning(company, timezone.localdate()).as_dict()
    # the credit committee's review runs as its own task: a failure there leaves the dunning run done
    committee_review.enqueue(company_id, timezone.localdate().isoformat())
    ensure_scheduled(companies=[company_id])
    return summary
