from django.urls import path

from . import views

app_name = "rollout"
urlpatterns = [
    path("", views.board, name="board"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/load-order/", views.project_load_order, name="project-load-order"),
    path("analytics/", views.call_dashboard, name="call-analytics"),
    path("analytics/pdf/", views.call_dashboard_pdf, name="call-analytics-pdf"),
    path("phases/<int:pk>/move/", views.phase_move, name="phase-move"),
    path("phases/<int:pk>/check/", views.phase_check, name="phase-check"),
    path("phases/<int:pk>/shift/", views.phase_shift, name="phase-shift"),
    path("migration/", views.migration_plan, name="migration"),
    path("migration/sync/", views.migration_sync, name="migration-sync"),
    path("migration/<int:pk>/advance/", views.migration_advance, name="migration-advance"),
    path("selections/", views.selection_list, name="selections"),
    path("selections/<int:pk>/", views.selection_detail, name="selection"),
    path("selections/<int:pk>/decide/", views.selection_decide, name="selection-decide"),
    path("candidates/<int:pk>/score/", views.candidate_score, name="candidate-score"),
]
