"""The audit trail in the admin panel: listed and opened, never added, changed or deleted."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "model", "object_repr", "source", "ip")
    list_filter = ("action", "model", "source")
    search_fields = ("object_repr", "object_id", "actor_name", "request_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    fields = (
        "at", "actor", "actor_name", "action", "model", "object_id", "object_repr", "changes_table",
        "source", "ip", "request_id", "path",
    )  # fmt: skip
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="changes")
    def changes_table(self, obj: AuditEvent):
        rows = "".join(
            format_html("<tr><th>{}</th><td>{}</td><td>{}</td></tr>", name, _show(old), _show(new))
            for name, (old, new) in sorted(obj.changes.items())
        )
        return (
            format_html("<table><tr><th>field</th><th>before</th><th>after</th></tr>{}</table>", rows)
            if rows
            else "—"
        )


def _show(value) -> str:
    return "—" if value is None else value if isinstance(value, str) else json.dumps(value)
