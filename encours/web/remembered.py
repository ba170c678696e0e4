"""Filters that remember: a list page without parameters comes back with the user's last ones."""
from __future__ import annotations

from django.http import HttpResponseRedirect

IGNORED = {"page", "export", "reset"}


def remembered_filters(request, key: str) -> HttpResponseRedirect | None:
    """Store the query string of this list; redirect to the stored one when the page is opened bare."""
    session_key = f"filters:{key}"
    if "reset" in request.GET:
        request.session.pop(session_key, None)
        return HttpResponseRedirect(request.path)
    kept = request.GET.copy()
    for key in IGNORED:
        kept.pop(key, None)
    if kept:
        request.session[session_key] = kept.urlencode()
        return None
    saved = request.session.get(session_key)
    if saved and not request.GET:
        return HttpResponseRedirect(f"{request.path}?{saved}")
    return None
