from rest_framework.routers import DefaultRouter

from . import views

app_name = "telecom-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("providers", views.ProviderViewSet)
router.register("numbers", views.PhoneNumberViewSet)
router.register("number-assignments", views.NumberAssignmentViewSet)
router.register("lines", views.LineViewSet)
router.register("pbx-accounts", views.PbxAccountViewSet)
router.register("extensions", views.ExtensionViewSet)
router.register("devices", views.DeviceViewSet)
router.register("call-routes", views.CallRouteViewSet)
urlpatterns = router.urls
