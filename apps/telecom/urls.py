from django.urls import include, path

from . import views

pages = [
    path("numbers/", views.NumberListView.as_view(), name="number-list"),
    path("numbers/at-risk/", views.NumbersAtRiskView.as_view(), name="numbers-at-risk"),
    path("numbers/<int:pk>/", views.NumberDetailView.as_view(), name="number-detail"),
    path("providers/", views.ProviderListView.as_view(), name="provider-list"),
    path("lines/", views.LineListView.as_view(), name="line-list"),
    path("devices/", views.DeviceListView.as_view(), name="device-list"),
]

urlpatterns = [
    # The dashboard keeps its bare name: settings.LOGIN_REDIRECT_URL points at it.
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("", include((pages, "telecom"))),
]
