from django.contrib import admin

from encours.history.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "customer", "actor", "summary"]
    list_filter = ["kind"]
    search_fields = ["summary"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
