from django.contrib import admin
from django.urls import include, path

from encours.api.main import api

admin.site.site_header = "Encours"
admin.site.site_title = "Encours"

urlpatterns = [
    path("", include("encours.web.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
