from rest_framework.routers import DefaultRouter

from . import views

app_name = "company-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cities", views.CityViewSet)
router.register("departments", views.DepartmentViewSet)
router.register("employees", views.EmployeeViewSet)
urlpatterns = router.urls
