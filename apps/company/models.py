"""The company as the telephony sees it: cities, salons and offices (cost centres), staff."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.dates import validate_timezone
from apps.core.models import TimeStampedModel

area_code_validator = RegexValidator(r"^\d{3,5}$", _("An area code is 3 to 5 digits, e.g. 843."))


class City(TimeStampedModel):
    """A city where the company has salons; its clock and its telephone area code."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_timezone], help_text="e.g. Europe/Moscow"
    )
    area_code = models.CharField(_("area code"), max_length=5, validators=[area_code_validator])

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Department(TimeStampedModel):
    """A sales salon or an office: the unit costs are reported for (a cost centre)."""

    class Kind(models.TextChoices):
        SALON = "salon", _("Sales salon")
        OFFICE = "office", _("Office")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SALON)
    city = models.ForeignKey(
        "company.City", on_delete=models.PROTECT, related_name="departments", verbose_name=_("city")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    cost_centre = models.CharField(_("cost-centre code"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["city__name", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Employee(TimeStampedModel):
    """A member of staff who answers or makes calls at a department."""

    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("department"),
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="%(app_label)s_%(class)s_unique_name_in_department"
            )
        ]

    def __str__(self) -> str:
        return self.name
