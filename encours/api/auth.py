"""Who is calling: a bearer token or the Django session; and what they may do (the pages' role table).

``request.auth`` is the user in every endpoint. A wrong or revoked token is refused (401) even when a
session cookie is also sent, so a script never silently acts as whoever is logged in in the browser.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from encours.accounts.access import token_digest, user_can
from encours.accounts.models import ApiToken, Profile
from encours.accounts.roles import Capability
from encours.api.errors import ApiError
from encours.sql_rows import RowReader

logger = logging.getLogger("encours.api")

# Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


# The token's user with their role, and whether the token's last use is older than LAST_USED_PRECISION, in one
# plain SQL statement: every API call runs it, and building the ORM query (three tables) cost more than running it.
USER = RowReader(get_user_model(), [f.attname for f in get_user_model()._meta.concrete_fields], "u")
TOKEN_SQL = (
    "SELECT " + ", ".join(USER.columns) + """, t.id, p.id, p.role,
           CASE WHEN t.last_used_at IS NULL OR t.last_used_at <= %s THEN 1 ELSE 0 END
      FROM accounts_apitoken t
      JOIN auth_user u ON u.id = t.user_id
      LEFT JOIN accounts_profile p ON p.user_id = u.id
     WHERE t.digest = %s""")


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        now = timezone.now()
        threshold = connection.ops.adapt_datetimefield_value(now - LAST_USED_PRECISION)
        with connection.cursor() as cursor:
            cursor.execute(TOKEN_SQL, [threshold, token_digest(token)])
            row = cursor.fetchone()
        if row is None:
            raise AuthenticationError()
        user = USER.instance(row[:len(USER)])
        token_id, profile_id, role, use_to_record = row[len(USER):]
        if not user.is_active:
            raise AuthenticationError()
        if profile_id is not None:  # what role_of() reads: no second query
            user.encours_profile = Profile(id=profile_id, user=user, role=role)
        if use_to_record:
            _record_use(token_id, now)
        return user


def _record_use(token_id: int, now) -> None:
    """Write the token's last use. On SQLite, while an import holds the one write lock, skip it rather than
    wait: a script polling the import's progress must not hang (the next call, a minute on, writes it)."""
    update = ApiToken.objects.filter(pk=token_id)
    if connection.vendor != "sqlite" or not connection.get_autocommit():
        update.update(last_used_at=now)
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (waiting_ms,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            update.update(last_used_at=now)
        except OperationalError:  # database is locked
            logger.info("last use of API token %s not recorded: the database is busy", token_id)
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(waiting_ms)}")


class Session(SessionAuth):
    """The logged-in browser session; the CSRF check (unsafe methods) runs only for a logged-in user,
    so that an anonymous call is told 401, not 'CSRF failed'."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


AUTH = [BearerToken(), Session()]


def require(request, capability: Capability):
    """The calling user, if their role has ``capability``; 403 otherwise (also for a user without a role)."""
    user = request.auth
    if not user_can(user, capability):
        raise ApiError(403, f"your role does not allow this (it needs the right to {capability.value})")
    return user
