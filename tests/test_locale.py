from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["ru", "kk", "en"]
# Every catalogue the portal keeps: its own, and its translations of Django's and the libraries'
# strings (locale/libraries, see akimat/management/commands/library_messages.py).
CATALOGUES = [*LANGUAGES, "libraries/ru", "libraries/kk", "libraries/kk/djangojs"]
PLACEHOLDER = re.compile(r"%\(([^)]+)\)[#0 +\-]*\d*(?:\.\d+)?[a-zA-Z]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH_ONLY = set("әғқңөұүһі")


def _path(catalogue: str) -> Path:
    """`kk` → locale/kk/…/django.po; `libraries/kk/djangojs` → locale/libraries/kk/…/djangojs.po."""
    parts = catalogue.split("/")
    domain = parts.pop() if parts[-1] in {"django", "djangojs"} else "django"
    return LOCALE.joinpath(*parts) / "LC_MESSAGES" / f"{domain}.po"


def _po(catalogue: str) -> polib.POFile:
    return polib.pofile(str(_path(catalogue)))


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    """The live entries: not obsolete, not the header."""
    return [e for e in po if not e.obsolete and e.msgid != ""]


def _catalogue(
    catalogue: polib.POFile | polib.MOFile,
) -> set[tuple[str | None, str, str, tuple[str, ...]]]:
    """What a compiled catalogue holds, header aside, as comparable tuples."""
    return {
        (
            e.msgctxt,
            e.msgid,
            e.msgid_plural or "",
            (e.msgstr,)
            if not e.msgid_plural
            else tuple(v for _, v in sorted(e.msgstr_plural.items())),
        )
        for e in catalogue
        if e.msgid != ""
    }


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", CATALOGUES)
def test_nothing_is_fuzzy(lang: str) -> None:
    po = _po(lang)
    assert not po.metadata_is_fuzzy, f"{lang}: the header is marked fuzzy"
    fuzzy = [e.msgid for e in po if not e.obsolete and "fuzzy" in e.flags]
    assert fuzzy == [], f"{lang}: fuzzy entries: {fuzzy}"


@pytest.mark.parametrize("lang", CATALOGUES)
def test_every_entry_is_translated(lang: str) -> None:
    entries = _entries(_po(lang))
    assert entries, f"{lang}: the catalogue is empty"
    empty = [
        e.msgid
        for e in entries
        if (e.msgid_plural and (not e.msgstr_plural or not all(e.msgstr_plural.values())))
        or (not e.msgid_plural and not e.msgstr)
    ]
    assert empty == [], f"{lang}: untranslated entries: {empty}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header(lang: str) -> None:
    metadata = _po(lang).metadata
    assert metadata.get("Language") == lang
    assert "charset=UTF-8" in metadata.get("Content-Type", "")
    nplurals = {"ru": "nplurals=3;", "kk": "nplurals=2;", "en": "nplurals=2;"}[lang]
    assert metadata.get("Plural-Forms", "").startswith(nplurals)


@pytest.mark.parametrize("lang", CATALOGUES)
def test_compiled_catalogue_is_up_to_date(lang: str, tmp_path: Path) -> None:
    mo_path = _path(lang).with_suffix(".mo")
    assert mo_path.is_file(), f"{lang}: {mo_path} is missing: run `manage.py compilemessages`"
    fresh = tmp_path / mo_path.name
    _po(lang).save_as_mofile(str(fresh))
    expected = _catalogue(polib.mofile(str(fresh)))
    committed = _catalogue(polib.mofile(str(mo_path)))
    assert committed == expected, (
        f"{lang}: django.mo does not match django.po: run `manage.py compilemessages`; "
        f"missing or changed: {sorted(e[1] for e in expected - committed)[:10]}, "
        f"stale: {sorted(e[1] for e in committed - expected)[:10]}"
    )


def test_kazakh_is_not_a_copy_of_russian() -> None:
    ru = {(e.msgctxt, e.msgid): e.msgstr for e in _entries(_po("ru")) if not e.msgid_plural}
    kk = {(e.msgctxt, e.msgid): e.msgstr for e in _entries(_po("kk")) if not e.msgid_plural}
    shared = ru.keys() & kk.keys()
    assert shared
    same = sorted(key[1] for key in shared if ru[key] and ru[key] == kk[key])
    assert len(same) < 0.05 * len(shared), (
        f"Kazakh equals Russian for {len(same)} of {len(shared)}: {same}"
    )


def test_kazakh_uses_the_kazakh_alphabet() -> None:
    cyrillic = [
        text
        for e in _entries(_po("kk"))
        for text in ([e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values()))
        if CYRILLIC.search(text)
    ]
    assert cyrillic, "the Kazakh catalogue has no Cyrillic text"
    kazakh = [text for text in cyrillic if KAZAKH_ONLY & set(text.lower())]
    assert len(kazakh) > len(cyrillic) / 2, (
        f"only {len(kazakh)} of {len(cyrillic)} Kazakh strings use a Kazakh-specific letter (әғқңөұүһі)"
    )


@pytest.mark.parametrize("lang", CATALOGUES)
def test_placeholders_are_kept(lang: str) -> None:
    wrong = []
    for e in _entries(_po(lang)):
        if e.msgid_plural:
            # a form may drop the count ("один файл"), but none may invent or lose a name overall
            sources = _placeholders(e.msgid) | _placeholders(e.msgid_plural)
            forms = [_placeholders(text) for text in e.msgstr_plural.values()]
            if any(not form <= sources for form in forms) or set().union(*forms) != sources:
                wrong.append((e.msgid, e.msgstr_plural))
        elif _placeholders(e.msgid) != _placeholders(e.msgstr):
            wrong.append((e.msgid, e.msgstr))
    assert wrong == [], f"{lang}: placeholders differ: {wrong}"


@pytest.mark.parametrize("catalogue", ["libraries/ru", "libraries/kk", "libraries/kk/djangojs"])
def test_library_catalogue_holds_every_string_the_packages_have(catalogue: str) -> None:
    """After a Django or library upgrade, `make messages` adds the new strings to translate."""
    from akimat.management.commands.library_messages import wanted

    _, lang, *rest = catalogue.split("/")
    wanted_keys = {(e.msgctxt, e.msgid) for e in wanted(lang, rest[0] if rest else "django")}
    kept = {(e.msgctxt, e.msgid) for e in _entries(_po(catalogue))}
    assert wanted_keys - kept == set(), f"{catalogue}: run `make messages` and translate"
    assert kept - wanted_keys == set(), f"{catalogue}: run `make messages` to drop old strings"


# A case ending glued to a placeholder («%(number)s-і», «%(date)s-дан», «{n}-ге») has to follow
# the number's last sound, which a translation cannot know. A hyphen before a noun is the
# ordinal («%(week)s-апта» = week 5), whose form does not depend on the number.
GLUED_ENDING = re.compile(r"(?:%\([^)]*\)[sd]|\{[^}]*\})(-?[а-яәғқңөұүһі]+)", re.IGNORECASE)
ORDINAL_NOUNS = ("апта", "тоқсан", "бет")
GLOSSARY = LOCALE / "GLOSSARY.md"


def _texts(e: polib.POEntry) -> list[str]:
    return [e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values())


def _glued(text: str) -> list[str]:
    return [
        m.group()
        for m in GLUED_ENDING.finditer(text)
        if not (m.group(1).startswith("-") and m.group(1)[1:].startswith(ORDINAL_NOUNS))
    ]


def test_glued_ending_is_found_and_ordinal_is_not() -> None:
    assert _glued("%(pages)s беттің %(number)s-і") == ["%(number)s-і"]
    assert _glued("%(start)s-дан %(target)s-ға") == ["%(start)s-дан", "%(target)s-ға"]
    assert _glued("{n}-ге дейін") == ["{n}-ге"]
    assert _glued("%(week)s-апта қорытындысы; %(year)s жылғы %(number)s-тоқсан") == []
    assert _glued("%(date)s күнінен бастап, № %(number)s нұсқа") == []


def test_kazakh_glues_no_case_ending_to_a_placeholder() -> None:
    glued = [(e.msgid, text) for e in _entries(_po("kk")) for text in _texts(e) if _glued(text)]
    assert glued == [], f"rephrase so no ending hangs on a placeholder: {glued}"


def _forbidden() -> dict[str, list[tuple[str, str]]]:
    """From locale/GLOSSARY.md's table: per language, (concept, forbidden form) pairs."""
    rows = [line for line in GLOSSARY.read_text().splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    forbidden: dict[str, list[tuple[str, str]]] = {"ru": [], "kk": []}
    for row in rows[1:]:
        cells = dict(zip(header, (cell.strip() for cell in row.strip("|").split("|")), strict=True))
        for lang in forbidden:
            for form in re.findall(r"«([^»]+)»", cells[f"not in {lang}"]):
                forbidden[lang].append((cells["concept (English msgid)"], form))
    return forbidden


def test_glossary_table_is_read() -> None:
    forbidden = _forbidden()
    assert ("reception (the single reception desk)", "рецепци") in forbidden["kk"]
    assert ("bonus", "сыйақы") in forbidden["kk"]
    assert ("score (the bonus score, My score)", "оценк") in forbidden["ru"]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_catalogue_follows_the_glossary(lang: str) -> None:
    texts = [(e.msgid, text) for e in _entries(_po(lang)) for text in _texts(e)]
    found = [
        (concept, form, msgid, text)
        for concept, form in _forbidden()[lang]
        for msgid, text in texts
        if re.search(rf"(?<!\w){re.escape(form)}", text, re.IGNORECASE)
    ]
    assert found == [], f"{lang}: terms the glossary (locale/GLOSSARY.md) rules out: {found}"


# The portal's own words where Django's catalogue says it otherwise, on purpose (the glossary's
# terms, the language switcher's names). Any other msgid the portal shares with Django keeps
# Django's translation: a service's "This field is required." must read as every form's.
OWN_WORDS = {
    "kk": {"Russian", "Kazakh", "English", "Time", "version", "Friday", "Clear", "Duration"},
    "ru": {"Home", "Clear", "Duration"},
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_msgid_shared_with_django_reads_as_djangos(language):
    import django

    django_po = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES"
    theirs = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in polib.pofile(str(django_po / "django.po"))
        if e.msgstr
    }
    ours = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    differ = sorted(
        e.msgid
        for e in ours
        if theirs.get((e.msgctxt, e.msgid), e.msgstr) != e.msgstr
        and e.msgid not in OWN_WORDS[language]
    )
    assert not differ, (
        f"{language}: the portal's catalogue says these otherwise than Django: {differ}"
    )
