"""Placeholder: being written (issue 4)."""
from django.http import HttpResponse

from encours.accounts.roles import Capability
from encours.web.decorators import requires


@requires(Capability.MANAGE_COLLECTIONS)
def scenarios(request):
    return HttpResponse("not yet", status=501)


@requires(Capability.MANAGE_COLLECTIONS)
def scenario_edit(request, pk=None):
    return HttpResponse("not yet", status=501)
