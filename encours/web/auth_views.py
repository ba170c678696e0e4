"""Log-in with throttling of failed attempts (per user name and per address)."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from encours.accounts import throttle


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if throttle.is_locked(username, client_address(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, _("Too many failed log-ins. Wait 15 minutes, or ask an administrator."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.record_failure(self.request.POST.get("username", ""), client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.clear_failures(form.get_user().get_username())
        return super().form_valid(form)
