"""Background tasks of the credit risk app, run by `encours worker`."""
try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import task


@task()
def tell_credit_managers(order_id: int) -> dict:
    """E-mail the credit managers that an order is on hold (queued by ``place_order`` once it is committed)."""
    from encours.risk.notify import notify_on_hold

    return notify_on_hold(order_id)
