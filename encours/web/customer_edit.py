"""Editing a customer's file; every change goes to the history with its before and after values."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy

from encours.accounts.access import visible_customers
from encours.accounts.roles import Capability
from encours.core.terms import InvalidTerms, PaymentTerms
from encours.customers.models import Customer
from encours.history.models import EventKind
from encours.history.services import changes, record
from encours.web.decorators import requires
from encours.web.scope import company_for

FIELDS = ["name", "segment", "payer_profile", "status", "payment_terms", "payment_method", "account_manager",
          "collector", "email", "phone", "address", "notes"]


class CustomerForm(forms.ModelForm):
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), required=False,
                             widget=forms.TextInput(attrs={"size": 60}))

    class Meta:
        model = Customer
        fields = FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["account_manager"].queryset = users
        self.fields["collector"].queryset = users
        self.fields["payment_terms"].help_text = _(
            "Codes: cash, net:30, days_eom:45, eom_days:45, eom_day:30:10. Empty: the company default."
        )

    def clean_payment_terms(self):
        code = self.cleaned_data["payment_terms"].strip()
        if code:
            try:
                code = PaymentTerms.parse(code).code
            except InvalidTerms as error:
                raise forms.ValidationError(str(error)) from None
        return code


@requires(Capability.EDIT_CUSTOMERS)
def customer_edit(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company), pk=pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        original = Customer.objects.get(pk=customer.pk)
        before, after = changes(original, FIELDS, form.cleaned_data)
        if before or after:
            with transaction.atomic():
                form.save()
                record(company, EventKind.CUSTOMER_CHANGED,
                       _("Changed: %(fields)s") % {"fields": ", ".join(sorted(after))},
                       customer=customer, actor=request.user, before=before, after=after,
                       reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("Customer saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("customer", pk=customer.pk)
    return render(request, "web/customer_edit.html", {"nav": "customers", "customer": customer, "form": form})
