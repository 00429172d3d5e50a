from rest_framework.routers import DefaultRouter

from .views import CallRecordViewSet, ImportRunViewSet

app_name = "calls-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("calls", CallRecordViewSet, basename="callrecord")
router.register("import-runs", ImportRunViewSet, basename="importrun")
urlpatterns = router.urls
