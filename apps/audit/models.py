"""The audit trail: one row per change of an audited record, never edited or deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are never changed")

    def delete(self):
        raise PermissionError("audit events are never deleted")

    def for_object(self, obj):
        return self.filter(model=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """A recorded change to a contract, number, assignment, tariff, source, finding or invoice:
    who made it, when, from where (request or bulk job) and which fields changed from what to what.
    Secret values are masked."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("who"),
        help_text=_("Blank = the system (a scheduled task or command)."),
    )
    actor_name = models.CharField(_("who (as then)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    model = models.CharField(
        _("record type"), max_length=100, help_text="app_label.model, e.g. telecom.phonenumber"
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("field → [before, after]"))
    source = models.CharField(
        _("from"), max_length=100, help_text=_("web, api, admin, command:<name>, task:<name>, import:<…>")
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    path = models.CharField(_("request"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["model", "object_id"], name="audit_event_object_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["create", "update", "delete"]),
                name="%(app_label)s_%(class)s_action_known",
            )
        ]

    def __str__(self) -> str:
        who = self.actor_name or "system"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.model} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are never deleted")
