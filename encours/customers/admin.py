from django.contrib import admin

from encours.customers.models import Company, Contact, Customer


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "siren", "currency", "default_terms")
    search_fields = ("name", "siren")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "segment", "payment_terms", "status", "collector")
    list_filter = ("kind", "status", "payer_profile", "segment", "company")
    search_fields = ("code", "name", "siren", "siret", "vat_number")
    raw_id_fields = ("account_manager", "collector")
    list_select_related = ("collector",)
    show_full_result_count = False
    inlines = [ContactInline]
    fieldsets = (
        (None, {"fields": ("company", "code", "name", "kind", "segment", "status", "payer_profile")}),
        ("Identity", {"fields": ("siren", "siret", "vat_number", "country", "address")}),
        ("Terms", {"fields": ("payment_terms", "payment_method")}),
        ("People", {"fields": ("account_manager", "collector", "email", "phone", "notes")}),
    )
