"""Background tasks of the imports, run by `encours worker` (django-tasks-db's db_worker)."""
try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import task

from encours.imports import services


@task()
def run_import(job_id: int) -> None:
    services.run_job(job_id)
