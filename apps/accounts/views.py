"""Sign-in and the language switch: the interface speaks the language the user chose last."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .services import user_language_set


def _remember_language(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


class PortalLoginView(auth_views.LoginView):
    """The login form; on success the user's saved interface language (User.language) takes effect."""

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            _remember_language(response, language)
        return response


@require_POST
def language_switch(request):
    """Django's set_language, and a signed-in user's choice is saved for the next sign-in too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response
