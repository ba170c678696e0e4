"""Background tasks of the collections, run by `encours worker`."""
from datetime import date

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import task

from encours.collections.run import run_dunning
from encours.customers.models import Company


@task()
def daily_run(company_id: int, on: str) -> dict:
    """The dunning run of a company for a date (ISO text: task arguments are JSON)."""
    return run_dunning(Company.objects.get(pk=company_id), date.fromisoformat(on)).as_dict()
