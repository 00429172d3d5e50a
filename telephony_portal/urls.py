from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.accounts.views import language_switch
from apps.core.views import api_root

api_v1 = [
    path("", api_root, name="api-root"),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.audit.api.urls")),
    path("", include("apps.company.api.urls")),
    path("", include("apps.telecom.api.urls")),
    path("", include("apps.contracts.api.urls")),
    path("", include("apps.risk.api.urls")),
    path("", include("apps.calls.api.urls")),
    path("", include("apps.billing.api.urls")),
    path("", include("apps.rollout.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("i18n/setlang/", language_switch, name="set_language"),  # set_language + User.language
    path("api/v1/", include(api_v1)),
    path("api/schema/", login_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("", include("apps.company.urls")),
    path("", include("apps.telecom.urls")),
    path("contracts/", include("apps.contracts.urls")),
    path("risk/", include("apps.risk.urls")),
    path("", include("apps.calls.urls")),
    path("", include("apps.billing.urls")),
    path("rollout/", include("apps.rollout.urls")),
    path("", include("apps.core.urls")),  # the inventory workbook upload page
]
