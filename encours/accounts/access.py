"""The role of a user and the customers they may see; used by every view and API endpoint."""
from __future__ import annotations

import hashlib
import secrets

from django.db.models import QuerySet

from encours.accounts.roles import SCOPED_TO_OWN_CUSTOMERS, Capability, Role, can
from encours.customers.models import Company, Customer


def role_of(user) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "encours_profile", None)
    if profile is not None:
        return Role(profile.role)
    return Role.ADMIN if user.is_superuser else None


def user_can(user, capability: Capability) -> bool:
    return can(role_of(user), capability)


def is_scoped(user) -> bool:
    """True when the user sees only the customers they manage."""
    return role_of(user) in SCOPED_TO_OWN_CUSTOMERS


def visible_customers(user, company: Company) -> QuerySet[Customer]:
    customers = Customer.objects.filter(company=company)
    if role_of(user) is None:
        return customers.none()
    if is_scoped(user):
        return customers.filter(account_manager=user)
    return customers


def visible_customer_ids(user, company: Company) -> QuerySet | None:
    """None when the user sees every customer, else a query of the ids they may see.

    A query, not a list: reports and pages use it as a subquery (``customer_id__in=``) rather than sending a
    sales person's thousands of ids back as parameters.
    """
    if not is_scoped(user):
        return None
    return visible_customers(user, company).order_by().values("id")


def new_api_token(user, name: str) -> str:
    """Create a token for ``user`` and return it; it cannot be read back later."""
    from encours.accounts.models import ApiToken

    token = "enc_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=token_digest(token))
    return token


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
