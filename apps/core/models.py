"""Shared abstract model bases. `core` holds no domain models (DESIGN.md)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Anything we keep: when the row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class EffectiveDatedQuerySet(models.QuerySet):
    """Vocabulary for half-open date periods: `valid_from` applies, `valid_to` no longer does."""

    def effective_on(self, day: dt.date):
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))

    def overlapping(self, start: dt.date, end: dt.date | None):
        qs = self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        if end is not None:
            qs = qs.filter(valid_from__lt=end)
        return qs


class EffectiveDatedModel(TimeStampedModel):
    """A fact that holds for a half-open period of days, never overwritten in place.

    Subclasses name in `overlap_scope` the fields that identify "the same thing" (e.g. the number);
    two rows of the same thing may not overlap. SQLite cannot hold that rule, so `clean()` does
    (services call `full_clean()`), and a CheckConstraint keeps the period itself sane.
    """

    overlap_scope: tuple[str, ...] = ()

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("First day that no longer applies; blank = open")
    )

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def period_label(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.valid_from.isoformat()} → {end}"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("Must be after valid from (periods are half-open).")})
        self.check_overlap()

    def check_overlap(self) -> None:
        if not self.valid_from or not self.overlap_scope:
            return
        scope = {}
        for name in self.overlap_scope:
            field = self._meta.get_field(name)
            value = getattr(self, field.attname)
            if value is None and not field.null:
                return  # another field error will be reported
            scope[field.attname] = value
        clash = (
            type(self)
            ._default_manager.filter(**scope)
            .overlapping(self.valid_from, self.valid_to)
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "valid_from": _("Overlaps the period %(period)s of %(other)s.")
                    % {"period": clash.period_label(), "other": clash}
                }
            )

    @classmethod
    def period_constraint(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")), name=name
        )
