"""Credit risk in the admin: statements and limit decisions editable; orders, unblocks and requests are read
only here (they change through the credit check and its decisions, which keep the history)."""
from django.contrib import admin

from encours.history.admin import EvidenceAdmin
from encours.risk.models import CommitteeCase, FinancialStatement, LimitDecision, Order, Unblock, UnblockRequest


@admin.register(FinancialStatement)
class FinancialStatementAdmin(admin.ModelAdmin):
    list_display = ("customer", "year_end", "revenue", "equity", "net_result")
    search_fields = ("customer__name", "customer__code")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


@admin.register(LimitDecision)
class LimitDecisionAdmin(admin.ModelAdmin):
    list_display = ("customer", "decided", "recommended", "decided_by", "decided_at", "review_on")
    search_fields = ("customer__name", "customer__code")
    list_select_related = ("customer", "decided_by")
    raw_id_fields = ("customer",)


@admin.register(Order)
class OrderAdmin(EvidenceAdmin):
    list_display = ("reference", "customer", "amount", "state", "checked_at", "overridden")
    list_filter = ("state", "overridden")
    search_fields = ("reference", "customer__name", "customer__code")
    list_select_related = ("customer",)


@admin.register(Unblock)
class UnblockAdmin(EvidenceAdmin):
    list_display = ("customer", "valid_until", "granted_by", "granted_at")
    list_select_related = ("customer", "granted_by")


@admin.register(UnblockRequest)
class UnblockRequestAdmin(EvidenceAdmin):
    list_display = ("customer", "state", "requested_by", "requested_at", "decided_by")
    list_filter = ("state",)
    list_select_related = ("customer", "requested_by", "decided_by")


@admin.register(CommitteeCase)
class CommitteeCaseAdmin(EvidenceAdmin):
    list_display = ("customer", "kind", "opened_on", "state", "decision", "decided_by", "decided_at")
    list_filter = ("kind", "state", "decision")
    search_fields = ("customer__name", "customer__code")
    list_select_related = ("customer", "decided_by")
