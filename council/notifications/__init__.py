"""Notifications: who subscribed to which events, on which channel, and every delivery.

`notify(event, obj, url=...)` is the one entry point the deliberation actions call (on
commit): it records a Delivery per matching subscription and queues it on the tasks
framework's "notifications" backend; `tasks.deliver` tries it through its channel and
retries with exponential backoff until it is sent or, after NOTIFICATION_MAX_ATTEMPTS,
marked failed. Nothing is dropped without a row saying so.
"""
