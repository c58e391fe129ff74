from __future__ import annotations

from types import MethodType

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from attendance.views import sync as attendance_sync
from dailyadmin.auth import (
    PasswordChangeView,
    ThrottledAdminAuthenticationForm,
    admin_password_change,
)
from sso import views as sso_views
from teams import views as team_views
from twofactor.views.login import SecondFactorLoginView

# The admin's login page counts attempts with the same throttle as the dashboard's.
admin.site.login_form = ThrottledAdminAuthenticationForm
# And its password change checks the current password under the same throttle.
admin.site.password_change = MethodType(admin_password_change, admin.site)

urlpatterns = [
    path("", team_views.home, name="home"),
    path("healthz", team_views.healthz, name="healthz"),
    path("teams/new/", team_views.team_create, name="team_create"),
    # The throttled login; an account with a second factor continues at login/code/.
    path("login/", SecondFactorLoginView.as_view(), name="login"),
    # Django's logout; after single sign-on, optionally the provider's too (sso/views.py).
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect): public by design, inert unless configured.
    path("sso/", include("sso.urls")),
    # The current password is checked under the login's throttle (dailyadmin/auth.py).
    path("account/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Second factor: login/code/, account/two-factor/..., t/<team>/settings/security/.
    path("", include("twofactor.urls")),
    path("t/<slug:team_slug>/", include("teams.urls")),
    path("t/<slug:team_slug>/rooms/", include("rooms.urls")),
    path("t/<slug:team_slug>/attendance/", include("attendance.urls")),
    path("webhooks/daily/<slug:team_slug>/", attendance_sync.receive_webhook, name="daily-webhook"),
    path("admin/", admin.site.urls),
]
