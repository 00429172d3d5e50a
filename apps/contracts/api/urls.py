from rest_framework.routers import DefaultRouter

from . import views

app_name = "contracts-api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("contracts", views.ContractViewSet)
router.register("contract-parties", views.ContractPartyViewSet)
router.register("contract-documents", views.ContractDocumentViewSet)
router.register("contract-numbers", views.ContractNumberViewSet)
router.register("contract-lines", views.ContractLineViewSet)
router.register("tariffs", views.TariffViewSet)
router.register("rates", views.RateViewSet)
router.register("recurring-charges", views.RecurringChargeViewSet)
urlpatterns = router.urls
