from django.urls import path

from . import views

app_name = "company"
urlpatterns = [
    path("cities/", views.CityListView.as_view(), name="city-list"),
    path("cities/<int:pk>/", views.CityDetailView.as_view(), name="city-detail"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path("employees/", views.EmployeeListView.as_view(), name="employee-list"),
]
