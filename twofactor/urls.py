"""The second factor's pages: the login's code step, the account pages, a team's policy."""

from __future__ import annotations

from django.urls import path

from twofactor.views import account, login, team

app_name = "twofactor"

urlpatterns = [
    path("login/code/", login.login_code, name="login_code"),
    path("account/two-factor/", account.account, name="account"),
    path("account/two-factor/setup/", account.setup, name="setup"),
    path("account/two-factor/recovery/", account.recovery, name="recovery"),
    path("account/two-factor/disable/", account.disable, name="disable"),
    path("account/two-factor/verify/", login.verify, name="verify"),
    path("t/<slug:team_slug>/settings/security/", team.team_policy, name="team_policy"),
]
