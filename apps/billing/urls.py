from django.urls import path

from . import views
from .invoices import views as invoice_views

app_name = "billing"
urlpatterns = [
    path("costs/", views.dashboard, name="dashboard"),
    path("costs/<str:month>/", views.report, name="report"),
    path("costs/<str:month>/rebuild/", views.rebuild, name="rebuild"),
    path("costs/<str:month>/download/<str:fmt>/", views.download, name="download"),
    path("costs/<str:month>/calls/", views.drilldown, name="drilldown"),
    path("costs/<str:month>/what-if/", views.whatif, name="whatif"),
    # Operator invoices (issue 7)
    path("invoices/", invoice_views.invoice_list, name="invoice-list"),
    path("invoices/new/", invoice_views.invoice_create, name="invoice-create"),
    path("invoices/calendar/", invoice_views.invoice_calendar, name="invoice-calendar"),
    path("invoices/<int:pk>/", invoice_views.invoice_detail, name="invoice-detail"),
    path("invoices/<int:pk>/check/", invoice_views.invoice_check, name="invoice-check"),
    path("invoices/<int:pk>/pay/", invoice_views.invoice_pay, name="invoice-pay"),
    path("invoices/<int:pk>/dispute/", invoice_views.invoice_dispute, name="invoice-dispute"),
    path("disputes/", invoice_views.dispute_board, name="dispute-board"),
    path("disputes/<int:pk>/", invoice_views.dispute_detail, name="dispute-detail"),
    path("disputes/<int:pk>/send/", invoice_views.dispute_send, name="dispute-send"),
    path("disputes/<int:pk>/resolve/", invoice_views.dispute_resolve, name="dispute-resolve"),
]
