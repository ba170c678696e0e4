from django.urls import path

from encours.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
