from encours.accounts.access import role_of
from encours.accounts.models import ROLE_LABELS
from encours.accounts.roles import CAPABILITIES


def encours(request):
    role = role_of(getattr(request, "user", None))
    return {
        "role": role,
        "role_label": ROLE_LABELS.get(role, "") if role else "",
        "caps": {c.value for c in CAPABILITIES[role]} if role else set(),
    }
