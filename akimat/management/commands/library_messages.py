"""Keep the portal's own translations of Django's and the libraries' strings up to date.

Django's Kazakh is incomplete (about half of the admin, the password rules, the time since) and
in places wrong, and where a string has no Kazakh, Django falls back to the default language, so
a Kazakh page would show Russian. Django-simple-history ships its Russian as ``ru_RU``, which
Django never looks up for ``ru``, so its buttons would be English on a Russian page.

The portal therefore keeps, under ``locale/libraries/``, its own catalogue of every string those
packages can show: for Kazakh all of them, for Russian only those the package itself leaves
untranslated. ``LOCALE_PATHS`` puts it before the packages' own catalogues.

``makemessages`` cannot keep them (it drops any string not found in the portal's own source), so
this command does what it would: it collects the strings from the packages' own catalogues, keeps
the translations already written, adds new strings untranslated (the locale tests then fail
until someone translates them) and drops strings the packages no longer have. Run it through
``make messages`` after upgrading Django or one of the libraries.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import polib
from django.conf import global_settings, settings
from django.core.management.base import BaseCommand

LIBRARY_LOCALE = Path(settings.BASE_DIR) / "locale" / "libraries"
# The languages the portal re-translates Django and the libraries into.
LANGUAGES = ("ru", "kk")


@dataclass(frozen=True)
class Source:
    """One package's catalogue: where its strings are and which catalogue carries them."""

    package: str
    domain: str = "django"
    # The language whose catalogue lists every string: English where the package has one; "*"
    # for a package with no complete catalogue: the strings of all its catalogues together.
    reference: str = "en"
    # The directory name of the package's own Russian, if it is not plain "ru".
    russian: str = "ru"
    # Also read the package's Python code: some strings (django-axes' field names) are in
    # none of its catalogues.
    scan_code: bool = False

    def directory(self) -> Path:
        module = import_module(self.package)
        return (
            Path(module.__file__ or "").parent
            / ("conf" if self.package == "django" else "")
            / "locale"
        )

    def catalogue(self, language: str) -> polib.POFile | None:
        path = self.directory() / language / "LC_MESSAGES" / f"{self.domain}.po"
        return polib.pofile(str(path)) if path.is_file() else None

    def strings(self) -> Iterator[polib.POEntry]:
        """Every string the package has, each once, in its catalogues' order."""
        if self.reference != "*":
            yield from _live(self.catalogue(self.reference))
            return
        seen: set[tuple[str | None, str]] = set()
        catalogues = [
            self.catalogue(p.name) for p in sorted(self.directory().iterdir()) if p.is_dir()
        ]
        if self.scan_code:
            catalogues.append(self.code_strings())
        for catalogue in catalogues:
            for entry in _live(catalogue):
                if _key(entry) not in seen:
                    seen.add(_key(entry))
                    yield entry

    def code_strings(self) -> polib.POFile:
        """The strings marked in the package's Python files, read by xgettext as makemessages
        reads the portal's."""
        package = Path(import_module(self.package).__file__ or "").parent
        files = sorted(str(f) for f in package.rglob("*.py") if "migrations" not in f.parts)
        keywords = [
            "gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2",
            "npgettext:1c,2,3", "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3", "_",
        ]  # fmt: skip
        command = ["xgettext", "--language=Python", "--from-code=UTF-8", "--output=-"]
        command += [f"--keyword={keyword}" for keyword in keywords]
        found = subprocess.run([*command, *files], capture_output=True, text=True, check=True)
        return polib.pofile(found.stdout)


# The packages whose strings the portal shows: Django's core (forms, validation, dates, time
# since), the contrib apps in INSTALLED_APPS that have strings, the history and the sign-in lock.
SOURCES = (
    Source("django"),
    Source("django.contrib.admin"),
    Source("django.contrib.admin", domain="djangojs"),
    Source("django.contrib.auth"),
    Source("django.contrib.contenttypes"),
    Source("django.contrib.sessions"),
    # django-simple-history has no English catalogue, and each of its others lacks a few strings.
    Source("simple_history", reference="*", russian="ru_RU"),
    Source("axes", reference="*", scan_code=True),
)
# Django's core catalogue also names every language in the world; the portal shows only its own
# three, translated in its own catalogue.
LANGUAGE_NAMES = {str(name) for _, name in global_settings.LANGUAGES}


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _live(catalogue: polib.POFile | None) -> Iterator[polib.POEntry]:
    for entry in catalogue or ():
        if entry.msgid and not entry.obsolete:
            yield entry


def wanted(language: str, domain: str) -> list[polib.POEntry]:
    """The strings the portal must translate into ``language`` itself, first source first."""
    seen: dict[tuple[str | None, str], polib.POEntry] = {}
    for source in SOURCES:
        if source.domain != domain:
            continue
        own = {
            _key(e): e
            for e in _live(source.catalogue(source.russian if language == "ru" else language))
            if _translated(e) and "fuzzy" not in e.flags
        }
        for entry in source.strings():
            key = _key(entry)
            if key in seen or entry.msgid in LANGUAGE_NAMES:
                continue
            if language == "ru" and source.russian == "ru" and key in own:
                continue  # the package's own Russian is found and complete
            seen[key] = polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                occurrences=[(source.package, "")],
                flags=[f for f in entry.flags if f.endswith("-format")],
            )
    return list(seen.values())


def _path(language: str, domain: str) -> Path:
    return LIBRARY_LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def _header(language: str) -> dict[str, str]:
    plural = {
        "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
        "kk": "nplurals=2; plural=(n!=1);",
    }[language]
    return {
        "Project-Id-Version": "akimat-portal (Django and libraries)",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural,
    }


def update(language: str, domain: str) -> tuple[int, int]:
    """Rewrite one catalogue; returns (strings, untranslated)."""
    path = _path(language, domain)
    entries = wanted(language, domain)
    if not entries:
        path.unlink(missing_ok=True)
        path.with_suffix(".mo").unlink(missing_ok=True)
        return 0, 0
    old = {_key(e): e for e in _live(polib.pofile(str(path)))} if path.is_file() else {}
    po = polib.POFile(wrapwidth=100)
    po.metadata = _header(language)
    nplurals = 3 if language == "ru" else 2
    for entry in entries:
        kept = old.get(_key(entry))
        if kept is not None:
            entry.msgstr, entry.msgstr_plural = kept.msgstr, kept.msgstr_plural
            entry.tcomment = kept.tcomment
        elif entry.msgid_plural:
            entry.msgstr_plural = dict.fromkeys(range(nplurals), "")
        po.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return len(po), sum(1 for e in po if not _translated(e))


def domains() -> Iterable[str]:
    return sorted({source.domain for source in SOURCES})


class Command(BaseCommand):
    help = "Collect Django's and the libraries' strings into locale/libraries for translation."

    def handle(self, *args: object, **options: object) -> None:
        for language in LANGUAGES:
            for domain in domains():
                total, missing = update(language, domain)
                self.stdout.write(f"{language}/{domain}: {total} strings, {missing} untranslated")
