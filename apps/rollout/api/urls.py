from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "rollout-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rollout-projects", views.RolloutProjectViewSet, basename="rolloutproject")
router.register("rollout-phases", views.RolloutPhaseViewSet, basename="rolloutphase")
router.register("migration-items", views.MigrationItemViewSet, basename="migrationitem")
router.register("provider-selections", views.ProviderSelectionViewSet, basename="providerselection")
router.register("requirements", views.RequirementViewSet, basename="requirement")
router.register("candidates", views.CandidateViewSet, basename="candidate")
urlpatterns = [
    path("analytics/calls/", views.CallAnalyticsView.as_view(), name="call-analytics"),
    *router.urls,
]
