"""The translations (docs/operations.md, "Languages"): every catalog complete (no untranslated
or fuzzy entry), every committed .mo current with its .po, every marked string in a catalog
(makemessages would add nothing), and the apps not yet marked named in one list."""

from __future__ import annotations

import datetime as dt
import gettext
import shutil
import subprocess
import zoneinfo
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dailyadmin import messages as catalogs
from teams import dates, mail

CATALOGS = catalogs.catalogs()
PO_FILES = [po for catalog in CATALOGS for po in sorted(catalog.locale.glob("*/LC_MESSAGES/*.po"))]


def _id(path: Path) -> str:
    return str(path.relative_to(catalogs.ROOT))


def test_every_language_but_english_has_the_projects_catalog():
    project = catalogs.project_catalog()
    for language in catalogs.languages():
        assert project.po(language).is_file(), f"no {_id(project.po(language))}"


def test_every_app_is_translated_or_named_as_pending():
    """An app leaves PENDING when its strings are marked and its catalogs are complete; a new
    app starts with a catalog (or, until it has one, in PENDING)."""
    names = {app.name for app in catalogs.apps()}
    with_catalog = {catalog.name for catalog in CATALOGS}
    for name in sorted(names - set(catalogs.PENDING)):
        assert name in with_catalog, f"{name}/ has no locale/ and is not in PENDING"
        for language in catalogs.languages():
            catalog = next(c for c in CATALOGS if c.name == name)
            assert catalog.po(language).is_file(), f"no {_id(catalog.po(language))}"


@pytest.mark.parametrize("po", PO_FILES, ids=_id)
def test_a_catalog_has_no_untranslated_or_fuzzy_entry(po):
    entries = catalogs.parse_po(po)
    assert entries and entries[0].msgid == "", f"{_id(po)} has no header"
    header = entries[0].msgstr[0]
    assert f"Language: {po.parent.parent.name}\n" in header
    assert "Plural-Forms: nplurals=" in header and "INTEGER" not in header
    untranslated = [e.msgid for e in entries[1:] if e.untranslated]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    assert not untranslated, f"{_id(po)}: untranslated: {untranslated}"
    assert not fuzzy, f"{_id(po)}: fuzzy (check the translation, then drop the flag): {fuzzy}"


@pytest.mark.parametrize("po", PO_FILES, ids=_id)
def test_a_compiled_catalog_is_current_with_its_po(po):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{_id(mo)} is missing: run `make messages`"
    assert catalogs.read_mo(mo) == catalogs.compiled(catalogs.parse_po(po)), (
        f"{_id(mo)} is not compiled from the current {po.name}: run `make messages`"
    )
    # And gettext itself reads it.
    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).info().get("language") == po.parent.parent.name


def test_the_compiler_agrees_with_msgfmt(tmp_path):
    """`write_mo` writes what GNU msgfmt writes (where msgfmt is installed)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    for po in PO_FILES:
        target = tmp_path / "msgfmt.mo"
        subprocess.run(["msgfmt", "-c", "-o", str(target), str(po)], check=True)
        ours = catalogs.read_mo(po.with_suffix(".mo"))
        assert catalogs.read_mo(target) == ours, _id(po)


def _catalog_ids(po: Path) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in catalogs.parse_po(po) if e.msgid}


def _copy(catalog: catalogs.Catalog, into: Path) -> Path:
    if catalog.name == "project":
        target = into / "project"
        for name in (*catalogs.PROJECT_SOURCES, "locale"):
            shutil.copytree(catalogs.ROOT / name, target / name)
        return target
    target = into / catalog.name
    shutil.copytree(catalog.source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda c: c.name)
def test_every_marked_string_is_in_the_catalog(catalog, tmp_path):
    """makemessages, run on a copy, finds no string the committed catalogs lack: a string
    marked in code or a template but not translated fails here."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed: the extraction is not run")
    copy = _copy(catalog, tmp_path)
    catalogs.makemessages(catalog, where=copy)
    for domain in catalog.domains:
        for language in catalogs.languages():
            committed = catalog.po(language, domain)
            extracted = copy / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            if not extracted.exists():
                assert not committed.exists() or not _catalog_ids(committed) - {("", "")}
                continue
            missing = _catalog_ids(extracted) - _catalog_ids(committed)
            assert not missing, (
                f"{_id(committed)} lacks strings marked in {catalog.name}: {sorted(missing)} "
                "(run `make messages` and translate them)"
            )
            unused = _catalog_ids(committed) - _catalog_ids(extracted)
            assert not unused, f"{_id(committed)} keeps strings no longer marked: {unused}"


# -- the language in use ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_browsers_language_is_used_until_one_is_chosen():
    client = Client()
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert page["Content-Language"] == "de"
    assert '<html lang="de">' in page.text
    assert "Passwort vergessen?" in page.text
    assert "Forgot your password?" not in page.text
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr, en;q=0.8")
    assert "Forgot your password?" in english.text and '<html lang="en">' in english.text
    # No Accept-Language at all: English.
    assert "Forgot your password?" in Client().get(reverse("login")).text


@pytest.mark.django_db
def test_the_switcher_remembers_the_choice_in_a_cookie():
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    answer = client.post(
        reverse("set_language"),
        {"language": "de", "next": "/login/", "csrfmiddlewaretoken": token},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 302 and answer["Location"] == "/login/"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    # The cookie outweighs the browser's English.
    again = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Passwort vergessen?" in again.text


@pytest.mark.django_db
def test_the_switcher_needs_the_csrf_token_and_a_local_next():
    client = Client(enforce_csrf_checks=True)
    refused = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert refused.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in refused.cookies
    client = Client()
    away = client.post(reverse("set_language"), {"language": "de", "next": "https://evil.example/"})
    assert away.status_code == 302 and away["Location"] == "/"
    # A language that is not offered changes nothing.
    unknown = client.post(reverse("set_language"), {"language": "xx", "next": "/login/"})
    assert settings.LANGUAGE_COOKIE_NAME not in unknown.cookies or (
        unknown.cookies[settings.LANGUAGE_COOKIE_NAME].value != "xx"
    )


@pytest.mark.django_db
def test_the_scripts_strings_come_in_the_pages_language():
    catalog = Client().get(reverse("javascript_catalog"), HTTP_ACCEPT_LANGUAGE="de")
    assert catalog.status_code == 200
    assert "W\\u00e4hlen Sie zuerst R\\u00e4ume in der Tabelle aus." in catalog.text
    assert "Select rooms" not in Client().get(reverse("javascript_catalog")).text


# -- dates and numbers --------------------------------------------------------------------


def test_dates_and_numbers_follow_the_language():
    moment = dt.datetime(2026, 12, 5, 9, 56, tzinfo=dt.UTC)
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    with translation.override("de"):
        assert dates.day_time(moment, berlin) == "5. Dez. 2026, 10:56"
        assert dates.day(dt.date(2026, 3, 7)) == "7. März 2026"
        assert dates.clock(moment, berlin) == "10:56"
        assert dates.ago(moment - dt.timedelta(minutes=3), moment) == "vor 3\xa0Minuten"
        assert dates.ago(moment - dt.timedelta(days=2, hours=1), moment) == "vor 2\xa0Tagen"
        assert dates.ago(moment + dt.timedelta(hours=1, minutes=2), moment) == "in 1\xa0Stunde"
        assert dates.ago(moment - dt.timedelta(seconds=5), moment) == "gerade eben"
        with timezone.override(berlin):
            out = Template('{% load when %}{% at when %}|{{ n|floatformat:"1g" }}').render(
                Context({"when": moment, "n": 12345.67})
            )
        assert (
            out == '<time datetime="2026-12-05T10:56:00+01:00">5. Dez. 2026, 10:56</time>|12.345,7'
        )
    # English exactly as before.
    with translation.override("en"):
        assert dates.day_time(moment, berlin) == "5 Dec 2026, 10:56"
        assert dates.ago(moment - dt.timedelta(days=2, hours=1), moment) == "2\xa0days ago"
        assert Template('{{ n|floatformat:"1g" }}').render(Context({"n": 12345.67})) == "12,345.7"


# -- mail ---------------------------------------------------------------------------------


def _invitation(language: str) -> tuple[str, str]:
    context = {
        "team": SimpleNamespace(name="acme"),
        "inviter": "ann",
        "role": "Manager",
        "link": "https://dash.example.com/invitation/t0ken/",
        "expires_at": dt.datetime(2026, 12, 12, 9, 56, tzinfo=dt.UTC),
    }
    with translation.override(language):
        return mail.render("teams/email/invitation", context)


def test_the_invitation_is_written_in_the_senders_language():
    subject, body = _invitation("de")
    assert subject == "Einladung zu acme in dailyadmin"
    assert "ann lädt Sie ein, das Daily-Team acme in dailyadmin zu nutzen" in body
    assert "bis 12. Dez. 2026, 09:56 (UTC)" in body
    assert "https://dash.example.com/invitation/t0ken/" in body
    subject, body = _invitation("en")
    assert subject == "You are invited to acme on dailyadmin"
    assert "ann invites you to use the Daily team acme in dailyadmin, as manager." in body
    assert "until 12 Dec 2026, 09:56 (UTC)" in body


def test_the_password_reset_mail_is_written_in_the_requesters_language():
    context = {
        "user": SimpleNamespace(get_username=lambda: "ann"),
        "domain": "dash.example.com",
        "protocol": "https",
        "uid": "MQ",
        "token": "set-password",
    }
    with translation.override("de"):
        subject = Template('{% include "registration/password_reset_subject.txt" %}').render(
            Context(context)
        )
        body = Template('{% include "registration/password_reset_email.txt" %}').render(
            Context(context)
        )
    assert subject.strip() == "Ihr dailyadmin-Passwort zurücksetzen"
    assert body.startswith("Hallo ann,")
    assert "https://dash.example.com/account/reset/MQ/set-password/" in body
    assert "Wenn Sie das nicht angefordert haben" in body
