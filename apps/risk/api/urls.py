from rest_framework.routers import DefaultRouter

from . import views

app_name = "risk-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("risk-findings", views.RiskFindingViewSet)
urlpatterns = router.urls
