"""Shared pieces for django-import-export resources: widgets that speak the workbook vocabulary.

Every widget raises `CellError` (a ValueError that knows its column) with a message a person can act
on, so a bad cell is reported as "row N, column X: why" both in the admin and by `import_inventory`.
Values may arrive as text (CSV) or as native spreadsheet types (XLSX: int, float, date); each widget
accepts both and always renders text, so an export reads back identically.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from import_export import fields, resources, widgets

from .money import to_money
from .phones import normalize_phone

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CellError(ValueError):
    """A value in one column that cannot be used; `column` names the column."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def cell_text(value) -> str:
    """A cell as text: None → "", 843.0 (a number typed into Excel) → "843"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class PortalWidget(widgets.Widget):
    """Base: knows its column, and how to turn a cell into a comparable key without the database."""

    def __init__(self, column: str, **kwargs):
        super().__init__(**kwargs)
        self.column = column

    def key_text(self, value) -> str:
        return cell_text(value).casefold()

    def fail(self, message: str):
        raise CellError(self.column, message)


class TextWidget(PortalWidget):
    """Plain text; a blank cell becomes `default` (e.g. the currency RUB)."""

    def __init__(self, column: str, default: str = ""):
        super().__init__(column)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        return cell_text(value) or self.default

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(PortalWidget):
    """A value from a fixed vocabulary (`operator`, `geographic`, …); blank → the model default."""

    def __init__(self, column: str, choices: type[models.TextChoices], default: str | None = None):
        super().__init__(column)
        self.choices = choices
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.default is not None:
                return self.default
            self.fail(f"{self.column} is required; one of: {', '.join(self.choices.values)}.")
        if text not in self.choices.values:
            self.fail(f"'{text}' is not a valid {self.column}; use one of: {', '.join(self.choices.values)}.")
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class BooleanWidget(PortalWidget):
    TRUE = {"1", "true", "yes", "y", "да"}
    FALSE = {"0", "false", "no", "n", "нет"}

    def __init__(self, column: str, default: bool = True):
        super().__init__(column)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).casefold()
        if not text:
            return self.default
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        self.fail(f"'{cell_text(value)}' is not yes/no; write true or false.")

    def render(self, value, obj=None, **kwargs):
        return "true" if value else "false"


class IntegerWidget(PortalWidget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if not re.fullmatch(r"-?\d+", text):
            self.fail(f"'{text}' is not a whole number.")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DateWidget(PortalWidget):
    """Dates are ISO `YYYY-MM-DD`; an XLSX date cell is accepted as is."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        if ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        self.fail(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01.")

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MoneyWidget(PortalWidget):
    """Money with a dot ("1500.00"), kept as Decimal; a numeric XLSX cell is read by its shortest repr."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            value = Decimal(repr(value))  # 1500.5 → Decimal("1500.5"), not the binary expansion
        elif isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal):
            value = cell_text(value)
            if not value:
                return None
            if "," in value:
                self.fail(f"'{value}' is not an amount; write money with a dot, e.g. 1500.00.")
        try:
            return to_money(value)
        except ValidationError as exc:
            self.fail(_messages(exc))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PhoneWidget(PortalWidget):
    """A phone number in any usual national or E.164 form, stored as E.164."""

    def normalize(self, value) -> str:
        text = cell_text(value)
        try:
            return normalize_phone(text)
        except ValidationError as exc:
            self.fail(_messages(exc))

    def key_text(self, value) -> str:
        try:
            return self.normalize(value)
        except CellError:
            return cell_text(value)

    def clean(self, value, row=None, **kwargs):
        return self.normalize(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class NaturalKeyWidget(PortalWidget):
    """A reference to another row by its natural key (a city by name, a department by code…)."""

    def __init__(self, column: str, model: type[models.Model], field: str, label: str):
        super().__init__(column)
        self.model = model
        self.field = field
        self.label = label
        # Found rows, so 1,000 numbers of one city look the city up once. django-import-export deep-copies
        # fields (and so widgets) for every Resource instance: the cache lives for one import only.
        self.found: dict[tuple, models.Model] = {}

    def lookup_value(self, value):
        return cell_text(value)

    def queryset(self, row):
        return self.model._default_manager.all()

    def cache_scope(self, row) -> tuple:
        """What else, besides the key, the lookup depends on (e.g. the row's department)."""
        return ()

    def clean(self, value, row=None, **kwargs):
        key = self.lookup_value(value)
        if not key:
            return None
        cache_key = (key, *self.cache_scope(row))
        if cache_key in self.found:
            return self.found[cache_key]
        try:
            obj = self.queryset(row).get(**{self.field: key})
        except self.model.DoesNotExist:
            self.fail(self.unknown_message(key, row))
        self.found[cache_key] = obj
        return obj

    def unknown_message(self, key, row) -> str:
        return f"Unknown {self.label} '{key}': it is neither in the database nor in an earlier sheet."

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return str(getattr(value, self.field))


class PhoneReferenceWidget(NaturalKeyWidget, PhoneWidget):
    """A reference to one of our numbers, written in any usual form."""

    def lookup_value(self, value):
        if not cell_text(value):
            return ""
        return self.normalize(value)


def missing_columns_message(required, headers) -> str:
    """ "" if every required column is there; else what is missing, what is required, what was found."""
    found = [str(h) for h in headers or []]
    missing = [name for name in required if name not in found]
    if not missing:
        return ""
    return (
        f"Missing column(s): {', '.join(missing)}. "
        f"Required: {', '.join(required)}; found: {', '.join(found) or 'none'}."
    )


def column(name: str, widget: widgets.Widget, attribute: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute or name, column_name=name, widget=widget)


class PortalResource(resources.ModelResource):
    """Base for our resources: natural keys, full model validation, re-import changes nothing.

    `required_columns` are the columns a file must have (the workbook checks them before reading a row).
    """

    required_columns: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    @classmethod
    def missing_columns(cls, headers) -> list[str]:
        found = {str(h) for h in headers or []}
        return [name for name in cls.required_columns if name not in found]

    @classmethod
    def missing_columns_message(cls, headers) -> str:
        return missing_columns_message(cls.required_columns, headers)

    def before_import(self, dataset, **kwargs):
        message = self.missing_columns_message(dataset.headers)
        if message:
            raise ValueError(message)
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        for name in self.get_import_id_fields():
            field = self.fields[name]
            if field.column_name in row and not cell_text(row[field.column_name]):
                raise CellError(field.column_name, f"{field.column_name} is required: it identifies the row.")
        super().before_import_row(row, **kwargs)

    def row_key(self, row) -> tuple[str, ...]:
        """The natural key of a raw row, without touching the database (to spot repeated rows)."""
        key = []
        for name in self.get_import_id_fields():
            field = self.fields[name]
            value = row.get(field.column_name)
            widget = field.widget
            key.append(widget.key_text(value) if isinstance(widget, PortalWidget) else cell_text(value))
        return tuple(key)

    def do_instance_save(self, instance, is_create):
        # A savepoint per row: on PostgreSQL a failed INSERT would otherwise poison the whole
        # transaction and every later row would report a confusing "transaction aborted" error.
        with transaction.atomic():
            super().do_instance_save(instance, is_create)
