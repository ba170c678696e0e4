"""Writing to the history. Call ``record`` inside the transaction that makes the change."""
from __future__ import annotations

from django.utils import timezone

from encours.history.models import Event


def record(company, kind: str, summary: str, *, customer=None, actor=None, before=None, after=None,
           reason: str = "", at=None) -> Event:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        company=company, customer=customer, kind=kind, summary=summary[:300], actor=actor,
        before=before, after=after, reason=reason, at=at or timezone.now(),
    )


def changes(instance, fields: list[str], data: dict) -> tuple[dict, dict]:
    """The (before, after) values of ``fields`` that ``data`` changes on ``instance``, as text."""
    before, after = {}, {}
    for name in fields:
        old, new = getattr(instance, name), data.get(name)
        old_text = "" if old is None else str(getattr(old, "pk", old))
        new_text = "" if new is None else str(getattr(new, "pk", new))
        if old_text != new_text:
            before[name], after[name] = old_text, new_text
    return before, after
