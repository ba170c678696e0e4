"""The reminder templates: the list (with a form to add a template, e.g. the English version of a code) and
the edit page, which previews the unsaved text and records every saved change in the history."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encours.accounts.roles import Capability
from encours.collections.default_templates import DEFAULT_TEXTS, ensure_default_templates
from encours.collections.models import MessageTemplate, Step
from encours.collections.rendering import MERGE_FIELDS, TemplateInvalid, sample_rendering, validate_template
from encours.history.services import record
from encours.web.decorators import requires
from encours.web.scope import company_for

EDITED_FIELDS = ["name", "subject", "body"]
HISTORY_KIND = "template.changed"


class NewTemplateForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=60,
                           help_text=gettext_lazy("The code the scenario steps name, e.g. reminder-1."),
                           widget=forms.TextInput(attrs={"list": "template-codes"}))
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company

    def clean(self):
        data = super().clean()
        code, language = data.get("code"), data.get("language")
        if code and language and MessageTemplate.objects.filter(company=self.company, code=code,
                                                                language=language).exists():
            raise forms.ValidationError(_("There is already a template %(code)s in this language.") % {"code": code})
        return data


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = EDITED_FIELDS
        labels = {"subject": gettext_lazy("Subject"), "body": gettext_lazy("Body")}
        widgets = {
            "name": forms.TextInput(attrs={"size": 60}),
            "subject": forms.TextInput(attrs={"size": 90}),
            "body": forms.Textarea(attrs={"rows": 24, "cols": 100, "class": "mono", "spellcheck": "true"}),
        }

    def clean_body(self):
        # browsers send CRLF and the field strips the final newline: store LF, ending with one newline
        return self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n").rstrip() + "\n"

    def clean(self):
        data = super().clean()
        if "subject" in data and "body" in data:
            for problem in validate_template(data["subject"], data["body"]):
                self.add_error(None, problem)
        return data


def _initial_text(company, code: str, language: str) -> tuple[str, str]:
    """A new template starts from the shipped text of that code and language, else from the company's text of
    that code in another language (to translate), else empty."""
    shipped = DEFAULT_TEXTS.get((code, language))
    if shipped is not None:
        return shipped.subject, shipped.body
    other = MessageTemplate.objects.filter(company=company, code=code).order_by("language").first()
    if other is not None:
        return other.subject, other.body
    return "", "{{ invoice_table }}\n"


# the shipped codes in the order of the default scenarios' steps, the languages in the order of the settings
_CODE_ORDER = {code: i for i, code in enumerate(dict.fromkeys(code for code, _language in DEFAULT_TEXTS))}
_LANGUAGE_ORDER = {code: i for i, (code, _name) in enumerate(settings.LANGUAGES)}


def _list_order(t: MessageTemplate) -> tuple:
    return (_CODE_ORDER.get(t.code, len(_CODE_ORDER)), t.code, _LANGUAGE_ORDER.get(t.language, 99), t.language)


@requires(Capability.MANAGE_COLLECTIONS)
def templates(request):
    company = company_for(request)
    ensure_default_templates(company)
    form = NewTemplateForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject, body = _initial_text(company, data["code"], data["language"])
        with transaction.atomic():
            template = MessageTemplate.objects.create(
                company=company, code=data["code"], language=data["language"], name=data["name"],
                subject=subject, body=body, updated_by=request.user,
            )
            record(company, HISTORY_KIND,
                   _("Template %(code)s (%(language)s) created") % {"code": template.code,
                                                                      "language": template.language},
                   actor=request.user, before=None,
                   after={"code": template.code, "language": template.language, "name": template.name})
        messages.success(request, _("Template created: write its text, then save."))
        return redirect("message_template", pk=template.pk)
    steps: dict[str, list[str]] = {}
    for step in (Step.objects.filter(scenario__company=company).exclude(template="")
                 .select_related("scenario").order_by("scenario__name", "position")):
        steps.setdefault(step.template, []).append(f"{_(step.scenario.name)}: {_(step.name)}")
    rows = [{"t": t, "steps": steps.get(t.code, [])}
            for t in MessageTemplate.objects.filter(company=company).select_related("updated_by")]
    rows.sort(key=lambda row: _list_order(row["t"]))
    return render(request, "collections/template_list.html", {
        "nav": "templates", "rows": rows, "form": form, "codes": sorted({r["t"].code for r in rows}),
    })


@requires(Capability.MANAGE_COLLECTIONS)
def template_edit(request, pk: int):
    company = company_for(request)
    template = get_object_or_404(MessageTemplate.objects.filter(company=company), pk=pk)
    before = {name: getattr(template, name) for name in EDITED_FIELDS}
    form = TemplateForm(request.POST or None, instance=template)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            draft = MessageTemplate(pk=template.pk, company=company, code=template.code, language=template.language,
                                    **{name: form.cleaned_data[name] for name in EDITED_FIELDS})
            try:
                preview = sample_rendering(draft)
            except TemplateInvalid as error:
                for problem in error.problems:
                    form.add_error(None, problem)
        else:
            after = {name: form.cleaned_data[name] for name in EDITED_FIELDS}
            changed = sorted(name for name in EDITED_FIELDS if before[name] != after[name])
            if not changed:
                messages.info(request, _("Nothing changed."))
                return redirect("message_template", pk=template.pk)
            with transaction.atomic():
                template = form.save(commit=False)
                template.updated_by = request.user
                template.save()
                record(company, HISTORY_KIND,
                       _("Template %(code)s (%(language)s) changed: %(fields)s") % {
                           "code": template.code, "language": template.language, "fields": ", ".join(changed)},
                       actor=request.user, before={n: before[n] for n in changed}, after={n: after[n] for n in changed})
            messages.success(request, _("Template saved."))
            return redirect("message_template", pk=template.pk)
    return render(request, "collections/template_edit.html", {
        "nav": "templates", "template": template, "form": form, "preview": preview,
        "fields": [{"name": name, "help": help_text} for name, help_text in MERGE_FIELDS],
        "syntax_help": _("Write them between double braces, e.g. %(example)s; Django template tags such as "
                         "%(tag)s work too.") % {"example": "{{ customer.name }}", "tag": "{% if %}"},
    })
