from django.contrib import admin

from encours.history.models import Event


class EvidenceAdmin(admin.ModelAdmin):
    """Read only in the admin: records of what happened (messages sent, orders checked…) change only through
    the services that keep the history, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "customer", "actor", "summary"]
    list_filter = ["kind"]
    search_fields = ["summary"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
