from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import BudgetViewSet, CostReportView, RatedCallViewSet

app_name = "billing-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rated-calls", RatedCallViewSet, basename="ratedcall")
router.register("budgets", BudgetViewSet, basename="budget")
urlpatterns = [path("reports/costs/", CostReportView.as_view(), name="cost-report"), *router.urls]
