"""When an order goes on hold the credit managers are e-mailed: a task queued once the order is committed, run
by the real database worker (the tests' task backend is the production one, django_tasks_db), sent to a real
SMTP server (aiosmtpd) started by the test; the history says who was told. A refused e-mail never undoes the
order.

The tests run inside a transaction (the append-only history cannot be flushed on SQLite): the commit is
played by ``captureOnCommitCallbacks(execute=True)``, and the worker runs in the test's thread
and transaction.

C1 "Client Un": limit 1,000.00; invoice 900.00 not due -> exposure 900.00.
  an order of 250.00: 900 + 250 = 1,150.00 > 1,000.00 by 150.00 -> on hold
  an order of  50.00: 900 +  50 =   950.00 <= 1,000.00        -> accepted, nobody is told
The mails are written in English here (LANGUAGE_CODE "en") so that the test reads the words it wrote.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import TestCase
from django.utils import translation
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from encours.accounts.roles import Role
from encours.history.models import Event
from encours.risk.models import Order, OrderState
from encours.risk.notify import reason_text, reason_texts, recipients
from encours.risk.orders import place_order, reject_order
from tests.apps.conftest import make_doc
from tests.apps.test_sending import smtp  # noqa: F401 (a fixture)
from tests.apps.test_web_pages import day, make_user

pytestmark = pytest.mark.db
TASK = "encours.risk.tasks.tell_credit_managers"
committed = TestCase.captureOnCommitCallbacks  # runs the on-commit callbacks, as a commit would


@pytest.fixture
def run_worker(monkeypatch):
    """What `encours worker --batch` runs: the queued tasks, then it stops (no signal handlers installed).

    The worker closes "old" connections between tasks; inside the test's transaction it must not, as Django's
    test client does not for requests."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return _run


def _run() -> None:
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run()


@pytest.fixture
def staff(db):
    return {
        "carl": make_user("carl", Role.CREDIT_MANAGER, email="carl@creancier.fr"),
        "cathy": make_user("cathy", Role.CREDIT_MANAGER),  # no address: cannot be told
        "cid": make_user("cid", Role.CREDIT_MANAGER, email="cid@creancier.fr", is_active=False),  # left
        "ada": make_user("ada", Role.ADMIN, email="ada@creancier.fr"),
        "sam": make_user("sam", Role.SALES, email="sam@creancier.fr", first_name="Sam", last_name="Vendeur"),
    }


@pytest.fixture
def limited(customer):
    customer.credit_limit = Decimal("1000.00")
    customer.save()
    make_doc(customer, "invoice", "900.00", day(-5), day(25))
    return customer


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at"))


# --------------------------------------------------------------------------- the whole way, committed
def place(customer, reference, amount, user=None):
    """``place_order`` as a request runs it, its transaction committed."""
    with committed(execute=True):
        return place_order(customer, reference, Decimal(amount), user=user)


def test_an_order_on_hold_is_e_mailed_to_the_credit_managers_once_committed(
        staff, limited, smtp, english, settings, run_worker):  # noqa: F811
    settings.ENCOURS_BASE_URL = "https://encours.example.fr/"
    order = place(limited, "PO-1", "250.00", user=staff["sam"])
    assert order.state == OrderState.ON_HOLD
    [task] = queued()
    assert (task.status, task.args_kwargs) == (TaskResultStatus.READY, {"args": [order.pk], "kwargs": {}})
    assert smtp.envelopes == []  # nothing is sent by the request itself

    run_worker()

    [envelope] = smtp.envelopes  # carl only: cathy has no address, cid has left, the admin is not needed
    assert envelope.rcpt_tos == ["carl@creancier.fr"]
    [mail] = smtp.messages()
    assert mail["Subject"] == "Order on hold: Client Un, €250.00"
    assert mail.get_content().splitlines() == [
        "An order is waiting for a credit manager: release it or reject it.",
        "",
        "Customer: Client Un (C1)",
        "Order: PO-1",
        "Amount: €250.00",
        "Exposure before the order: €900.00; limit: €1,000.00",
        "Checked by: Sam Vendeur",
        "",
        "Why it is on hold:",
        "- The exposure with this order, €1,150.00, exceeds the limit of €1,000.00 by €150.00.",
        "",
        "The credit queue: https://encours.example.fr/credit/",
    ]
    event = Event.objects.get(kind="order.notified")
    assert (event.customer, event.after) == (limited, {"order": order.pk, "told": ["carl@creancier.fr"],
                                                       "refused": []})
    assert event.summary == "Order PO-1 on hold: told carl@creancier.fr"
    [task] = queued()
    assert task.status == TaskResultStatus.SUCCESSFUL


def test_a_refused_e_mail_fails_the_task_but_the_order_stays_on_hold(
        staff, limited, smtp, english, run_worker):  # noqa: F811
    smtp.refuse = {"carl@creancier.fr"}
    order = place(limited, "PO-1", "250.00", user=staff["sam"])
    run_worker()
    assert smtp.envelopes == []
    [task] = queued()
    assert task.status == TaskResultStatus.FAILED and "550" in task.traceback
    assert Order.objects.get(pk=order.pk).state == OrderState.ON_HOLD
    event = Event.objects.get(kind="order.notified")
    assert event.after["told"] == [] and event.after["refused"][0]["to"] == "carl@creancier.fr"
    assert "550" in event.after["refused"][0]["error"]
    assert event.summary == "Order PO-1 on hold: nobody told, the mail server refused every address"


def test_nothing_is_queued_for_an_accepted_order_or_a_rolled_back_one(staff, limited):
    assert place(limited, "PO-OK", "50.00").state == OrderState.ACCEPTED
    with committed(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            place_order(limited, "PO-GONE", Decimal("250.00"))
            raise RuntimeError("the caller's transaction fails after the order")
    assert callbacks == [] and queued() == [] and not Order.objects.filter(reference="PO-GONE").exists()


def test_an_order_decided_before_the_worker_runs_is_not_announced(staff, limited, smtp, run_worker):  # noqa: F811
    order = place(limited, "PO-1", "250.00")
    reject_order(order, user=staff["carl"], note="vu au téléphone")
    run_worker()
    assert smtp.envelopes == [] and not Event.objects.filter(kind="order.notified").exists()
    assert queued()[0].status == TaskResultStatus.SUCCESSFUL


# --------------------------------------------------------------------------- who is told
def test_the_administrators_are_told_when_no_credit_manager_has_an_address(staff):
    assert [u.username for u in recipients()] == ["carl"]
    staff["carl"].email = ""
    staff["carl"].save()
    assert [u.username for u in recipients()] == ["ada"]
    staff["ada"].email = ""
    staff["ada"].save()
    assert recipients() == []


def test_the_task_is_queued_on_commit_only(staff, limited):
    with committed() as callbacks:
        place_order(limited, "PO-1", Decimal("250.00"))
    assert len(callbacks) == 1 and queued() == []  # not before the commit
    callbacks[0]()  # the commit
    assert len(queued()) == 1


# --------------------------------------------------------------------------- reasons in words
@pytest.mark.parametrize(("code", "figures", "text"), [
    ("overdue", {"overdue": "1500.00", "tolerance_days": 30, "tolerance_amount": "1000.00"},
     "€1,500.00 is overdue by more than 30 days, beyond the tolerance of €1,000.00."),
    ("overdue", {"overdue": "1500.00", "tolerance_days": 1, "tolerance_amount": "0.00"},
     "€1,500.00 is overdue by more than 1 day, beyond the tolerance of €0.00."),
    ("insured_limit_exceeded", {"exposure_after": "8500.00", "limit": "8000.00", "excess": "500.00"},
     "The exposure with this order, €8,500.00, exceeds the credit insurer's limit of €8,000.00 by €500.00: that "
     "part would not be insured."),
    ("limit_exceeded", None, "The exposure with this order exceeds the credit limit."),  # figures missing
    ("blocked_by_hand", None, "The customer's account is blocked."),
    ("litigation", None, "The customer is in litigation: no unblock lets an order through."),
    ("something_new", None, "a reason added later"),  # a code added later: its English message
])
def test_each_reason_is_said_in_words_with_its_figures(code, figures, text):
    with translation.override("en"):
        assert reason_text(code, "a reason added later", "EUR", figures) == text


def test_the_figures_of_the_check_reach_the_words(staff, limited):
    """Through the answer of a real check: the figures the core gives are those the sentence shows."""
    from encours.risk.orders import answer_dict, check

    answer = answer_dict(check(limited, Decimal("250.00")))
    with translation.override("en"):
        # 900.00 open + 250.00 = 1,150.00, over the 1,000.00 limit by 150.00
        assert reason_texts(answer["reasons"], "EUR") == [
            "The exposure with this order, €1,150.00, exceeds the limit of €1,000.00 by €150.00."]
