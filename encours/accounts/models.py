from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from encours.accounts.roles import Role

ROLE_LABELS = {
    Role.ADMIN: _("Administrator"),
    Role.CREDIT_MANAGER: _("Credit manager"),
    Role.COLLECTOR: _("Collector"),
    Role.ACCOUNTANT: _("Accountant"),
    Role.SALES: _("Sales"),
    Role.AUDITOR: _("Auditor"),
}


class Profile(models.Model):
    """A user's role in Encours. A user without a profile has no access (a superuser counts as administrator)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="encours_profile")
    role = models.CharField(_("role"), max_length=20, choices=[(r.value, ROLE_LABELS[r]) for r in Role])

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class LoginFailure(models.Model):
    """One failed log-in, kept to throttle guessing by user name and by address."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)
