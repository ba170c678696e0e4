from django.contrib import admin
from django.urls import include, path

from encours.api.main import api

admin.site.site_header = "Encours"
admin.site.site_title = "Encours"

urlpatterns = [
    path("api/", api.urls),  # first: an API call does not try the pages' patterns
    path("", include("encours.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
