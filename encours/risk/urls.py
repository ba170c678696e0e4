"""Included by encours/web/urls.py: the credit pages under credit/ and orders/, and the customer's own credit
pages under customers/<pk>/."""
from encours.risk import views_committee, views_limits, views_orders, views_queue, views_statements

urlpatterns = [
    *views_statements.urlpatterns,
    *views_limits.urlpatterns,
    *views_queue.urlpatterns,
    *views_orders.urlpatterns,
    *views_committee.urlpatterns,
]
