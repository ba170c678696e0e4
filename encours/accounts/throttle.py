"""Failed log-ins are throttled: after too many failures for a user name or from an address, wait.

The limits are per rolling window and kept in the database so that every server process shares them.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from encours.accounts.models import LoginFailure


def _window():
    return timedelta(seconds=getattr(settings, "ENCOURS_LOGIN_WINDOW_SECONDS", 900))


def is_locked(username: str, address: str | None) -> bool:
    since = timezone.now() - _window()
    per_user = getattr(settings, "ENCOURS_LOGIN_FAILURES_PER_USER", 5)
    per_address = getattr(settings, "ENCOURS_LOGIN_FAILURES_PER_ADDRESS", 20)
    recent = LoginFailure.objects.filter(at__gte=since)
    if username and recent.filter(username=username.lower()).count() >= per_user:
        return True
    return bool(address) and recent.filter(address=address).count() >= per_address


def record_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=(username or "").lower(), address=address or None, at=timezone.now())
    LoginFailure.objects.filter(at__lt=timezone.now() - 4 * _window()).delete()


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username=(username or "").lower()).delete()
