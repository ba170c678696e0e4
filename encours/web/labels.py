"""Words for codes shown in pages: bucket labels, terms."""
from __future__ import annotations

from django.utils.translation import get_language, gettext as _

from encours.core.ageing import Bucket
from encours.core.terms import InvalidTerms, PaymentTerms


def bucket_title(bucket: Bucket) -> str:
    if bucket.min_days is None:
        return _("Not due")
    if bucket.max_days is None:
        return _("> %(days)s days") % {"days": bucket.min_days - 1}
    return _("%(low)s–%(high)s days") % {"low": bucket.min_days, "high": bucket.max_days}


def terms_in_words(code: str) -> str:
    if not code:
        return ""
    try:
        return PaymentTerms.parse(code).describe((get_language() or "fr")[:2])
    except InvalidTerms:
        return code
