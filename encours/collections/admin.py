from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from encours.collections.models import (
    Action,
    ActionItem,
    Call,
    Dispute,
    InterestRate,
    Message,
    MessageTemplate,
    Promise,
    RateSeriesCode,
    Run,
    Scenario,
    Step,
)
from encours.history.admin import EvidenceAdmin
from encours.web.formatting import short_date


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "customer_kind", "segment", "payer_profile", "active")
    list_filter = ("company", "active")
    inlines = [StepInline]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    raw_id_fields = ("document",)
    readonly_fields = ("document", "step", "position", "open_amount", "cancelled")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("customer", "step", "channel", "state", "planned_on", "total", "currency")
    list_filter = ("state", "channel", "planned_on")
    search_fields = ("customer__code", "customer__name")
    raw_id_fields = ("customer", "run")
    list_select_related = ("customer", "step", "step__scenario")
    inlines = [ActionItemInline]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("date", "company", "actions_created", "customers", "items", "paused", "started_at")
    list_filter = ("company",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin):
    list_display = ("customer", "amount", "currency", "promised_on", "state", "made_on")
    list_filter = ("state",)
    search_fields = ("customer__code", "customer__name")
    raw_id_fields = ("customer", "documents")


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("customer", "reason", "owner", "seller_at_fault", "opened_on", "resolution", "resolved_on")
    list_filter = ("reason", "owner", "resolution")
    search_fields = ("customer__code", "customer__name")
    raw_id_fields = ("customer", "documents")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "language", "name", "subject", "company", "updated_at", "updated_by")
    list_filter = ("language", "code", "company")
    search_fields = ("code", "name", "subject")
    list_select_related = ("company", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Message)
class MessageAdmin(EvidenceAdmin):
    """What was sent is evidence: it can be read, never added, changed or deleted here."""

    list_display = ("sent_at", "customer", "channel", "subject", "state", "total", "interest", "indemnity",
                    "currency")
    list_filter = ("channel", "state", "language")
    search_fields = ("customer__code", "customer__name", "subject")
    list_select_related = ("customer",)
    date_hierarchy = "sent_at"
    exclude = ("pdf",)  # bytes; the letter is opened from the message page of the application


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("called_at", "customer", "called_by", "contact", "outcome", "next_action_on")
    list_filter = ("outcome",)
    search_fields = ("customer__code", "customer__name", "contact", "notes")
    list_select_related = ("customer", "called_by")
    raw_id_fields = ("customer", "action", "promise", "dispute")


LEGAL_SERIES = (RateSeriesCode.LEGAL_PRIVATE, RateSeriesCode.LEGAL_OTHER)


class InterestRateForm(forms.ModelForm):
    class Meta:
        model = InterestRate
        fields = ("series", "starts_on", "percent", "source")

    def clean(self):
        data = super().clean()
        starts_on = data.get("starts_on")
        # CMF L313-2, D313-1-A: the legal interest rate is fixed for a half-year by an arrêté.
        if data.get("series") in LEGAL_SERIES and starts_on and (starts_on.day, starts_on.month) not in ((1, 1),
                                                                                                        (1, 7)):
            self.add_error("starts_on", _(
                "A legal interest rate is set for a half-year: it starts on 1 January or 1 July, not on "
                "%(date)s.") % {"date": short_date(starts_on)})
        return data


@admin.register(InterestRate)
class InterestRateAdmin(admin.ModelAdmin):
    form = InterestRateForm
    list_display = ("series", "starts_on", "percent", "source")
    list_filter = ("series",)
    ordering = ("series", "-starts_on")
