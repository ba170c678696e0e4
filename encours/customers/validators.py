"""Identity numbers checked with python-stdnum; values are stored in compact form."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from stdnum import iban
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret

_MODULES = {"siren": siren, "siret": siret, "vat": vat, "iban": iban}
_LABELS = {"siren": "SIREN", "siret": "SIRET", "vat": "VAT number", "iban": "IBAN"}


def _check(kind: str, value: str) -> None:
    if not value:
        return
    try:
        _MODULES[kind].validate(value)
    except StdnumError as error:
        raise ValidationError(f"{_LABELS[kind]} {value!r} is not valid: {error}") from None


def validate_siren(value: str) -> None:
    _check("siren", value)


def validate_siret(value: str) -> None:
    _check("siret", value)


def validate_vat_number(value: str) -> None:
    _check("vat", value)


def validate_iban(value: str) -> None:
    _check("iban", value)


def compact(kind: str, value: str) -> str:
    return _MODULES[kind].compact(value) if value else ""
