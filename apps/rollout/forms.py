from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.company.models import City, Department

from .analytics import DEFAULT_CALLBACK_HOURS, default_end
from .models import Candidate, PhaseCheck, ProviderSelection, Requirement, RolloutPhase, Score


class PhaseMoveForm(forms.Form):
    status = forms.ChoiceField(choices=RolloutPhase.Status.choices)


class PhaseCheckForm(forms.Form):
    item = forms.ChoiceField(choices=PhaseCheck.Item.choices)
    done = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=300)


class ScoreForm(forms.Form):
    requirement = forms.ModelChoiceField(queryset=Requirement.objects.none(), label=_("requirement"))
    value = forms.TypedChoiceField(choices=Score.Value.choices, coerce=int, label=_("score"))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("notes"))
    evidence = forms.CharField(required=False, max_length=500, label=_("evidence"))

    def __init__(self, *args, selection: ProviderSelection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = selection.requirements.all()


class DecideForm(forms.Form):
    candidate = forms.ModelChoiceField(queryset=Candidate.objects.none(), label=_("chosen candidate"))
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("why"))

    def __init__(self, *args, selection: ProviderSelection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = selection.candidates.select_related("provider")


class AnalyticsFilterForm(forms.Form):
    """Filters of the call dashboard and its API: a salon or a city, and a period of local days."""

    MAX_DAYS = 366

    department = forms.ModelChoiceField(
        queryset=Department.objects.select_related("city"), required=False, label=_("salon")
    )
    city = forms.ModelChoiceField(queryset=City.objects.all(), required=False, label=_("city"))
    date_from = forms.DateField(
        required=False, label=pgettext_lazy("period", "from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=pgettext_lazy("period", "to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    callback_hours = forms.IntegerField(
        required=False, min_value=1, max_value=168, label=_("call back within, hours")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The query string says ?from=&to= (the API promises those names); Python cannot name a field `from`.
        self.fields["from"] = self.fields.pop("date_from")
        self.fields["to"] = self.fields.pop("date_to")
        self.fields["callback_hours"] = self.fields.pop("callback_hours")

    def clean(self):
        data = super().clean()
        end = data.get("to") or default_end()
        start = data.get("from") or end - dt.timedelta(days=29)
        if start > end:
            raise forms.ValidationError(_("'from' must not be after 'to'."))
        if (end - start).days + 1 > self.MAX_DAYS:
            raise forms.ValidationError(_("A period is at most %(n)d days.") % {"n": self.MAX_DAYS})
        department, city = data.get("department"), data.get("city")
        if department and city and department.city_id != city.pk:
            raise forms.ValidationError(_("This salon is not in that city."))
        data["from"], data["to"] = start, end
        data["callback_hours"] = data.get("callback_hours") or DEFAULT_CALLBACK_HOURS
        return data

    def analytics_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "start": d["from"],
            "end": d["to"],
            "department": d.get("department"),
            "city": d.get("city"),
            "callback_hours": d["callback_hours"],
        }
