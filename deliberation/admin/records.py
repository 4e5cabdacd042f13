"""Read-only views of the deliberation record in Django's admin.

Writes go through deliberation.actions; here nothing can be added, changed or deleted, so
the admin cannot become a side door around the rules, the audit trail or a decision.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from deliberation.models import AuditEntry, Ballot, Decision, Meeting


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "council", "start", "mode", "state"]
    list_filter = ["council", "state", "mode"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["question", "agenda_item", "secrecy", "rule", "state", "closed_at"]
    list_filter = ["state", "secrecy", "rule"]
    list_select_related = ["agenda_item__meeting"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["question", "meeting", "outcome", "rule", "closed_at"]
    list_filter = ["outcome", "rule", "meeting__council"]
    list_select_related = ["meeting"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "meeting", "ballot"]
    list_filter = ["action"]
    list_select_related = ["actor", "meeting", "ballot"]
