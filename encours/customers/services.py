"""Which company a command works on."""
from __future__ import annotations

from encours.customers.models import Company

DEFAULT_COMPANY_NAME = "Ma société"


class UnknownCompany(LookupError):
    pass


def get_company(identifier: str | None = None) -> Company:
    """The company named by id or SIREN; without one, the only (or first) company, created if none exists."""
    if identifier:
        query = Company.objects.filter(siren=identifier)
        if identifier.isdigit() and not query.exists():
            query = Company.objects.filter(pk=int(identifier))
        company = query.first()
        if company is None:
            raise UnknownCompany(f"no company with id or SIREN {identifier!r}")
        return company
    company = Company.objects.order_by("id").first()
    return company or Company.objects.create(name=DEFAULT_COMPANY_NAME)
