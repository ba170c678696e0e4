"""Included by encours/web/urls.py: the collections pages under collections/, and the customer's own
collections pages under customers/<pk>/."""
from django.urls import path

from encours.collections import (
    views_disputes,
    views_promises,
    views_scenarios,
    views_statement,
    views_templates,
    views_worklist,
)

urlpatterns = [
    path("collections/", views_worklist.worklist, name="worklist"),
    path("collections/actions/<int:pk>/", views_worklist.action_detail, name="action"),
    path("collections/actions/<int:pk>/letter.pdf", views_worklist.action_letter, name="action_letter"),
    path("collections/letters.pdf", views_worklist.letters_batch, name="letters_batch"),
    path("collections/runs/", views_worklist.runs, name="dunning_runs"),
    path("collections/messages/<int:pk>/", views_worklist.message_detail, name="message"),
    path("collections/messages/<int:pk>/letter.pdf", views_worklist.message_pdf, name="message_pdf"),
    path("customers/<int:pk>/call/", views_worklist.call_new, name="call_new"),
    path("collections/promises/", views_promises.promises, name="promises"),
    path("collections/promises/<int:pk>/", views_promises.promise_detail, name="promise"),
    path("customers/<int:pk>/promise/", views_promises.promise_new, name="promise_new"),
    path("collections/disputes/", views_disputes.disputes, name="disputes"),
    path("collections/disputes/<int:pk>/", views_disputes.dispute_detail, name="dispute"),
    path("customers/<int:pk>/dispute/", views_disputes.dispute_new, name="dispute_new"),
    path("collections/templates/", views_templates.templates, name="message_templates"),
    path("collections/templates/<int:pk>/", views_templates.template_edit, name="message_template"),
    path("collections/scenarios/", views_scenarios.scenarios, name="scenarios"),
    path("collections/scenarios/<int:pk>/", views_scenarios.scenario_edit, name="scenario"),
    path("customers/<int:pk>/statement/", views_statement.statement, name="customer_statement"),
    path("customers/<int:pk>/statement.pdf", views_statement.statement_pdf, name="customer_statement_pdf"),
]
