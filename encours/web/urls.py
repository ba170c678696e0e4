from django.contrib.auth import views as auth_views
from django.urls import include, path

from encours.web import ageing, customer_detail, customer_edit, customer_list, home, users
from encours.web import auth_views as login_views

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", login_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", customer_list.customer_list, name="customers"),
    path("customers/<int:pk>/", customer_detail.customer_detail, name="customer"),
    path("customers/<int:pk>/edit/", customer_edit.customer_edit, name="customer_edit"),
    path("ageing/", ageing.ageing, name="ageing"),
    path("ageing/items/", ageing.ageing_items, name="ageing_items"),
    path("users/", users.user_list, name="users"),
    path("users/new/", users.user_edit, name="user_new"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("imports/", include("encours.imports.urls")),
    path("", include("encours.collections.urls")),
    path("", include("encours.risk.urls")),
]
