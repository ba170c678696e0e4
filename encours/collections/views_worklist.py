"""The collector's pages: today's worklist, an action (approve, send, skip), the letters to print, the
messages sent, the dunning runs, and the call form with its guide."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encours.accounts.access import user_can, visible_customer_ids, visible_customers
from encours.accounts.roles import CAPABILITIES, Capability
from encours.collections import worklist as wl
from encours.collections.calls import CallRefused, contact_to_call, log_call
from encours.collections.disputes import DisputeRefused
from encours.collections.letters import letter_pdf
from encours.collections.models import (
    Action,
    ActionState,
    CallOutcome,
    DisputeOwner,
    DisputeReason,
    Message,
    MessageState,
    Run,
)
from encours.collections.pdfs import join_pdfs
from encours.collections.promises import PromiseRefused
from encours.collections.rendering import TemplateInvalid, TemplateMissing, render_action
from encours.collections.run import run_dunning
from encours.collections.sending import SendingFailed, send_action
from encours.collections.tasks import daily_run
from encours.collections.views_promises import invoice_rows
from encours.core.dunning import Channel
from encours.core.records import DocumentKind
from encours.ledger.models import Document
from encours.web.decorators import requires
from encours.web.scope import company_for

PER_PAGE = 50
RECENT_RUNS = 30
RECENT_CALLS = 5
PDF = "application/pdf"


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


# --------------------------------------------------------------------------- worklist
SECTIONS = (
    ("approve", "to_approve", gettext_lazy("To approve")),
    ("send", "to_send", gettext_lazy("E-mails and letters to send")),
    ("call", "to_call", gettext_lazy("Calls to make")),
)


def _collectors():
    """The people who may work a worklist, for the collector filter."""
    roles = [role.value for role, caps in CAPABILITIES.items() if Capability.COLLECT in caps]
    return get_user_model().objects.filter(is_active=True, encours_profile__role__in=roles).order_by("username")


@requires(Capability.COLLECT)
def worklist(request):
    company = company_for(request)
    today = timezone.localdate()
    choice = request.GET.get("collector", wl.MINE)
    work = wl.build(company, request.user, today, choice)
    sections = []
    for key, attr, title in SECTIONS:
        rows = getattr(work, attr)
        query = request.GET.copy()
        query.pop(f"{key}_page", None)
        sections.append({
            "key": key, "title": title, "page": Paginator(rows, PER_PAGE).get_page(request.GET.get(f"{key}_page")),
            "query": query.urlencode(),
        })
    return render(request, "collections/worklist.html", {
        "nav": "worklist", "today": today, "currency": company.currency, "sections": sections,
        "choice": choice, "collectors": _collectors(), "letters": len(work.letters),
        "can_approve": user_can(request.user, Capability.MANAGE_COLLECTIONS),
    })


# --------------------------------------------------------------------------- one action
class SkipForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why skip this step?"), max_length=500,
                             widget=forms.TextInput(attrs={"size": 50}))


def _action(request, pk: int) -> Action:
    """The action ``pk`` of the company, for a customer the user may see; else 404."""
    company = company_for(request)
    qs = Action.objects.filter(company=company).select_related("company", "customer", "step", "done_by", "run")
    ids = visible_customer_ids(request.user, company)
    if ids is not None:
        qs = qs.filter(customer_id__in=ids)
    return get_object_or_404(qs, pk=pk)


def _preview(action: Action, today: date) -> tuple[object, str]:
    """(rendering, "") or (None, why not) for an e-mail or letter."""
    if action.channel not in wl.SEND_CHANNELS:
        return None, ""
    try:
        return render_action(action, as_of=today), ""
    except (TemplateMissing, TemplateInvalid) as error:
        return None, str(error)


@requires(Capability.COLLECT)
def action_detail(request, pk: int):
    action = _action(request, pk)
    skip_form = SkipForm()
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "approve":
            return _approve(request, action)
        if op == "send":
            return _send(request, action)
        if op == "done":
            return _done(request, action)
        if op == "skip":
            skip_form = SkipForm(request.POST)
            if skip_form.is_valid():
                return _skip(request, action, skip_form.cleaned_data["reason"])
        else:
            return _plain(_("Unknown operation."), 400)
    today = timezone.localdate()
    rendered, preview_error = _preview(action, today) if action.is_pending else (None, "")
    items = [
        {"item": i, "doc": i.document, "now": i.document.open_amount,
         "days_late": max((today - i.document.due_date).days, 0) or None}
        for i in action.items.select_related("document").order_by("document__due_date", "document__id")
    ]
    manage = user_can(request.user, Capability.MANAGE_COLLECTIONS)
    return render(request, "collections/action.html", {
        "nav": "worklist", "action": action, "customer": action.customer, "items": items,
        "rendered": rendered, "preview_error": preview_error, "skip_form": skip_form,
        "can_approve": manage and action.state == ActionState.TO_APPROVE,
        "can_send": action.state == ActionState.TO_DO and action.channel in wl.SEND_CHANNELS and not preview_error,
        "can_skip": action.state == ActionState.TO_DO or (manage and action.state == ActionState.TO_APPROVE),
        "can_mark_done": action.state == ActionState.TO_DO and action.channel == Channel.SMS,
        "is_call": action.state == ActionState.TO_DO and action.channel == Channel.PHONE,
        "sent": list(action.messages.order_by("-sent_at")),
        "calls": list(action.calls.select_related("called_by").order_by("-called_at")),
    }, status=400 if skip_form.errors else 200)


def _refused(request, action: Action, error: Exception):
    messages.error(request, str(error))
    return redirect("action", pk=action.pk)


def _approve(request, action: Action):
    if not user_can(request.user, Capability.MANAGE_COLLECTIONS):
        raise PermissionDenied("approving an action needs the right to manage collections")
    try:
        wl.approve_action(action, request.user)
    except wl.ActionRefused as error:
        return _refused(request, action, error)
    messages.success(request, _("%(step)s for %(customer)s approved.") % {
        "step": action.step.name, "customer": action.customer.name})
    return redirect("action", pk=action.pk)


def _skip(request, action: Action, reason: str):
    if action.state == ActionState.TO_APPROVE and not user_can(request.user, Capability.MANAGE_COLLECTIONS):
        raise PermissionDenied("an action awaiting approval is skipped by the person who approves it")
    try:
        wl.skip_action(action, request.user, reason)
    except wl.ActionRefused as error:
        return _refused(request, action, error)
    messages.success(request, _("%(step)s for %(customer)s skipped: the scenario goes on to the next step.") % {
        "step": action.step.name, "customer": action.customer.name})
    return redirect("worklist")


def _done(request, action: Action):
    try:
        wl.mark_done(action, request.user)
    except wl.ActionRefused as error:
        return _refused(request, action, error)
    messages.success(request, _("%(step)s for %(customer)s done.") % {
        "step": action.step.name, "customer": action.customer.name})
    return redirect("worklist")


def _send(request, action: Action):
    try:
        message = send_action(action, user=request.user)
    except (SendingFailed, TemplateInvalid) as error:
        messages.error(request, _("Not sent: %(why)s") % {"why": error})
        return redirect("action", pk=action.pk)
    if message.channel == Channel.LETTER:
        messages.success(request, format_html(
            _("Letter to {customer} produced: {link}"), customer=action.customer.name,
            link=format_html('<a href="{}">{}</a>', reverse("message_pdf", args=[message.pk]), _("print it")),
        ))
    else:
        messages.success(request, _("E-mail to %(customer)s sent to %(recipients)s.") % {
            "customer": action.customer.name, "recipients": ", ".join(message.recipients.split())})
    return redirect("worklist")


@requires(Capability.COLLECT)
def action_letter(request, pk: int):
    action = _action(request, pk)
    if action.channel != Channel.LETTER:
        raise Http404("this action is not a letter")
    try:
        rendered = render_action(action, as_of=timezone.localdate())
    except (TemplateMissing, TemplateInvalid) as error:
        return _plain(str(error), 409)
    return _pdf(letter_pdf(rendered), f"letter-{action.pk}.pdf")


@requires(Capability.COLLECT)
def letters_batch(request):
    """POST: produce every letter of the worklist to send, in priority order, and answer them as one PDF to
    print. GET (?date=, default today): the letters produced that day again, as they were stored."""
    if request.method == "GET":
        try:
            day = date.fromisoformat(request.GET["date"]) if request.GET.get("date") else timezone.localdate()
        except ValueError:
            return _plain(_("Not a date: give date=YYYY-MM-DD in the address."), 400)
        stored = _letters_of(request, day)
        if not stored:
            return _plain(_("No letter was produced on %(day)s.") % {"day": day.isoformat()}, 404)
        return _pdf(join_pdfs(stored), f"letters-{day.isoformat()}.pdf")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _produce_letters(request)


def _letters_of(request, day: date) -> list[bytes]:
    company = company_for(request)
    start = timezone.make_aware(datetime.combine(day, time.min))
    qs = Message.objects.filter(company=company, channel=Channel.LETTER, state=MessageState.SENT, pdf__isnull=False,
                                sent_at__gte=start, sent_at__lt=start + timedelta(days=1))
    ids = visible_customer_ids(request.user, company)
    if ids is not None:
        qs = qs.filter(customer_id__in=ids)
    return list(qs.order_by("sent_at", "id").values_list("pdf", flat=True))


def _produce_letters(request):
    company, today = company_for(request), timezone.localdate()
    rows = wl.build(company, request.user, today, request.POST.get("collector", wl.MINE)).letters
    produced = []
    for row in rows:
        try:
            produced.append(send_action(row.action, user=request.user).pdf)
        except (SendingFailed, TemplateInvalid) as error:
            messages.error(request, _("Stopped at the letter to %(customer)s: %(why)s") % {
                "customer": row.customer.name, "why": error})
            break
    if not produced:
        if not rows:
            messages.info(request, _("No letter to produce."))
        return redirect("worklist")
    return _pdf(join_pdfs(produced), f"letters-{today.isoformat()}.pdf")


# --------------------------------------------------------------------------- messages sent
def _message(request, pk: int) -> Message:
    company = company_for(request)
    qs = Message.objects.filter(company=company).select_related("customer", "action__step", "sent_by")
    ids = visible_customer_ids(request.user, company)
    if ids is not None:
        qs = qs.filter(customer_id__in=ids)
    return get_object_or_404(qs, pk=pk)


@requires(Capability.VIEW)
def message_detail(request, pk: int):
    message = _message(request, pk)
    return render(request, "collections/message.html", {
        "nav": "customers", "message": message, "customer": message.customer,
        "recipients": message.recipients.split(), "has_pdf": bool(message.pdf),
    })


@requires(Capability.VIEW)
def message_pdf(request, pk: int):
    message = _message(request, pk)
    if not message.pdf:
        raise Http404("this message has no PDF")
    return _pdf(message.pdf, f"message-{message.pk}.pdf")


# --------------------------------------------------------------------------- dunning runs
@requires(Capability.MANAGE_COLLECTIONS)
def runs(request):
    company, today = company_for(request), timezone.localdate()
    summary = None
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "run":
            # queued once this request's changes are committed, as the imports do
            transaction.on_commit(partial(daily_run.enqueue, company.pk, today.isoformat(), request.user.pk))
            messages.success(request, _("Today's dunning run is queued: it runs in the background and its actions "
                                        "appear in the worklist when it ends."))
            return redirect("dunning_runs")
        if op != "dry_run":
            return _plain(_("Unknown operation."), 400)
        summary = run_dunning(company, today, dry_run=True, user=request.user)
    recent = Run.objects.filter(company=company).select_related("started_by").order_by("-started_at", "-pk")
    return render(request, "collections/runs.html", {
        "nav": "worklist", "runs": recent[:RECENT_RUNS], "summary": summary, "today": today,
    })


# --------------------------------------------------------------------------- calls
class InvoiceChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.number


class CallForm(forms.Form):
    contact = forms.CharField(label=gettext_lazy("Person reached"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=CallOutcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_action_on = forms.DateField(label=gettext_lazy("Next action on"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text=gettext_lazy("The call comes back to the worklist on that day."))
    documents = InvoiceChoice(label=gettext_lazy("Invoices"), queryset=Document.objects.none(), required=False)
    amount = forms.DecimalField(label=gettext_lazy("Amount promised"), max_digits=16, decimal_places=2,
                                required=False)
    promised_on = forms.DateField(label=gettext_lazy("Promised payment date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=gettext_lazy("Dispute reason"), required=False,
                               choices=[("", "—"), *DisputeReason.choices])
    owner = forms.ChoiceField(label=gettext_lazy("Dispute owner"), required=False,
                              choices=[("", "—"), *DisputeOwner.choices])
    seller_at_fault = forms.NullBooleanField(label=gettext_lazy("Seller at fault"), required=False)

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = invoices

    def clean(self):
        data = super().clean()
        needed = {CallOutcome.PROMISE: ("documents", "amount", "promised_on"),
                  CallOutcome.DISPUTE: ("documents", "reason", "owner")}.get(data.get("outcome"), ())
        for name in needed:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Needed for this outcome."))
        return data

    def details(self) -> tuple[dict | None, dict | None]:
        """The promise and the dispute to record, as ``log_call`` takes them."""
        d = self.cleaned_data
        if d["outcome"] == CallOutcome.PROMISE:
            return {"documents": d["documents"], "amount": d["amount"], "promised_on": d["promised_on"]}, None
        if d["outcome"] == CallOutcome.DISPUTE:
            return None, {"documents": d["documents"], "reason": d["reason"], "owner": d["owner"],
                          "seller_at_fault": d["seller_at_fault"]}
        return None, None


@requires(Capability.COLLECT)
def call_new(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company), pk=pk)
    action = None
    if request.GET.get("action"):
        action = get_object_or_404(Action.objects.select_related("step"), pk=request.GET["action"],
                                   customer=customer, channel=Channel.PHONE)
    invoices = Document.objects.filter(customer=customer, kind=DocumentKind.INVOICE,
                                       closed_on__isnull=True).order_by("due_date", "id")
    contacts = list(customer.contacts.all())
    if request.method == "POST":
        form = CallForm(request.POST, invoices=invoices)
        if form.is_valid():
            d = form.cleaned_data
            promise, dispute = form.details()
            try:
                log_call(customer, outcome=d["outcome"], user=request.user, called_at=timezone.now(),
                         contact=d["contact"], phone=d["phone"], notes=d["notes"],
                         next_action_on=d["next_action_on"], action=action, promise=promise, dispute=dispute)
            except (CallRefused, PromiseRefused, DisputeRefused) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Call to %(customer)s logged.") % {"customer": customer.name})
                return redirect("worklist") if action else redirect("customer", pk=customer.pk)
    else:
        name, phone = contact_to_call(customer, contacts)
        ticked = [i.document_id for i in action.items.all()] if action else []
        form = CallForm(initial={"contact": name, "phone": phone, "documents": ticked}, invoices=invoices)
    today = timezone.localdate()
    ticked = {int(v) for v in (form["documents"].value() or []) if str(v).isdigit()}
    rows = invoice_rows(invoices, ticked, today)
    return render(request, "collections/call_form.html", {
        "nav": "worklist", "customer": customer, "action": action, "form": form, "invoices": rows,
        "contacts": contacts, "currency": company.currency,
        "recent": list(customer.calls.select_related("called_by").order_by("-called_at")[:RECENT_CALLS]),
    }, status=400 if form.errors else 200)
