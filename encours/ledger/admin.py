from django.contrib import admin

from encours.ledger.models import Allocation, CreditNote, ImportBatch, Invoice, Payment


class AllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "debit"
    extra = 0
    raw_id_fields = ("credit",)
    readonly_fields = ("company", "credit", "amount", "date", "batch")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "document_date", "due_date", "amount", "allocated", "currency", "closed_on")
    list_filter = ("company", "currency")
    search_fields = ("number", "customer__code", "customer__name")
    date_hierarchy = "document_date"
    raw_id_fields = ("customer", "batch")
    readonly_fields = ("allocated", "last_allocated_on", "closed_on", "source_key", "batch")
    list_select_related = ("customer",)
    show_full_result_count = False
    exclude = ("kind",)
    kind = None

    def save_model(self, request, obj, form, change):
        if self.kind:
            obj.kind = self.kind
        super().save_model(request, obj, form, change)


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    kind = "invoice"
    inlines = [AllocationInline]


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    kind = "credit_note"


@admin.register(Payment)
class PaymentAdmin(DocumentAdmin):
    kind = "payment"


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ("debit", "credit", "amount", "date")
    raw_id_fields = ("debit", "credit", "batch")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False  # allocations are deleted and inserted again, never edited


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "kind", "company", "created_at", "customers_created", "documents_created",
                    "allocations_created")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False
