from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("inventory/import/", views.WorkbookImportView.as_view(), name="workbook-import"),
]
