"""The translation catalogs: where they are, how they are made and compiled, and how they are
read (docs/operations.md, "Languages").

Each app keeps its strings in ``<app>/locale/<lang>/LC_MESSAGES/django.po`` so that one app
can be marked and translated without touching another's file; the project's own templates
(``templates/``), ``dailyadmin/`` and the scripts in ``static/js`` keep theirs in ``locale/``.
The compiled ``.mo`` files are committed beside their ``.po``: a fresh machine, the test
suite and the image need no gettext tools. ``make messages`` (``python -m
dailyadmin.messages``) extracts every marked string with Django's makemessages (which
needs GNU gettext) and compiles the catalogs with `write_mo` (which does not).

`PENDING` names the apps whose strings are not marked yet; the catalog tests
(tests/test_translations.py) hold every other app to a complete, current catalog.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's own sources (catalog in locale/); scripts under static/js/vendor are not ours.
PROJECT_SOURCES = ("templates", "dailyadmin", "static")
# Apps with user-visible strings not marked for translation yet: each leaves this list when
# its strings are marked and its catalog is complete.
PENDING: tuple[str, ...] = ()
# Directories that are no app of the dashboard's pages (no user-visible strings).
NOT_APPS = ("tests", "bench", "simulator", "daily", "docs", "locale", "var", "dailyadmin.egg-info")
# makemessages' options: one reference per file (no line numbers), so a change elsewhere in
# a file does not rewrite its catalog; strings no longer used are dropped.
MAKEMESSAGES_OPTIONS = ["--add-location=file", "--no-obsolete", "--no-wrap"]


def languages() -> list[str]:
    """Every language but English, the language of the source."""
    from django.conf import settings

    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def apps() -> list[Path]:
    """The dashboard's app directories (the Django apps in this repository)."""
    return sorted(
        path.parent
        for path in ROOT.glob("*/apps.py")
        if path.parent.name not in NOT_APPS and path.parent.name != "dailyadmin"
    )


@dataclass
class Catalog:
    """One source tree and its locale directory: an app, or the project (``locale/``)."""

    name: str
    source: Path
    # makemessages --ignore patterns (the project's: everything but its own sources).
    ignore: list[str] = field(default_factory=list)
    domains: tuple[str, ...] = ("django",)

    @property
    def locale(self) -> Path:
        return self.source / "locale"

    def po(self, language: str, domain: str = "django") -> Path:
        return self.locale / language / "LC_MESSAGES" / f"{domain}.po"


def project_catalog() -> Catalog:
    ignore = [
        entry.name
        for entry in ROOT.iterdir()
        if entry.is_dir() and entry.name not in (*PROJECT_SOURCES, "locale")
    ]
    return Catalog("project", ROOT, ignore=[*ignore, "vendor"], domains=("django", "djangojs"))


def catalogs() -> list[Catalog]:
    """The project's catalog and every app's that has a locale directory."""
    found = [project_catalog()]
    found += [Catalog(app.name, app) for app in apps() if (app / "locale").is_dir()]
    return found


# -- .po files ---------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    # msgstr alone, or msgstr[0], msgstr[1], ... in order.
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The msgid as a compiled catalog knows it (context, EOT, msgid)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def untranslated(self) -> bool:
        return not self.msgstr or any(not text for text in self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(text: str) -> str:
    # A .po string is a C string; Python's literal syntax reads the escapes it uses.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", included; obsolete #~ ones not)."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                entries.append(current)
                current, flags = None, set()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = target, line
        elif keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            if current is not None:
                entries.append(current)
            current, flags = Entry(msgid="", flags=flags), set()
        if current is None:
            raise ValueError(f"{path}:{number}: {line!r} belongs to no entry")
        text = _unquote(rest)
        if keyword == target and line.startswith('"'):
            if keyword.startswith("msgstr"):
                current.msgstr[-1] += text
            else:
                setattr(current, keyword, (getattr(current, keyword) or "") + text)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, text)
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            current.msgstr.append(text)
        else:
            raise ValueError(f"{path}:{number}: cannot read {line!r}")
        target = keyword
    if current is not None:
        entries.append(current)
    return entries


def read_mo(path: Path) -> dict[str, str]:
    """The messages of a .mo file, as `compiled` gives them."""
    data = path.read_bytes()
    magic, _, count, ids_at, strs_at = struct.unpack("<Iiiii", data[:20])
    if magic != 0x950412DE:
        raise ValueError(f"{path}: not a little-endian .mo file")
    out = {}
    for i in range(count):
        klen, kat = struct.unpack("<ii", data[ids_at + 8 * i : ids_at + 8 * i + 8])
        vlen, vat = struct.unpack("<ii", data[strs_at + 8 * i : strs_at + 8 * i + 8])
        out[data[kat : kat + klen].decode()] = data[vat : vat + vlen].decode()
    return out


def compiled(entries: list[Entry]) -> dict[str, str]:
    """What msgfmt puts in a .mo: translated, not fuzzy, the header included; plural forms
    joined by NUL under their msgid and msgid_plural joined by NUL."""
    out: dict[str, str] = {}
    for entry in entries:
        if entry.fuzzy and entry.msgid:
            continue
        if entry.untranslated and entry.msgid:
            continue
        key = entry.key
        if not entry.msgid:
            # As msgfmt: the header without the extraction's date (a .mo changes only with
            # its translations).
            lines = entry.msgstr[0].splitlines(keepends=True)
            out[key] = "".join(x for x in lines if not x.startswith("POT-Creation-Date:"))
            continue
        if entry.msgid_plural is not None:
            key = f"{key}\x00{entry.msgid_plural}"
        out[key] = "\x00".join(entry.msgstr)
    return out


def write_mo(entries: list[Entry], path: Path) -> None:
    """A GNU .mo file (little-endian, no hash table), as msgfmt writes one."""
    messages = sorted((k.encode(), v.encode()) for k, v in compiled(entries).items())
    ids = b"".join(k + b"\x00" for k, _ in messages)
    strs = b"".join(v + b"\x00" for _, v in messages)
    count = len(messages)
    keys_start = 7 * 4 + 16 * count
    values_start = keys_start + len(ids)
    offsets: list[int] = []
    position = 0
    for k, _ in messages:
        offsets += [len(k), keys_start + position]
        position += len(k) + 1
    position = 0
    value_offsets: list[int] = []
    for _, v in messages:
        value_offsets += [len(v), values_start + position]
        position += len(v) + 1
    header = struct.pack("<Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    body = struct.pack(f"<{len(offsets)}i", *offsets) + struct.pack(
        f"<{len(value_offsets)}i", *value_offsets
    )
    path.write_bytes(header + body + ids + strs)


# -- make messages -------------------------------------------------------------------------


def makemessages(catalog: Catalog, where: Path | None = None) -> None:
    """Django's makemessages for `catalog`, run in `where` (a copy of its source, for the
    tests) or in place. Needs GNU gettext (xgettext, msgmerge)."""
    where = where or catalog.source
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "dailyadmin.settings"}
    env.setdefault("DEBUG", "1")  # settings need no secrets to list strings
    for domain in catalog.domains:
        command = [sys.executable, "-m", "django", "makemessages", "--domain", domain]
        command += [f"--locale={language}" for language in languages()]
        command += [f"--ignore={pattern}" for pattern in catalog.ignore]
        command += MAKEMESSAGES_OPTIONS
        if domain == "djangojs":
            command += ["--extension=js"]
        else:
            command += ["--extension=html,txt,py"]
        # Our own interpreter and fixed arguments.
        subprocess.run(command, cwd=where, env=env, check=True, capture_output=True, text=True)  # noqa: S603


def tidy_header(po: Path, language: str) -> None:
    """A new catalog's header, as makemessages writes it, is marked fuzzy and names no
    language: this one is the catalog of `language`, and its header is no guess."""
    text = po.read_text(encoding="utf-8")
    head, marker, rest = text.partition('msgid ""\n')
    if not marker:
        return
    head = head.replace("#, fuzzy\n", "")
    rest = re.sub(
        r'^"Language: \\n"$', lambda _: f'"Language: {language}\\n"', rest, count=1, flags=re.M
    )
    po.write_text(head + marker + rest, encoding="utf-8")


def compile_all() -> list[Path]:
    """Every catalog's .po compiled to the .mo beside it."""
    written = []
    for catalog in catalogs():
        for po in sorted(catalog.locale.glob("*/LC_MESSAGES/*.po")):
            write_mo(parse_po(po), po.with_suffix(".mo"))
            written.append(po.with_suffix(".mo"))
    return written


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailyadmin.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    if shutil.which("xgettext") is None:
        sys.exit("makemessages needs GNU gettext (Debian: apt-get install gettext)")
    for catalog in catalogs():
        makemessages(catalog)
        for language in languages():
            for domain in catalog.domains:
                if catalog.po(language, domain).exists():
                    tidy_header(catalog.po(language, domain), language)
        print(f"{catalog.name}: {catalog.locale.relative_to(ROOT.parent)}")
    for mo in compile_all():
        print(f"compiled {mo.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
