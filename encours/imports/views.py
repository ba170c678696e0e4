"""The Imports page: upload a file, watch its import run in the background, read the summary or the problems."""
from __future__ import annotations

from django import forms
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from encours.accounts.roles import Capability
from encours.formats.csv import CsvKind
from encours.imports import services
from encours.imports.models import ImportJob, JobKind
from encours.web.decorators import requires
from encours.web.scope import company_for

RECENT = 30
MAPPING_LABELS = {CsvKind.CUSTOMERS: _("Customers"), CsvKind.INVOICES: _("Invoices"), CsvKind.PAYMENTS: _("Payments")}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind of file"), choices=[
        (JobKind.FEC.value, _("FEC (fichier des écritures comptables)")), (JobKind.CSV.value, _("CSV")),
    ])
    mapping = forms.ChoiceField(
        label=_("CSV columns"), required=False,
        choices=[("", "—")] + [(kind.value, label) for kind, label in MAPPING_LABELS.items()],
        help_text=_("For a CSV only: what its lines are."),
    )
    default_terms = forms.CharField(
        label=_("Default payment terms"), required=False, max_length=40,
        help_text=_("For customers without their own terms, e.g. net:30 or days_eom:45."),
    )


@requires(Capability.IMPORT)
def imports(request):
    company = company_for(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.start_import(company, request.user, data["file"], data["kind"], data["mapping"],
                                        data["default_terms"])
        except services.InvalidImport as error:
            form.add_error(None, str(error))
        else:
            return redirect("import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(company=company).select_related("created_by").order_by("-created_at", "-pk")
    return render(request, "imports/imports.html", {
        "nav": "imports", "form": form, "jobs": jobs[:RECENT],
    }, status=400 if form.errors else 200)


@requires(Capability.IMPORT)
def import_detail(request, pk: int):
    job = get_object_or_404(ImportJob.objects.select_related("company", "created_by", "batch"), pk=pk,
                            company=company_for(request))
    return render(request, "imports/import_detail.html", {"nav": "imports", "job": job})


@requires(Capability.IMPORT)
def import_status(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk, company=company_for(request))
    return JsonResponse(services.job_status(job))
