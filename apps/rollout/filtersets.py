from __future__ import annotations

import django_filters

from .models import Candidate, MigrationItem, ProviderSelection, Requirement, RolloutPhase, RolloutProject


class RolloutProjectFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = RolloutProject
        fields = ["name", "owner"]


class RolloutPhaseFilterSet(django_filters.FilterSet):
    class Meta:
        model = RolloutPhase
        fields = ["project", "city", "department", "status"]


class MigrationItemFilterSet(django_filters.FilterSet):
    intermediary = django_filters.NumberFilter(field_name="number__intermediary")
    city = django_filters.NumberFilter(field_name="number__city")
    cutover_before = django_filters.DateFilter(field_name="cutover_on", lookup_expr="lt")

    class Meta:
        model = MigrationItem
        fields = ["status", "method", "target_operator", "intermediary", "city", "cutover_before"]


class ProviderSelectionFilterSet(django_filters.FilterSet):
    class Meta:
        model = ProviderSelection
        fields = ["kind", "city"]


class RequirementFilterSet(django_filters.FilterSet):
    class Meta:
        model = Requirement
        fields = ["selection", "priority"]


class CandidateFilterSet(django_filters.FilterSet):
    class Meta:
        model = Candidate
        fields = ["selection", "provider"]
