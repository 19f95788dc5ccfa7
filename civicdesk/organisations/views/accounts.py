"""Signing in and out, the password, the language, and the landing page per role."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from civicdesk.lib.errors import DomainError
from civicdesk.organisations import selectors, services
from civicdesk.organisations.forms import LanguageForm

LANDING_URLS = {
    "platform_admin": "organisations:platform",
    "supervisor": "organisations:supervisor",
    "agent": "organisations:desk",
    "municipality_admin": "organisations:municipality_admin",
    "caseworker": "organisations:casework",
    "portal": "organisations:portal",
    "none": "organisations:no_role",
}


def _login_rate(group, request):
    return settings.LOGIN_RATE


@method_decorator(ratelimit(key="ip", rate=_login_rate, method="POST", block=True), name="post")
@method_decorator(ratelimit(key="post:username", rate=_login_rate, method="POST", block=True), name="post")
class LoginView(auth_views.LoginView):
    template_name = "organisations/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_signed_in(actor=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "organisations/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "organisations/password_change_done.html"


@method_decorator(ratelimit(key="ip", rate=_login_rate, method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    """Forgotten password: the answer is the same whether or not the address is known."""

    template_name = "organisations/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "organisations/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Also where a new colleague sets their first password from the invitation."""

    template_name = "organisations/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "organisations/password_reset_complete.html"


@login_required
def home(request):
    """Each role starts on its own first page."""
    return redirect(LANDING_URLS[selectors.landing_role(actor=request.actor)])


@require_POST
def language_set(request):
    """Switch language for this browser, and remember it for a signed-in user."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if not form.is_valid():
        return redirect(next_url)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        try:
            services.user_language_set(actor=request.actor, user=request.user, language=language)
        except DomainError:
            pass  # the cookie below still switches this browser
    activate(language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )
    return response
