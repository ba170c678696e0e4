from django.contrib import admin

from encours.collections.models import Action, ActionItem, Dispute, Promise, Run, Scenario, Step


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
