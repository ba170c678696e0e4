"""Included by encours/web/urls.py under imports/."""
from django.urls import path

from encours.imports import views

urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/status.json", views.import_status, name="import_status"),
]
