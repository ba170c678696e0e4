"""An import asked for from the web page or the API, run in the background by `encours worker`.

The job row is what the person who uploaded the file watches: its status, the phase and counts while it
runs, then the summary, or every problem as ``file:line:field: message`` when the file is refused.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_STORED_PROBLEMS = 10_000  # a refused million-line file lists the first ones; problem_count says how many


class JobKind(models.TextChoices):
    FEC = "fec", "FEC"
    CSV = "csv", "CSV"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class Phase(models.TextChoices):
    READING = "reading", _("Reading and checking the file")
    WRITING = "writing", _("Writing")


FINISHED = (JobStatus.DONE, JobStatus.REFUSED, JobStatus.FAILED)


class ImportJob(models.Model):
    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=JobKind.choices)
    mapping = models.CharField(max_length=20, blank=True, help_text="Built-in CSV mapping; blank for a FEC.")
    default_terms = models.CharField(max_length=40, blank=True)
    filename = models.CharField(max_length=255, help_text="The name of the file as uploaded.")
    stored_path = models.CharField(max_length=255, help_text="Where the file is kept, under UPLOADS_DIR.")
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(max_length=10, choices=Phase.choices, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    summary = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0, help_text="All problems, stored or not.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey("ledger.ImportBatch", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def problems_not_stored(self) -> int:
        return self.problem_count - len(self.problems)
