"""The append-only history: who did what, when, to which customer, with the values before and after and why.

Rows are never updated nor deleted (database triggers refuse it): this is the evidence trail.
"""
from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    IMPORT = "import", "Import"
    CUSTOMER_CHANGED = "customer_changed", "Customer changed"
    USER_CHANGED = "user_changed", "User changed"
    # collections
    ACTION_APPROVED = "action.approved", "Dunning action approved"
    ACTION_SKIPPED = "action.skipped", "Dunning action skipped"
    ACTION_DONE = "action.done", "Dunning action done by hand"
    MESSAGE_SENT = "message.sent", "Reminder sent"
    MESSAGE_FAILED = "message.failed", "Reminder refused by the mail server"
    CALL_LOGGED = "call.logged", "Call logged"
    PROMISE_MADE = "promise.made", "Promise to pay made"
    PROMISE_KEPT = "promise.kept", "Promise to pay kept"
    PROMISE_BROKEN = "promise.broken", "Promise to pay broken"
    PROMISE_CANCELLED = "promise.cancelled", "Promise to pay cancelled"
    DISPUTE_OPENED = "dispute.opened", "Dispute opened"
    DISPUTE_RESOLVED = "dispute.resolved", "Dispute resolved"
    TEMPLATE_CHANGED = "template.changed", "Message template changed"
    SCENARIO_CHANGED = "scenario.changed", "Dunning scenario changed"
    # credit risk
    ORDER_ON_HOLD = "order.on_hold", "Order on hold (credit check)"
    ORDER_ACCEPTED = "order.accepted", "Order accepted under an unblock"
    ORDER_RELEASED = "order.released", "Order on hold released"
    ORDER_REJECTED = "order.rejected", "Order on hold rejected"
    ORDER_INVOICED = "order.invoiced", "Order invoiced"
    ORDER_CANCELLED = "order.cancelled", "Order cancelled"
    UNBLOCK_REQUESTED = "credit.unblock_requested", "Unblock requested"
    UNBLOCKED = "credit.unblocked", "Unblocked until a date"
    UNBLOCK_REFUSED = "credit.unblock_refused", "Unblock request refused"
    ORDER_NOTIFIED = "order.notified", "Credit managers told of an order on hold"
    LIMIT_DECIDED = "credit.limit_decided", "Credit limit decided"
    STATEMENTS_RECORDED = "credit.statements", "Financial statements recorded"
    CASE_OPENED = "committee.opened", "Credit committee case opened"
    CASE_DECIDED = "committee.decided", "Credit committee case decided"


class Event(models.Model):
    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="events")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    summary = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}: {self.summary}"
