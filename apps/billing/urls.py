from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("costs/", views.dashboard, name="dashboard"),
    path("costs/<str:month>/", views.report, name="report"),
    path("costs/<str:month>/rebuild/", views.rebuild, name="rebuild"),
    path("costs/<str:month>/download/<str:fmt>/", views.download, name="download"),
    path("costs/<str:month>/calls/", views.drilldown, name="drilldown"),
    path("costs/<str:month>/what-if/", views.whatif, name="whatif"),
]
