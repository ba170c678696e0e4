"""The dunning scenarios: the list (criteria, steps, how many customers each one gets, a form to add one,
possibly a copy of another) and the edit page (the scenario and its steps, validated as a whole, saved in one
transaction and recorded in the history). The rules are in ``scenarios.py``."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.validators import MinValueValidator
from django.db.models import Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encours.accounts.roles import Capability
from encours.collections.default_templates import ensure_default_templates
from encours.collections.models import KIND_CHOICES, MessageTemplate, Scenario, Step
from encours.collections.run import OUT_OF_SCENARIO
from encours.collections.scenarios import (
    CRITERIA,
    company_scenarios,
    create_scenario,
    day_label,
    ensure_default_scenarios,
    same_criteria_scenario,
    save_scenario,
    step_problems,
    used_steps,
)
from encours.core import dunning
from encours.core.dunning import Channel
from encours.customers.models import Customer, PayerProfile
from encours.web.decorators import requires
from encours.web.formatting import money
from encours.web.scope import company_for

ANY = gettext_lazy("any")
SHORT_CHANNELS = {
    Channel.EMAIL: gettext_lazy("e-mail"),
    Channel.LETTER: gettext_lazy("letter"),
    Channel.PHONE: gettext_lazy("call"),
    Channel.SMS: gettext_lazy("text message"),
}
NEEDS_TEMPLATE = (Channel.EMAIL.value, Channel.LETTER.value)


def _segments(company) -> list[str]:
    return list(Customer.objects.filter(company=company).exclude(segment="").order_by("segment")
                .values_list("segment", flat=True).distinct())


class CriteriaForm(forms.ModelForm):
    """The scenario's name and criteria; an empty criterion matches any customer."""

    class Meta:
        model = Scenario
        fields = ["name", *CRITERIA]
        widgets = {"name": forms.TextInput(attrs={"size": 40}),
                   "segment": forms.TextInput(attrs={"list": "segments"})}
        help_texts = {"segment": gettext_lazy("Empty: any segment.")}

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["customer_kind"].choices = [("", ANY), *KIND_CHOICES]
        self.fields["payer_profile"].choices = [("", ANY), *PayerProfile.choices]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if Scenario.objects.filter(company=self.company, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a scenario named %(name)s.") % {"name": name})
        return name


class NewScenarioForm(CriteriaForm):
    copy_from = forms.ModelChoiceField(
        label=gettext_lazy("Copy the steps of"), queryset=Scenario.objects.none(), required=False,
        empty_label=gettext_lazy("(none: start without steps)"))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, company=company, **kwargs)
        self.fields["copy_from"].queryset = Scenario.objects.filter(company=company)


class ScenarioForm(CriteriaForm):
    class Meta(CriteriaForm.Meta):
        fields = [*CriteriaForm.Meta.fields, "active"]

    def clean(self):
        data = super().clean()
        criteria = [data.get(c) for c in CRITERIA]
        if data.get("active") and None not in criteria:
            other = same_criteria_scenario(self.company, *criteria, exclude_pk=self.instance.pk)
            if other is not None:
                raise forms.ValidationError(
                    _("The scenario %(name)s is already active for exactly these criteria: which of the two a "
                      "customer gets would be ambiguous. Change the criteria or deactivate one of them.")
                    % {"name": other.name})
        return data


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["position", "name", "offset_days", "channel", "template", "claims_interest",
                  "requires_approval", "min_amount", "is_formal_notice"]
        widgets = {"position": forms.NumberInput(attrs={"class": "step-position"}),
                   "offset_days": forms.NumberInput(attrs={"class": "step-days"}),
                   "min_amount": forms.NumberInput(attrs={"class": "step-amount", "step": "0.01"})}

    def __init__(self, *args, codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = codes
        # empty (a new step): it takes its place by its days (BaseStepFormSet._in_order)
        self.fields["position"].required = False
        # AmountField.formfield() leaves out what Django's fields give: optional, label, help text
        amount, model_field = self.fields["min_amount"], Step._meta.get_field("min_amount")
        amount.required, amount.label = False, capfirst(model_field.verbose_name)
        amount.help_text = model_field.help_text
        amount.validators.append(MinValueValidator(Decimal("0")))
        current = self.instance.template
        choices = [("", "—"), *((c, c) for c in codes)]
        if current and current not in codes:
            choices.append((current, _("%(code)s (no such template)") % {"code": current}))
        self.fields["template"] = forms.ChoiceField(label=self.fields["template"].label, choices=choices,
                                                    required=False)

    def clean_template(self):
        code = self.cleaned_data["template"]
        if code and code not in self.codes:
            raise forms.ValidationError(_("There is no template %(code)s.") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        if data.get("channel") in NEEDS_TEMPLATE and not data.get("template"):
            self.add_error("template", _("An e-mail or a letter needs a template."))
        return data

    def core_step(self) -> dunning.Step:
        d = self.cleaned_data
        return dunning.Step(d["name"], d["offset_days"], Channel(d["channel"]), d["template"], d["claims_interest"],
                            d["requires_approval"], d["min_amount"], d["is_formal_notice"])


class BaseStepFormSet(forms.BaseModelFormSet):
    """The steps of a scenario, checked together: after validation ``ordered`` holds the kept rows in their
    new order and ``deleted`` the existing steps to delete."""

    def __init__(self, *args, customer_kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.customer_kind = customer_kind
        self.ordered: list[StepForm] = []
        self.deleted: list[Step] = []

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if not self._should_delete_form(f)
                and (f.instance.pk is not None or f.has_changed())]
        self.deleted = [f.instance for f in self.deleted_forms if f.instance.pk is not None]
        if {f.instance.pk for f in self.initial_forms} != set(self.queryset.values_list("pk", flat=True)):
            raise forms.ValidationError(_("The steps of this scenario were changed meanwhile: reload the page and "
                                          "make your changes again."))
        self.ordered = self._in_order(kept)
        problems = step_problems(self.customer_kind, [f.core_step() for f in self.ordered])
        for step in used_steps(self.deleted):
            problems.append(_("%(step)s was used for reminders already: it cannot be deleted (it may be "
                              "changed).") % {"step": step.name})
        if problems:
            raise forms.ValidationError(problems)

    @staticmethod
    def _in_order(rows: list[StepForm]) -> list[StepForm]:
        """By position, steps of the same position by their days; a step without a position (a new one) goes
        before the first step with more days."""
        placed = sorted((f for f in rows if f.cleaned_data["position"] is not None),
                        key=lambda f: (f.cleaned_data["position"], f.cleaned_data["offset_days"]))
        for new in sorted((f for f in rows if f.cleaned_data["position"] is None),
                          key=lambda f: f.cleaned_data["offset_days"]):
            days = new.cleaned_data["offset_days"]
            at = next((i for i, f in enumerate(placed) if f.cleaned_data["offset_days"] > days), len(placed))
            placed.insert(at, new)
        return placed


StepFormSet = forms.modelformset_factory(Step, form=StepForm, formset=BaseStepFormSet, extra=1, can_delete=True,
                                         can_delete_extra=False)


def step_summary(step: Step) -> str:
    """D+30 letter (formal notice, approval): one step in a line of the list."""
    notes = []
    if step.min_amount is not None:
        notes.append(_("from %(amount)s") % {"amount": money(step.min_amount)})
    if step.claims_interest:
        notes.append(_("interest"))
    if step.is_formal_notice:
        notes.append(_("formal notice"))
    if step.requires_approval:
        notes.append(_("approval"))
    text = f"{day_label(step.offset_days)} {SHORT_CHANNELS[Channel(step.channel)]}"
    return f"{text} ({', '.join(notes)})" if notes else text


def customers_per_scenario(company) -> tuple[dict[str, int], int]:
    """How many customers each active scenario gets today, by name, and how many get none. Customers in
    litigation or insolvency proceedings are out of the amicable scenario and left out, as in the run.

    One row per distinct (kind, segment, payer profile) from SQL, the choice made by ``choose_scenario``."""
    assignments, _scenarios = company_scenarios(company)
    counts: dict[str, int] = {}
    without = 0
    triples = (Customer.objects.filter(company=company).exclude(status__in=OUT_OF_SCENARIO)
               .values_list("kind", "segment", "payer_profile").annotate(n=Count("id")).order_by())
    for kind, segment, profile, n in triples:
        name = dunning.choose_scenario(assignments, kind, segment, profile)
        if name is None:
            without += n
        else:
            counts[name] = counts.get(name, 0) + n
    return counts, without


@requires(Capability.MANAGE_COLLECTIONS)
def scenarios(request):
    company = company_for(request)
    ensure_default_scenarios(company)
    form = NewScenarioForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scenario = create_scenario(company, data["name"], data, data["copy_from"], actor=request.user)
        messages.success(request, _("Scenario created, not active yet: check its steps, then make it active."))
        return redirect("scenario", pk=scenario.pk)
    counts, without = customers_per_scenario(company)
    rows = [{"s": s, "steps": [step_summary(step) for step in s.steps.all()], "customers": counts.get(s.name, 0)}
            for s in Scenario.objects.filter(company=company).prefetch_related("steps")]
    return render(request, "collections/scenario_list.html", {
        "nav": "templates", "rows": rows, "without": without, "form": form, "segments": _segments(company),
    })


@requires(Capability.MANAGE_COLLECTIONS)
def scenario_edit(request, pk: int):
    company = company_for(request)
    scenario = get_object_or_404(Scenario.objects.filter(company=company), pk=pk)
    ensure_default_templates(company)
    codes = sorted(set(MessageTemplate.objects.filter(company=company).values_list("code", flat=True)))
    steps = scenario.steps.annotate(used=Count("actions")).order_by("position")
    data = request.POST if request.method == "POST" else None
    # the form sets the fields it validates on its instance: its own copy, the page keeps the saved one
    form = ScenarioForm(data, instance=Scenario.objects.get(pk=scenario.pk), company=company)
    formset = StepFormSet(data, queryset=steps, prefix="steps", form_kwargs={"codes": codes})
    if data is not None:
        valid = form.is_valid()
        formset.customer_kind = form.cleaned_data.get("customer_kind", scenario.customer_kind)
        if formset.is_valid() and valid:
            rows = [f.save(commit=False) for f in formset.ordered]
            try:
                changed = save_scenario(form.save(commit=False), rows, formset.deleted, actor=request.user)
            except ProtectedError:
                messages.error(request, _("A step to delete was used for reminders meanwhile: nothing was saved."))
            else:
                if changed:
                    messages.success(request, _("Scenario saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("scenario", pk=scenario.pk)
    return render(request, "collections/scenario_edit.html", {
        "nav": "templates", "scenario": scenario, "form": form, "formset": formset,
        "step_forms": [*formset.forms, formset.empty_form], "segments": _segments(company),
    })
