from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("", views.register, name="register"),
    path("calendar/", views.calendar, name="calendar"),
    path("health/", views.health, name="health"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("tariffs/<int:pk>/rates/", views.tariff_import_rates, name="tariff-import-rates"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
]
