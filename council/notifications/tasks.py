"""The one task: try a delivery. Runs in `manage.py db_worker --backend notifications`."""

from __future__ import annotations

from django_tasks import task


@task(backend="notifications", queue_name="notifications")
def deliver(delivery_id: int) -> str:
    from council.notifications.service import attempt

    return attempt(delivery_id)
