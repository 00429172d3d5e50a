from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    BudgetViewSet,
    CostReportView,
    DisputeViewSet,
    InvoiceLineViewSet,
    InvoiceViewSet,
    RatedCallViewSet,
)

app_name = "billing-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rated-calls", RatedCallViewSet, basename="ratedcall")
router.register("budgets", BudgetViewSet, basename="budget")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("invoice-lines", InvoiceLineViewSet, basename="invoiceline")
router.register("disputes", DisputeViewSet, basename="dispute")
urlpatterns = [path("reports/costs/", CostReportView.as_view(), name="cost-report"), *router.urls]
