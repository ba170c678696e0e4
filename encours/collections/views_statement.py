"""The customer statement (relevé de compte) at a date, as a page and as a PDF to send."""
from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import visible_customers
from encours.accounts.roles import Capability
from encours.collections.statement import customer_statement
from encours.collections.statement_pdf import statement_pdf as render_pdf
from encours.core.interest import RateBasis
from encours.web.decorators import requires
from encours.web.scope import company_for, parse_as_of

BASIS = {
    RateBasis.ECB_PLUS_10: _("ECB rate + 10 points"),
    RateBasis.ECB_PLUS_8: _("ECB rate + 8 points"),
    RateBasis.CONTRACTUAL: _("contractual rate"),
    RateBasis.LEGAL_FLOOR: _("3 × the legal interest rate (floor)"),
    RateBasis.LEGAL_RATE: _("legal interest rate"),
}


def _customer(request, pk: int):
    company = company_for(request)
    return get_object_or_404(visible_customers(request.user, company).select_related("company"), pk=pk)


@requires(Capability.VIEW)
def statement(request, pk: int):
    customer = _customer(request, pk)
    as_of = parse_as_of(request.GET.get("as_of"))
    st = customer_statement(customer, as_of)
    return render(request, "collections/statement.html", {
        "nav": "customers",
        "customer": customer,
        "st": st,
        "claims": [{"c": c, "periods": [_period(p) for p in c.periods]} for c in st.claims],
        "as_of": as_of,
        "currency": st.currency,
    })


@requires(Capability.VIEW)
def statement_pdf(request, pk: int):
    """The PDF is in the customer's language: it is written to be sent to them."""
    customer = _customer(request, pk)
    as_of = parse_as_of(request.GET.get("as_of"))
    pdf = render_pdf(customer_statement(customer, as_of), language=customer.language or "fr")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(customer.code) or str(customer.pk)
    response["Content-Disposition"] = f'inline; filename="statement-{name}-{as_of.isoformat()}.pdf"'
    return response


def _period(p) -> dict:
    return {"start": p.start, "end": p.end, "days": p.days, "percent": p.rate * 100, "base": p.base,
            "basis": BASIS.get(p.basis, p.basis)}
