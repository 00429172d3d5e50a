from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
