from __future__ import annotations

from types import MethodType

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from attendance.views import sync as attendance_sync
from dailyadmin.health import readyz
from dailyadmin.metrics import metrics_view
from dailyadmin.password_reset import PasswordResetConfirmView, PasswordResetView
from sso import views as sso_views
from teams import language
from teams import views as team_views
from teams.auth import (
    PasswordChangeView,
    ThrottledAdminAuthenticationForm,
    admin_password_change,
)
from twofactor.views.login import SecondFactorLoginView
from usage import views_digests as digest_views

# The admin's login page counts attempts with the same throttle as the dashboard's.
admin.site.login_form = ThrottledAdminAuthenticationForm
# And its password change checks the current password under the same throttle.
admin.site.password_change = MethodType(admin_password_change, admin.site)

urlpatterns = [
    path("", team_views.home, name="home"),
    path("healthz", team_views.healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    # The language switcher's form posts here (a cookie remembers the choice), and the
    # scripts' translated strings (static/js) are read from jsi18n/ (docs/operations.md,
    # "Languages"). No language prefix in the URLs: a link reads in each reader's language.
    # A logged-in person's choice is also kept for the mail the worker sends them.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("teams/new/", team_views.team_create, name="team_create"),
    # The throttled login; an account with a second factor continues at login/code/.
    path("login/", SecondFactorLoginView.as_view(), name="login"),
    # Django's logout; after single sign-on, optionally the provider's too (sso/views.py).
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect): public by design, inert unless configured.
    path("sso/", include("sso.urls")),
    # The current password is checked under the login's throttle (teams/auth.py).
    path("account/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password reset by email (dailyadmin/password_reset.py): throttled, the same answer
    # whether the address has a login or not.
    path("account/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # Invitations (teams.services.invitations): the link's token is the permission.
    path("invitation/accept/", team_views.invitation_accept, name="invitation_accept"),
    path("invitation/<str:token>/", team_views.invitation, name="invitation"),
    # Second factor: login/code/, account/two-factor/..., t/<team>/settings/security/.
    path("", include("twofactor.urls")),
    # Domain settings (REST): rooms' defaults, so in the rooms app; owners only.
    path("t/<slug:team_slug>/settings/domain/", include("rooms.urls_domain")),
    path("t/<slug:team_slug>/", include("dashboard.urls")),
    path("t/<slug:team_slug>/", include("teams.urls")),
    path("t/<slug:team_slug>/rooms/", include("rooms.urls")),
    path("t/<slug:team_slug>/attendance/", include("attendance.urls")),
    path("t/<slug:team_slug>/recordings/", include("recordings.urls")),
    path("t/<slug:team_slug>/usage/", include("usage.urls")),
    # A digest's unsubscribe link: public, the signed token is the credential.
    path("digests/unsubscribe/<str:token>/", digest_views.unsubscribe, name="digest_unsubscribe"),
    path("webhooks/daily/<slug:team_slug>/", attendance_sync.receive_webhook, name="daily_webhook"),
    path("admin/", admin.site.urls),
]
