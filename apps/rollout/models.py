"""The marketer's projects: the city-by-city rollout, the plan to move numbers off intermediaries,
and the choice of a provider before signing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.money import currency_field, money_field


class RolloutProject(TimeStampedModel):
    """A rollout project: connecting the salons to the new telephony city by city, watching each for
    a while before the next."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    goal = models.TextField(_("goal"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rollout_projects",
        verbose_name=_("owner"),
    )
    start_date = models.DateField(_("start date"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    observation_days = models.PositiveIntegerField(
        _("observation period, days"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("How long a connected city is watched before the phase is done."),
    )
    calls_window_days = models.PositiveIntegerField(
        _("calls-flowing window, days"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("'Calls flowing' is true when calls came through the salon in the last N days."),
    )

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("rollout project")
        verbose_name_plural = _("rollout projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_target_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.target_date and self.target_date < self.start_date:
            raise ValidationError({"target_date": _("The target date cannot be before the start date.")})


class RolloutPhase(TimeStampedModel):
    """One step of a rollout: a city (all its salons) or a single salon, moved across the board
    from planned to done."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PREPARING = "preparing", _("Preparing")
        CONNECTED = "connected", _("Connected")
        OBSERVING = "observing", _("Observing")
        DONE = "done", _("Done")

    project = models.ForeignKey(
        "rollout.RolloutProject", on_delete=models.CASCADE, related_name="phases", verbose_name=_("project")
    )
    city = models.ForeignKey(
        "company.City", on_delete=models.PROTECT, related_name="rollout_phases", verbose_name=_("city")
    )
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="rollout_phases",
        null=True,
        blank=True,
        verbose_name=_("salon"),
        help_text=_("Blank: the phase covers every active salon of the city."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField(_("planned connection date"), null=True, blank=True)
    connected_on = models.DateField(_("connected on"), null=True, blank=True)
    observing_since = models.DateField(_("observing since"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("rollout phase")
        verbose_name_plural = _("rollout phases")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "city"],
                condition=Q(department__isnull=True),
                name="%(app_label)s_%(class)s_unique_city",
            ),
            models.UniqueConstraint(
                fields=["project", "department"],
                condition=Q(department__isnull=False),
                name="%(app_label)s_%(class)s_unique_salon",
            ),
            models.CheckConstraint(
                condition=~Q(status="observing") | Q(observing_since__isnull=False),
                name="%(app_label)s_%(class)s_observing_has_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return f"{self.city.name} / {self.department.name}" if self.department_id else self.city.name

    @property
    def observation_ends_on(self) -> dt.date | None:
        if self.observing_since is None:
            return None
        return self.observing_since + dt.timedelta(days=self.project.observation_days)

    def observation_over(self, today: dt.date) -> bool:
        ends = self.observation_ends_on
        return ends is not None and today >= ends

    def clean(self) -> None:
        super().clean()
        if self.department_id and self.city_id and self.department.city_id != self.city_id:
            raise ValidationError({"department": _("This salon is in another city.")})
        if self.status == self.Status.OBSERVING and not self.observing_since:
            raise ValidationError(
                {"observing_since": _("An observed phase needs the day observation began.")}
            )


class PhaseCheck(TimeStampedModel):
    """A checklist item of a phase that only a person can confirm (the phones were switched on on site).
    Items the inventory can prove are derived, never stored (see services.phase_checklist)."""

    class Item(models.TextChoices):
        PHONES_SWITCHED_ON = "phones_switched_on", _("Phones switched on site")

    phase = models.ForeignKey(
        "rollout.RolloutPhase", on_delete=models.CASCADE, related_name="checks", verbose_name=_("phase")
    )
    item = models.CharField(_("item"), max_length=32, choices=Item.choices)
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rollout_checks",
        verbose_name=_("ticked by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["phase", "item"]
        verbose_name = _("phase check")
        verbose_name_plural = _("phase checks")
        constraints = [
            models.UniqueConstraint(fields=["phase", "item"], name="%(app_label)s_%(class)s_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.phase}: {self.get_item_display()}"


class MigrationItemQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related(
            "number__city",
            "number__carrier",
            "number__intermediary",
            "target_operator",
            "target_contract",
            "new_number",
        )

    def open(self):
        return self.exclude(status__in=MigrationItem.MOVED_STATUSES)

    def moved(self):
        return self.filter(status__in=MigrationItem.MOVED_STATUSES)


class MigrationItem(TimeStampedModel):
    """The plan to move one number held through an intermediary onto a direct operator contract,
    either by porting it or by taking a new number and running both in parallel."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ORDERED = "ordered", _("Ordered")
        PARALLEL_RUN = "parallel_run", _("Parallel run")
        SWITCHED = "switched", _("Switched")
        RELEASED = "released", _("Old number released")

    class Method(models.TextChoices):
        PORT = "port", _("Port the number")
        NEW_NUMBER = "new_number", _("New number, run in parallel")

    MOVED_STATUSES = (Status.SWITCHED, Status.RELEASED)

    number = models.OneToOneField(
        "telecom.PhoneNumber",
        on_delete=models.PROTECT,
        related_name="migration_item",
        verbose_name=_("number held through an intermediary"),
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.PORT)
    target_operator = models.ForeignKey(
        "telecom.Provider",
        on_delete=models.PROTECT,
        related_name="migration_targets",
        null=True,
        blank=True,
        verbose_name=_("target operator"),
    )
    target_contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        related_name="migration_items",
        null=True,
        blank=True,
        verbose_name=_("target contract"),
        help_text=_("The direct contract with the target operator the number moves under."),
    )
    new_number = models.ForeignKey(
        "telecom.PhoneNumber",
        on_delete=models.PROTECT,
        related_name="replaces_items",
        null=True,
        blank=True,
        verbose_name=_("new number"),
        help_text=_("The direct number that replaces the old one (method: new number)."),
    )
    porting_request = models.CharField(
        _("porting request"), max_length=100, blank=True, help_text=_("The operator's request reference.")
    )
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    cutover_on = models.DateField(_("cut-over date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    one_off_cost = money_field(
        _("one-off cost"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Porting fee, connection fee, reprinted signage…"),
    )
    monthly_fee_before = money_field(
        _("monthly fee through the intermediary"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What the number costs today; kept so progress stays right after the move."),
    )
    target_monthly_fee = money_field(
        _("monthly fee after the move"),
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Blank: the new number's fee, or unknown."),
    )
    currency = currency_field()
    notes = models.TextField(_("notes"), blank=True)

    objects = MigrationItemQuerySet.as_manager()

    class Meta:
        ordering = ["cutover_on", "number__number"]
        verbose_name = _("migration item")
        verbose_name_plural = _("migration items")
        constraints = [
            models.CheckConstraint(
                condition=Q(one_off_cost__gte=0), name="%(app_label)s_%(class)s_one_off_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(new_number=models.F("number")) | Q(new_number__isnull=True),
                name="%(app_label)s_%(class)s_new_number_differs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} → {self.target_operator or '?'}"

    @property
    def is_moved(self) -> bool:
        return self.status in self.MOVED_STATUSES

    @property
    def monthly_after(self) -> Decimal | None:
        if self.target_monthly_fee is not None:
            return self.target_monthly_fee
        if self.new_number_id is not None:
            return self.new_number.monthly_fee
        return None

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.number_id and self.number.intermediary_id is None and not self.is_moved:
            errors["number"] = _("This number is held directly; only intermediary numbers are migrated.")
        if (
            self.target_operator_id
            and self.number_id
            and self.target_operator_id == self.number.intermediary_id
        ):
            errors["target_operator"] = _(
                "The target must be a direct operator, not the intermediary itself."
            )
        if self.new_number_id and self.new_number_id == self.number_id:
            errors["new_number"] = _("The new number must differ from the old one.")
        if self.method == self.Method.PORT and self.new_number_id:
            errors["new_number"] = _("A ported number keeps its digits; choose 'new number' as the method.")
        if self.target_contract_id and self.target_operator_id:
            parties = {p.provider_id for p in self.target_contract.parties.all()}
            if self.target_operator_id not in parties:
                errors["target_contract"] = _("The target operator is not a party to this contract.")
        if errors:
            raise ValidationError(errors)


class ProviderSelection(TimeStampedModel):
    """A choice of a PBX or an operator before signing: the requirements written first, the
    candidates scored against them, then the decision."""

    class Kind(models.TextChoices):
        PBX = "pbx", _("PBX")
        OPERATOR = "operator", _("Operator")

    title = models.CharField(_("title"), max_length=200, unique=True)
    kind = models.CharField(_("looking for"), max_length=16, choices=Kind.choices)
    city = models.ForeignKey(
        "company.City",
        on_delete=models.PROTECT,
        related_name="provider_selections",
        null=True,
        blank=True,
        verbose_name=_("city"),
        help_text=_("Blank: for every city."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("provider selection")
        verbose_name_plural = _("provider selections")

    def __str__(self) -> str:
        return self.title


class Requirement(TimeStampedModel):
    """Something the team needs from a provider, written before looking at offers (e.g. the numbers
    stay ours if we leave)."""

    class Priority(models.TextChoices):
        MUST = "must", _("Must")
        SHOULD = "should", _("Should")

    selection = models.ForeignKey(
        "rollout.ProviderSelection",
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("selection"),
    )
    text = models.CharField(_("requirement"), max_length=300)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.MUST)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How much a 'should' counts in the total."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["selection", "order", "pk"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(fields=["selection", "text"], name="%(app_label)s_%(class)s_unique_text"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10), name="%(app_label)s_%(class)s_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.get_priority_display()}] {self.text}"


class Candidate(TimeStampedModel):
    """A provider under consideration in a selection, with its offer."""

    selection = models.ForeignKey(
        "rollout.ProviderSelection",
        on_delete=models.CASCADE,
        related_name="candidates",
        verbose_name=_("selection"),
    )
    provider = models.ForeignKey(
        "telecom.Provider",
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("provider"),
    )
    offer = models.TextField(_("offer"), blank=True, help_text=_("Prices and terms as offered."))
    draft_contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        related_name="candidacies",
        null=True,
        blank=True,
        verbose_name=_("draft contract"),
        help_text=_("The contract text offered; its risk findings are shown next to the scores."),
    )
    offer_url = models.URLField(_("offer link"), blank=True)

    class Meta:
        ordering = ["selection", "provider__name"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "provider"], name="%(app_label)s_%(class)s_unique_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} ({self.selection})"


class Score(TimeStampedModel):
    """How well a candidate meets one requirement, with the evidence the team saw."""

    class Value(models.IntegerChoices):
        NOT_MET = 0, _("Not met")
        PARTLY = 1, _("Partly")
        MET = 2, _("Met")

    candidate = models.ForeignKey(
        "rollout.Candidate", on_delete=models.CASCADE, related_name="scores", verbose_name=_("candidate")
    )
    requirement = models.ForeignKey(
        "rollout.Requirement", on_delete=models.CASCADE, related_name="scores", verbose_name=_("requirement")
    )
    value = models.PositiveSmallIntegerField(_("score"), choices=Value.choices)
    notes = models.TextField(_("notes"), blank=True)
    evidence = models.CharField(
        _("evidence"), max_length=500, blank=True, help_text=_("Contract clause, page, link, demo date…")
    )

    class Meta:
        ordering = ["candidate", "requirement__order"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "requirement"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(condition=Q(value__lte=2), name="%(app_label)s_%(class)s_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.requirement.text} = {self.get_value_display()}"

    def clean(self) -> None:
        super().clean()
        same = self.candidate_id and self.requirement_id
        if same and self.candidate.selection_id != self.requirement.selection_id:
            raise ValidationError({"requirement": _("This requirement belongs to another selection.")})


class Decision(TimeStampedModel):
    """The recorded choice of a selection: which candidate, why, who decided and when."""

    selection = models.OneToOneField(
        "rollout.ProviderSelection",
        on_delete=models.CASCADE,
        related_name="decision",
        verbose_name=_("selection"),
    )
    chosen = models.ForeignKey(
        "rollout.Candidate", on_delete=models.PROTECT, related_name="decisions", verbose_name=_("chosen")
    )
    rationale = models.TextField(_("rationale"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="provider_decisions",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.selection}: {self.chosen.provider}"

    def clean(self) -> None:
        super().clean()
        if self.chosen_id and self.selection_id and self.chosen.selection_id != self.selection_id:
            raise ValidationError({"chosen": _("This candidate belongs to another selection.")})
