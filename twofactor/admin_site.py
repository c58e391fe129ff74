"""Django's admin with the second factor (django-otp's `OTPAdminSite` rule, this project's
login).

- A person with a second factor reaches the admin only from a session verified by a code,
  whatever `ADMIN_REQUIRE_SECOND_FACTOR` says.
- Staff without one are let in only when `ADMIN_REQUIRE_SECOND_FACTOR` is off (it is on by
  default): the admin's login page tells them to set one up first.
- The admin's login form stays the throttled one (teams/auth.py); a correct password of
  an account with a second factor continues at the dashboard's code step, then comes back.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.admin import OTPAdminSite

from teams.auth import ThrottledAdminAuthenticationForm
from twofactor import services
from twofactor.views.login import SecondFactorLoginMixin


class AdminLoginView(SecondFactorLoginMixin, auth_views.LoginView):
    pass


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class SecondFactorAdminSite(OTPAdminSite):
    login_template = "twofactor/admin_login.html"
    login_form = ThrottledAdminAuthenticationForm

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if _is_verified(request):
            return True
        if getattr(settings, "ADMIN_REQUIRE_SECOND_FACTOR", True):
            return False
        return not services.has_second_factor(user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        user = request.user
        index = reverse("admin:index", current_app=self.name)
        staff = user.is_authenticated and user.is_active and user.is_staff
        has_factor = staff and services.has_second_factor(user)
        if request.method == "GET" and has_factor:
            # Logged in, with a second factor, in a session no code has verified yet.
            target = request.GET.get(REDIRECT_FIELD_NAME) or index
            query = urlencode({"next": target})
            return HttpResponseRedirect(f"{reverse('twofactor:verify')}?{query}")
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": user.get_username(),
            "second_factor_needed": staff and not has_factor,
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = index
        context.update(extra_context or {})
        request.current_app = self.name
        return AdminLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template,
        )(request)
