from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.register, name="register"),
    path("policy/", views.policy_settings, name="policy"),
    path("contracts/<int:pk>/", views.contract_review, name="contract"),
    path("contracts/<int:pk>/scan/", views.contract_scan, name="contract-scan"),
    path("contracts/<int:pk>/protocol/", views.protocol, name="protocol"),
    path("findings/<int:pk>/decide/", views.finding_decide_view, name="finding-decide"),
    path("terms/<int:pk>/confirm/", views.term_confirm, name="term-confirm"),
]
