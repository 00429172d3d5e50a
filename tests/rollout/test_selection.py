"""Choosing a provider: requirements first, candidates scored with evidence, a recorded decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.rollout import services
from apps.rollout.models import Requirement
from tests.contracts.factories import ContractDocumentFactory, ContractFactory
from tests.factories import ProviderFactory
from tests.risk.factories import DocumentScanFactory, RiskFindingFactory
from tests.rollout.factories import (
    CandidateFactory,
    ProviderSelectionFactory,
    RequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def selection():
    s = ProviderSelectionFactory()
    must = RequirementFactory(selection=s, text="Номера наши", priority=Requirement.Priority.MUST, order=1)
    api = RequirementFactory(selection=s, text="API для CDR", priority="should", weight=3, order=2)
    reports = RequirementFactory(selection=s, text="Отчёты по салонам", priority="should", weight=1, order=3)
    a = CandidateFactory(selection=s, provider=ProviderFactory(name="А-АТС"))
    b = CandidateFactory(selection=s, provider=ProviderFactory(name="Б-АТС"))
    # Met = 2, partly = 1, times the weight (the must weighs 1). Maximum: 2×1 + 2×3 + 2×1 = 10.
    # A meets the must (2), partly the API (1×3) and fully the reports (2×1): 7 of 10.
    services.candidate_score_set(candidate=a, requirement=must, value=2)
    services.candidate_score_set(candidate=a, requirement=api, value=1)
    services.candidate_score_set(candidate=a, requirement=reports, value=2, evidence="демо 12.02")
    # B scores higher on shoulds (2×3 + 2×1 = 8) but fails the must: 0 + 6 + 2 = 8.
    services.candidate_score_set(candidate=b, requirement=must, value=0, notes="номера провайдера")
    services.candidate_score_set(candidate=b, requirement=api, value=2)
    services.candidate_score_set(candidate=b, requirement=reports, value=2)
    return s, a, b


def test_standings_rank_a_candidate_failing_a_must_last(selection):
    s, a, b = selection
    standings = services.selection_standings(s)
    assert [x.candidate for x in standings] == [a, b]
    assert (standings[0].points, standings[0].max_points, standings[0].percent) == (7, 10, 70)
    assert [r.text for r in standings[1].failed_musts] == ["Номера наши"]
    assert not standings[1].qualified


def test_rescoring_replaces_the_score(selection):
    s, a, _b = selection
    must = s.requirements.get(text="Номера наши")
    services.candidate_score_set(candidate=a, requirement=must, value=1, notes="только при переносе")
    assert a.scores.get(requirement=must).notes == "только при переносе"
    assert a.scores.count() == 3


def test_unscored_requirements_are_listed(selection):
    s, a, _b = selection
    RequirementFactory(selection=s, text="Прямые договоры во всех городах", priority="should")
    standing = next(x for x in services.selection_standings(s) if x.candidate == a)
    assert [r.text for r in standing.unscored] == ["Прямые договоры во всех городах"]


def test_a_score_for_another_selections_requirement_is_refused(selection):
    _s, a, _b = selection
    with pytest.raises(ValidationError, match="another selection"):
        services.candidate_score_set(candidate=a, requirement=RequirementFactory(), value=2)


def test_deciding_records_who_why_and_when(selection):
    s, a, b = selection
    user = UserFactory()
    with pytest.raises(ValidationError, match="fails must-have requirements: Номера наши"):
        services.selection_decide(selection=s, candidate=b, rationale="дешевле", by=user)
    with pytest.raises(ValidationError, match="why"):
        services.selection_decide(selection=s, candidate=a, rationale="  ", by=user)
    decision = services.selection_decide(
        selection=s, candidate=a, rationale="номера остаются нашими", by=user
    )
    assert (decision.chosen, decision.decided_by, decision.rationale) == (a, user, "номера остаются нашими")


def test_standings_carry_the_open_risk_findings_of_each_draft_contract(selection):
    s, a, b = selection
    draft = ContractFactory(code="MANGO-DRAFT", status="under_review")
    b.draft_contract = draft
    b.save()
    document = ContractDocumentFactory(contract=draft, version=1)
    scan = DocumentScanFactory(document=document)
    worst = RiskFindingFactory(scan=scan, code="NUMBER_LOCKIN", severity="critical", clause="2.4")
    RiskFindingFactory(scan=scan, code="PENALTY", severity="medium", clause="6.1")
    RiskFindingFactory(scan=scan, code="AUTO_ACCEPT", severity="high", clause="5.3", status="negotiated")
    standings = {x.candidate: x for x in services.selection_standings(s)}
    assert [f.clause for f in standings[b].risks] == ["2.4", "6.1"]
    assert standings[b].risks[0] == worst
    assert standings[a].risks == []


def test_selection_page_lists_the_draft_contracts_findings(selection, client_as):
    s, _a, b = selection
    draft = ContractFactory(code="MANGO-DRAFT", status="under_review")
    b.draft_contract = draft
    b.save()
    scan = DocumentScanFactory(document=ContractDocumentFactory(contract=draft, version=1))
    RiskFindingFactory(
        scan=scan, code="NUMBER_LOCKIN", severity="critical", clause="2.4", quote="номера провайдера"
    )
    page = client_as("lawyer").get(reverse("rollout:selection", args=[s.pk])).content.decode()
    assert "MANGO-DRAFT" in page
    assert "NUMBER_LOCKIN п. 2.4" in page
