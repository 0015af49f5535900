from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

Handler = Callable[[HttpRequest], HttpResponse]


class UserLanguageMiddleware:
    """Speak the person's chosen language; before login, the cookie's; else Russian.

    Django's LocaleMiddleware would follow the browser's Accept-Language, but the portal's
    default is Russian whatever the browser says, and a signed-in person's choice is kept on
    their user row so it follows them from the desk to the phone.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = {code for code, _name in settings.LANGUAGES}
        language = settings.LANGUAGE_CODE
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.user.is_authenticated and request.user.language in supported:
            language = request.user.language
        elif cookie in supported:
            language = cookie
        request.LANGUAGE_CODE = language
        # Overridden for the request only: the thread's language is put back afterwards, so
        # whatever runs next in the same thread (a test after a Kazakh page) does not inherit it.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class PrivatePagesMiddleware:
    """Keep every page a signed-in person sees out of every cache, the browser's own included.

    On a shared reception PC the back button must not show the last visitor's data after the
    next person sits down, nor may a proxy keep a copy. One middleware rather than a decorator
    per view, so a new page cannot forget it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class HtmxLoginRedirectMiddleware:
    """Send an htmx request whose session expired to the login page as a whole page.

    Without this htmx would follow the redirect and paste the login form into a fragment.
    After login the person returns to the page they were on, not to the fragment's URL.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or response.status_code not in (301, 302):
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login_path:
            return response
        current = htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(redirect_to_login(current)["Location"])
