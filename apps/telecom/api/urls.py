from rest_framework.routers import DefaultRouter

app_name = "telecom-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
urlpatterns = router.urls
