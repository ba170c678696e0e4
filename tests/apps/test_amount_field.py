"""An amount field's form field keeps what the model says (label, help text, required) and takes cents."""
from decimal import Decimal

from django import forms
from django.utils import translation

from encours.collections.models import Step
from encours.ledger.models import Document


@translation.override("en")
def test_the_form_field_of_an_amount_keeps_the_model_fields_label_help_and_required():
    optional = Step._meta.get_field("min_amount").formfield()
    assert isinstance(optional, forms.DecimalField)
    assert (optional.required, str(optional.label), optional.decimal_places) == (False, "Minimum amount", 2)
    assert "at least this much" in str(optional.help_text)
    required = Document._meta.get_field("amount").formfield()
    assert required.required and required.clean("1234.50") == Decimal("1234.50")
    assert not required.has_changed(Decimal("1.00"), "1.00")
