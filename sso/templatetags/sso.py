from __future__ import annotations

from django import template

from sso import conf

register = template.Library()


@register.inclusion_tag("sso/button.html", takes_context=True)
def sso_button(context) -> dict:
    """ "Sign in with <provider>" on the login page, when single sign-on is set up."""
    cfg = conf.config()
    return {"cfg": cfg, "next": context.get("next", "")}
