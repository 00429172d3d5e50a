from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("calls/upload/", views.upload, name="upload"),
    path("calls/runs/", views.RunListView.as_view(), name="runs"),
    path("calls/runs/<int:pk>/", views.run_detail, name="run"),
    path("calls/runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run-progress"),
    path("calls/sources/", views.source_list, name="sources"),
    path("calls/sources/<slug:slug>/", views.source_detail, name="source"),
    path("ingest/freeswitch/<slug:slug>/", views.freeswitch_push, name="freeswitch-push"),
]
