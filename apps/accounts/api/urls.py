from django.urls import path

from . import views

app_name = "accounts-api"
urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
]
