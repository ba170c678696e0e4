"""The collector's pages: the worklist in priority order, the action page (approve, skip), the messages sent,
and the dunning runs page; each refused to the roles that may not use it.

Pages read ``timezone.localdate()`` (D below). Every action is a first reminder by e-mail planned on D,
unless said otherwise. Priorities (encours/core/worklist.py):

AL "Alpha"   collector colette, good payer,  10,000.00 due D-60: 20 + 60/4 = 15 + 0           = 35.0
BR "Bravo"   collector colette, slow payer,   1,000.00 due D-60: 10 + 15 + 8, one promise broken
                                                                  on D-10: + 12                 = 45.0
CH "Charlie" no collector, profile unknown, 100,000.00 due D-4:  30 + 1 + 4                    = 35.0
EC "Echo"    collector otto, unknown,            500.00 due D-20: 10 x log10(5) = 6.99 + 5 + 4  = 16.0
Order: BR 45.0; CH 35.0 and AL 35.0, equal: the larger amount first, CH (100,000) then AL; then EC.
colette sees hers and the unassigned ones (BR, CH, AL); "all" adds otto's EC.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from encours.accounts.roles import Role
from encours.collections.models import (
    Action,
    ActionItem,
    ActionState,
    Call,
    Message,
    MessageState,
    Promise,
    PromiseState,
    Run,
    Step,
)
from encours.collections.run import run_dunning
from encours.collections.scenarios import ensure_default_scenarios
from encours.customers.models import Company, Contact, Customer
from encours.history.models import Event
from tests.apps.conftest import make_doc
from tests.apps.test_web_pages import NBSP, html, make_user, rows


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def iso(offset: int) -> str:
    return day(offset).isoformat()


def at(offset: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day(offset), time(hour)))


def step(company, name: str, scenario: str = "French B2B") -> Step:
    return Step.objects.get(scenario__company=company, scenario__name=scenario, name=name)


def make_action(customer, step_row, docs, state=ActionState.TO_DO, planned=0) -> Action:
    """An action as the run creates it: its invoices with their open amounts."""
    total = sum((d.amount - d.allocated for d in docs), Decimal("0"))
    action = Action.objects.create(company=customer.company, customer=customer, step=step_row,
                                   channel=step_row.channel, state=state, planned_on=day(planned), total=total)
    for d in docs:
        ActionItem.objects.create(action=action, document=d, step=step_row, position=step_row.position,
                                  open_amount=d.amount - d.allocated)
    return action


@pytest.fixture
def people(db):
    return {
        "ada": make_user("ada", Role.ADMIN),
        "carl": make_user("carl", Role.CREDIT_MANAGER),
        "colette": make_user("colette", Role.COLLECTOR),
        "otto": make_user("otto", Role.COLLECTOR),
        "sam": make_user("sam", Role.SALES),
    }


@pytest.fixture
def as_user(people, client):
    def login(name):
        client.force_login(people[name])
        return client

    return login


@pytest.fixture
def world(company, people):
    ensure_default_scenarios(company)
    first = step(company, "First reminder")
    colette, otto = people["colette"], people["otto"]
    al = Customer.objects.create(company=company, code="AL", name="Alpha", collector=colette, payer_profile="good")
    br = Customer.objects.create(company=company, code="BR", name="Bravo", collector=colette, payer_profile="slow")
    ch = Customer.objects.create(company=company, code="CH", name="Charlie")
    ec = Customer.objects.create(company=company, code="EC", name="Echo", collector=otto)
    docs = {
        "IA": make_doc(al, "invoice", "10000.00", iso(-90), iso(-60), number="IA"),
        "IB": make_doc(br, "invoice", "1000.00", iso(-90), iso(-60), number="IB"),
        "IC": make_doc(ch, "invoice", "100000.00", iso(-34), iso(-4), number="IC"),
        "IE": make_doc(ec, "invoice", "500.00", iso(-50), iso(-20), number="IE"),
    }
    broken = Promise.objects.create(company=company, customer=br, amount=Decimal("1000.00"), made_on=day(-30),
                                    promised_on=day(-15), channel="phone", state=PromiseState.BROKEN,
                                    settled_on=day(-10))
    broken.documents.set([docs["IB"]])
    actions = {code: make_action(c, first, [docs[f"I{code[0]}"]])
               for code, c in (("AL", al), ("BR", br), ("CH", ch), ("EC", ec))}
    return {"al": al, "br": br, "ch": ch, "ec": ec, "first": first, "actions": actions, **docs, **people}


def customers_in(response, section: str) -> list[str]:
    return [r[1].split(" ")[0] for r in rows(response, f"table-{section}")]


# --------------------------------------------------------------------------- the worklist
def test_the_worklist_lists_the_emails_to_send_by_priority(world, as_user):
    response = as_user("colette").get("/collections/")
    assert [r[0] for r in rows(response, "table-send")] == ["45,0", "35,0", "35,0"]
    assert customers_in(response, "send") == ["Bravo", "Charlie", "Alpha"]
    bravo = rows(response, "table-send")[0]
    # invoices, total, days late, broken promises
    assert bravo[3:7] == ["1", "1\u202f000,00" + NBSP + "€", "60", "1"]


def test_a_collector_sees_their_customers_and_the_unassigned_ones_by_default(world, as_user):
    response = as_user("colette").get("/collections/")
    assert "Echo" not in customers_in(response, "send")
    assert customers_in(as_user("otto").get("/collections/"), "send") == ["Charlie", "Echo"]


def test_the_collector_filter_shows_everyone_or_one_collector(world, as_user):
    client = as_user("colette")
    assert customers_in(client.get("/collections/", {"collector": "all"}), "send") == [
        "Bravo", "Charlie", "Alpha", "Echo"]
    assert customers_in(client.get("/collections/", {"collector": world["otto"].pk}), "send") == ["Echo"]
    assert customers_in(client.get("/collections/", {"collector": "none"}), "send") == ["Charlie"]


def test_actions_planned_after_today_and_actions_done_are_not_listed(world, as_user):
    Action.objects.filter(pk=world["actions"]["BR"].pk).update(planned_on=day(1))
    Action.objects.filter(pk=world["actions"]["CH"].pk).update(state=ActionState.DONE)
    assert customers_in(as_user("colette").get("/collections/"), "send") == ["Alpha"]


def test_an_action_awaiting_approval_is_in_its_own_section_with_five_more_points(world, as_user):
    notice = step(world["al"].company, "Formal notice")
    make_action(world["al"], notice, [world["IA"]], state=ActionState.TO_APPROVE)
    response = as_user("colette").get("/collections/")
    # 35.0 + 5 for the approval awaited
    assert [(r[0], r[1].split(" ")[0]) for r in rows(response, "table-approve")] == [("40,0", "Alpha")]


def test_calls_to_make_and_follow_ups_are_listed_together(world, as_user):
    company, colette = world["al"].company, world["colette"]
    phone = step(company, "Phone call")
    phone_action = make_action(world["al"], phone, [world["IA"]], planned=-1)  # 35.0
    # Bravo asked to be called back yesterday: a follow-up (45.0: 1,000.00 60 days late, slow, broken promise)
    Call.objects.create(company=company, customer=world["br"], called_at=at(-5), outcome="call_back",
                        next_action_on=day(-1), called_by=colette)
    # Charlie asked for tomorrow: not yet
    Call.objects.create(company=company, customer=world["ch"], called_at=at(-2), outcome="call_back",
                        next_action_on=day(1))
    response = as_user("colette").get("/collections/")
    assert [(r[0], r[1].split(" ")[0]) for r in rows(response, "table-call")] == [("45,0", "Bravo"), ("35,0", "Alpha")]
    # the follow-up has no step to open; the phone step links to its action; both to the call form
    table = html(response).find("table", id="table-call").find("tbody")
    steps = [tr.find_all("td")[2].find_all("a") for tr in table.find_all("tr")]
    assert [[a.attrs["href"] for a in links] for links in steps] == [[], [f"/collections/actions/{phone_action.pk}/"]]
    calls = [tr.find_all("td")[-1].find("a").attrs["href"] for tr in table.find_all("tr")]
    assert calls == [f"/customers/{world['br'].pk}/call/",
                     f"/customers/{world['al'].pk}/call/?action={phone_action.pk}"]


def test_a_follow_up_is_gone_once_the_customer_is_called_again(world, as_user):
    company = world["al"].company
    Call.objects.create(company=company, customer=world["br"], called_at=at(-5), outcome="call_back",
                        next_action_on=day(-1))
    Call.objects.create(company=company, customer=world["br"], called_at=at(0, 9), outcome="no_answer")
    assert rows(as_user("colette").get("/collections/"), "table-call") == []


def test_a_customer_with_a_call_to_make_is_not_listed_twice_for_a_follow_up(world, as_user):
    company = world["al"].company
    make_action(world["al"], step(company, "Phone call"), [world["IA"]])
    Call.objects.create(company=company, customer=world["al"], called_at=at(-5), outcome="call_back",
                        next_action_on=day(0))
    assert customers_in(as_user("colette").get("/collections/"), "call") == ["Alpha"]


def test_the_worklist_takes_the_same_number_of_queries_for_more_actions(world, as_user):
    client = as_user("colette")
    company, first = world["al"].company, world["first"]
    Call.objects.create(company=company, customer=world["ch"], called_at=at(-3), outcome="call_back",
                        next_action_on=day(0))
    client.get("/collections/")  # session and caches warmed up

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/collections/").status_code == 200
        return len(queries)

    before = count()
    for n in range(8):
        c = Customer.objects.create(company=company, code=f"X{n}", name=f"Extra {n}")
        Call.objects.create(company=company, customer=c, called_at=at(-3), outcome="call_back", next_action_on=day(0))
        make_action(c, first, [make_doc(c, "invoice", "250.00", iso(-40), iso(-10), number=f"X{n}")])
    assert count() == before


def test_a_sales_person_may_not_open_the_worklist(world, as_user):
    assert as_user("sam").get("/collections/").status_code == 403


# --------------------------------------------------------------------------- an action
def test_the_action_page_lists_its_invoices_with_what_they_owed_then_and_now(world, as_user):
    from encours.ledger.services import allocate

    payment = make_doc(world["al"], "payment", "2500.00", iso(-1), number="PA")
    allocate(world["IA"], payment, Decimal("2500.00"), day(-1))
    response = as_user("colette").get(f"/collections/actions/{world['actions']['AL'].pk}/")
    euro = NBSP + "€"
    # 10,000.00 when planned; 10,000.00 - 2,500.00 = 7,500.00 now; due D-60: 60 days late
    assert rows(response, "items") == [["IA", day(-60).strftime("%d/%m/%Y"), "60", "10\u202f000,00" + euro,
                                        "7\u202f500,00" + euro]]


def test_another_companys_action_is_not_found(world, as_user):
    other = Company.objects.create(name="Autre SA")
    ensure_default_scenarios(other)
    stranger = Customer.objects.create(company=other, code="Z", name="Zed")
    action = make_action(stranger, step(other, "First reminder"),
                         [make_doc(stranger, "invoice", "10.00", iso(-30), iso(-5), number="Z1")])
    assert as_user("carl").get(f"/collections/actions/{action.pk}/").status_code == 404


def test_a_collector_may_not_approve_an_action(world, as_user):
    action = make_action(world["al"], step(world["al"].company, "Formal notice"), [world["IA"]],
                         state=ActionState.TO_APPROVE)
    response = as_user("colette").post(f"/collections/actions/{action.pk}/", {"op": "approve"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.state == ActionState.TO_APPROVE


def test_a_credit_manager_approves_an_action_and_the_history_says_so(world, as_user):
    action = make_action(world["al"], step(world["al"].company, "Formal notice"), [world["IA"]],
                         state=ActionState.TO_APPROVE)
    response = as_user("carl").post(f"/collections/actions/{action.pk}/", {"op": "approve"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == ActionState.TO_DO
    event = Event.objects.get(kind="action.approved")
    assert (event.customer, event.actor, event.summary) == (world["al"], world["carl"], "Formal notice approved")
    # approving twice: refused with a message, nothing changes
    response = as_user("carl").post(f"/collections/actions/{action.pk}/", {"op": "approve"}, follow=True)
    assert "no longer waiting for approval" in response.content.decode()
    assert Event.objects.filter(kind="action.approved").count() == 1


def test_skipping_a_step_keeps_its_invoices_so_the_scenario_goes_on(company, people, as_user):
    ensure_default_scenarios(company)
    customer = Customer.objects.create(company=company, code="SK", name="Skip", collector=people["colette"])
    doc = make_doc(customer, "invoice", "800.00", iso(-63), iso(-33), number="SK1")
    action = make_action(customer, step(company, "First reminder"), [doc])
    response = as_user("colette").post(f"/collections/actions/{action.pk}/", {"op": "skip", "reason": "paid by cheque"})
    assert response.status_code == 302 and response.url == "/collections/"
    action.refresh_from_db()
    assert action.state == ActionState.CANCELLED
    assert list(action.items.values_list("cancelled", flat=True)) == [False]
    assert Event.objects.get(kind="action.skipped").reason == "paid by cheque"
    # first reminder (D+3) passed on D: the second (D+10) is due 10 - 3 = 7 days later, on D+7, not the first again
    assert run_dunning(company, day(0)).actions_created == 0
    assert run_dunning(company, day(7)).actions_created == 1
    assert Action.objects.get(customer=customer, state=ActionState.TO_DO).step.name == "Second reminder"


def test_a_step_is_not_skipped_without_a_reason(world, as_user):
    action = world["actions"]["AL"]
    response = as_user("colette").post(f"/collections/actions/{action.pk}/", {"op": "skip", "reason": ""})
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.state == ActionState.TO_DO


def test_a_collector_may_not_skip_an_action_awaiting_approval(world, as_user):
    action = make_action(world["al"], step(world["al"].company, "Formal notice"), [world["IA"]],
                         state=ActionState.TO_APPROVE)
    response = as_user("colette").post(f"/collections/actions/{action.pk}/", {"op": "skip", "reason": "no"})
    assert response.status_code == 403


def test_a_phone_action_links_to_the_call_form(world, as_user):
    action = make_action(world["al"], step(world["al"].company, "Phone call"), [world["IA"]])
    page = html(as_user("colette").get(f"/collections/actions/{action.pk}/"))
    assert page.find("a", id="log-call").attrs["href"] == f"/customers/{world['al'].pk}/call/?action={action.pk}"


# --------------------------------------------------------------------------- messages and letters
def make_message(customer, pdf=None, **extra) -> Message:
    return Message.objects.create(
        company=customer.company, customer=customer, channel="letter", language="fr", subject="Relance",
        body_text="Madame, Monsieur,", body_html="<p>Madame, <script>alert(1)</script></p>", pdf=pdf,
        total=Decimal("10.00"), state=MessageState.SENT, sent_at=at(0), **extra)


def test_the_message_page_shows_the_message_as_sent_in_a_sandbox(world, as_user):
    message = make_message(world["al"], pdf=b"%PDF-1.4 stored")
    response = as_user("sam").get(f"/collections/messages/{message.pk}/")
    assert response.status_code == 404  # Alpha is not one of sam's customers
    page = html(as_user("carl").get(f"/collections/messages/{message.pk}/"))
    frame = page.find("iframe")
    assert frame.attrs["sandbox"] == "" and frame.attrs["srcdoc"] == message.body_html
    assert page.find("div", id="body-text").text() == "Madame, Monsieur,"


def test_the_stored_pdf_is_served_as_it_was_kept(world, as_user):
    message = make_message(world["al"], pdf=b"%PDF-1.4 stored")
    response = as_user("carl").get(f"/collections/messages/{message.pk}/letter.pdf")
    assert (response.status_code, response["Content-Type"], response.content) == (
        200, "application/pdf", b"%PDF-1.4 stored")
    without = make_message(world["al"])
    assert as_user("carl").get(f"/collections/messages/{without.pk}/letter.pdf").status_code == 404


def test_another_companys_message_is_not_found(world, as_user):
    other = Company.objects.create(name="Autre SA")
    stranger = Customer.objects.create(company=other, code="Z", name="Zed")
    message = make_message(stranger, pdf=b"%PDF")
    assert as_user("carl").get(f"/collections/messages/{message.pk}/").status_code == 404
    assert as_user("carl").get(f"/collections/messages/{message.pk}/letter.pdf").status_code == 404


def test_the_letters_of_a_day_are_printed_again_as_they_were_stored(world, as_user):
    letters = letter_world(world)
    client = as_user("colette")
    assert client.get("/collections/letters.pdf").status_code == 404  # none produced today yet
    assert client.get("/collections/letters.pdf?date=2026-13-01").status_code == 400
    client.post("/collections/letters.pdf")
    Message.objects.filter(customer__code="CH").update(body_text="changed")  # reprints never re-render
    response = client.get(f"/collections/letters.pdf?date={timezone.localdate().isoformat()}")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    pages = pdf_pages(response.content)
    stored = [PdfReader(BytesIO(bytes(m.pdf))) for m in Message.objects.order_by("sent_at", "id")]
    assert len(pages) == sum(len(r.pages) for r in stored) and len(stored) == len(letters)
    text = "\n".join(pages)
    assert text.index("Bravo") < text.index("Charlie") < text.index("Alpha")


# --------------------------------------------------------------------------- dunning runs
def test_a_collector_may_not_open_the_runs_page(world, as_user):
    assert as_user("colette").get("/collections/runs/").status_code == 403


def test_the_runs_page_lists_the_last_runs(world, as_user):
    company = world["al"].company
    Run.objects.create(company=company, date=day(-1), started_at=at(-1, 6), actions_created=12, items=20,
                       customers=11, paused=3, started_by=world["carl"])
    Run.objects.create(company=company, date=day(0), started_at=at(0, 6), actions_created=2, items=2, customers=2)
    table = rows(as_user("carl").get("/collections/runs/"), "runs")
    assert [r[0] for r in table] == [day(0).strftime("%d/%m/%Y"), day(-1).strftime("%d/%m/%Y")]
    assert [r[2:] for r in table] == [["—", "2", "2", "2", "0"], ["carl", "12", "11", "20", "3"]]


def test_the_run_button_queues_todays_run_once_committed(world, as_user, django_capture_on_commit_callbacks):
    client = as_user("carl")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/collections/runs/", {"op": "run"})
    assert response.status_code == 302 and len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "encours.collections.tasks.daily_run"
    assert task.args_kwargs["args"] == [world["al"].company.pk, iso(0), world["carl"].pk]  # who started it


def test_the_dry_run_says_what_the_run_would_do_and_saves_nothing(company, people, as_user):
    customer = Customer.objects.create(company=company, code="DR", name="Dry")
    make_doc(customer, "invoice", "300.00", iso(-35), iso(-5), number="DR1")  # 5 days late: the first reminder
    make_doc(customer, "invoice", "200.00", iso(-34), iso(-4), number="DR2")  # 4 days: also due for it
    page = html(as_user("carl").post("/collections/runs/", {"op": "dry_run"}))
    assert [page.find("dd", id=i).text() for i in ("would-actions", "would-customers", "would-items")] == [
        "1", "1", "2"]
    assert (Action.objects.count(), Run.objects.count()) == (0, 0)


# --------------------------------------------------------------------------- sending from the pages
def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


@pytest.fixture
def mailable(world):
    """Alpha and Bravo can receive e-mails; Charlie has no address."""
    Contact.objects.create(customer=world["al"], name="Compta Alpha", email="compta@alpha.fr")
    Contact.objects.create(customer=world["br"], name="Compta Bravo", email="compta@bravo.fr")
    return world


def test_the_action_page_previews_the_email(mailable, as_user):
    page = html(as_user("colette").get(f"/collections/actions/{mailable['actions']['AL'].pk}/"))
    assert page.find("dd", id="preview-recipients").text() == "compta@alpha.fr"
    assert "IA" in page.find("iframe").attrs["srcdoc"]
    assert page.find("button", id="send")


def test_sending_an_email_from_its_page_returns_to_the_worklist(mailable, as_user):
    action = mailable["actions"]["AL"]
    response = as_user("colette").post(f"/collections/actions/{action.pk}/", {"op": "send"})
    assert response.status_code == 302 and response.url == "/collections/"
    [email] = mail.outbox
    assert email.to == ["compta@alpha.fr"] and "IA" in email.body
    message = Message.objects.get(action=action)
    assert (message.state, message.sent_by, message.total) == (MessageState.SENT, mailable["colette"],
                                                              Decimal("10000.00"))
    action.refresh_from_db()
    assert action.state == ActionState.DONE
    assert "Alpha" not in customers_in(as_user("colette").get("/collections/"), "send")


def test_an_email_that_cannot_be_sent_stays_to_do_and_says_why(mailable, as_user):
    action = mailable["actions"]["CH"]  # Charlie has no e-mail address
    response = as_user("colette").post(f"/collections/actions/{action.pk}/", {"op": "send"}, follow=True)
    assert response.redirect_chain == [(f"/collections/actions/{action.pk}/", 302)]
    assert "Charlie n’a pas d’adresse e-mail" in html(response).find("ul", class_="messages").text()
    action.refresh_from_db()
    assert action.state == ActionState.TO_DO and not mail.outbox


def letter_world(world):
    """Last reminders by letter for Bravo (45.0), Charlie (35.0) and Alpha (35.0), in that order."""
    company = world["al"].company
    last = step(company, "Last reminder")
    return {code: make_action(world[code.lower()], last, [world[f"I{code[0]}"]], planned=-1)
            for code in ("AL", "BR", "CH")}


def test_a_letters_pdf_preview_is_the_letter_as_it_would_be_printed(world, as_user):
    letters = letter_world(world)
    response = as_user("colette").get(f"/collections/actions/{letters['AL'].pk}/letter.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert "IA" in "\n".join(pdf_pages(response.content))
    assert Message.objects.count() == 0  # a preview sends nothing
    email = world["actions"]["AL"]
    assert as_user("colette").get(f"/collections/actions/{email.pk}/letter.pdf").status_code == 404


def test_producing_the_letters_gives_one_pdf_in_priority_order_and_keeps_each_letter(world, as_user):
    letters = letter_world(world)
    response = as_user("colette").post("/collections/letters.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = "\n".join(pdf_pages(response.content))
    assert text.index("Bravo") < text.index("Charlie") < text.index("Alpha")
    stored = Message.objects.filter(channel="letter").order_by("pk")
    assert [m.customer.code for m in stored] == ["BR", "CH", "AL"]
    assert all(m.pdf and bytes(m.pdf).startswith(b"%PDF") for m in stored)
    assert set(Action.objects.filter(pk__in=[a.pk for a in letters.values()]).values_list("state", flat=True)) == {
        ActionState.DONE}


def test_producing_the_letters_stops_at_the_first_that_fails(world, as_user):
    letters = letter_world(world)
    # Charlie's letter (second) has a template nobody wrote
    broken = Step.objects.create(scenario=world["first"].scenario, position=99, name="Odd letter", offset_days=90,
                                 channel="letter", template="no-such-template")
    Action.objects.filter(pk=letters["CH"].pk).update(step=broken)
    client = as_user("colette")
    response = client.post("/collections/letters.pdf")
    assert response.status_code == 200
    assert len([p for p in pdf_pages(response.content) if "Bravo" in p]) >= 1
    assert "Alpha" not in "\n".join(pdf_pages(response.content))
    assert list(Message.objects.values_list("customer__code", flat=True)) == ["BR"]
    assert Action.objects.get(pk=letters["AL"].pk).state == ActionState.TO_DO  # not reached
    notice = html(client.get("/collections/")).find("ul", class_="messages").text()
    assert "Charlie" in notice and "no-such-template" in notice


def test_sending_a_letter_from_its_page_links_its_pdf(world, as_user):
    action = letter_world(world)["AL"]
    response = as_user("colette").post(f"/collections/actions/{action.pk}/", {"op": "send"}, follow=True)
    message = Message.objects.get(action=action)
    link = html(response).find("ul", class_="messages").find("a")
    assert link.attrs["href"] == f"/collections/messages/{message.pk}/letter.pdf"


def test_the_action_page_shows_the_total_claimed_with_interest_and_indemnity(world, as_user):
    from encours.collections.rendering import format_money, render_action

    action = letter_world(world)["AL"]  # the last reminder claims interest and the indemnity
    rendered = render_action(action, as_of=timezone.localdate())
    invoice = world["IA"]
    assert rendered.total_indemnity == Decimal("40.00") and rendered.total == invoice.open_amount
    page = html(as_user("colette").get(f"/collections/actions/{action.pk}/"))
    expected = invoice.open_amount + rendered.total_interest + Decimal("40.00")
    assert page.find(id="total-now").text().strip() == format_money(expected, "EUR", "fr")
