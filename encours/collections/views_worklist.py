"""Placeholder: being written (issue 4)."""
from django.http import HttpResponse

from encours.accounts.roles import Capability
from encours.web.decorators import requires


@requires(Capability.VIEW)
def worklist(request, pk=None):
    return HttpResponse("not yet", status=501)


@requires(Capability.VIEW)
def action_detail(request, pk=None):
    return HttpResponse("not yet", status=501)


@requires(Capability.VIEW)
def action_letter(request, pk=None):
    return HttpResponse("not yet", status=501)


@requires(Capability.VIEW)
def letters_batch(request, pk=None):
    return HttpResponse("not yet", status=501)


@requires(Capability.VIEW)
def runs(request, pk=None):
    return HttpResponse("not yet", status=501)


@requires(Capability.VIEW)
def message_detail(request, pk=None):
    return HttpResponse("not yet", status=501)


@requires(Capability.VIEW)
def message_pdf(request, pk=None):
    return HttpResponse("not yet", status=501)


@requires(Capability.VIEW)
def call_new(request, pk=None):
    return HttpResponse("not yet", status=501)
