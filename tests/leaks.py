"""What a page in one language must not show: another language's catalogue strings, English
month names and 12-hour clocks, and decimal points in figures. Read from the catalogues the
portal actually loads (its own, locale/libraries, Django's and the installed apps')."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django
import polib
from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise

# Placeholders, HTML tags and line breaks split a msgstr into the fragments a page shows whole.
SPLIT = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}|<[^>]+>|\n")
WORD = re.compile(r"[^\W\d_]+")
# The finder's words: letters, or a number (every number reads as 0, see Finder.find).
TOKEN = re.compile(r"[^\W\d_]+|0")
NUMBER = re.compile(r"(?<![\d.,])\d+ (?=[^\W\d_])")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# Letters only Kazakh has: a msgstr with one is Kazakh, so the words it shares with Russian
# («Инвестор», «Статистика») are Kazakh words too.
KAZAKH = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
PORTAL_APPS = {"akimat", "tasks", "plans", "reception", "journal", "scores"}
EDGES = " \t.,;:!?«»\"'()[]…-–—/*#№"

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
]
ENGLISH_MONTH = re.compile(r"(?<![^\W\d_])(" + "|".join(MONTHS) + r")(?![^\W\d_])")
# A decimal point between digits, not part of a dotted run (06.12.2026, versions, IPs) nor of
# a time's seconds (12:05:24.129220).
DECIMAL_POINT = re.compile(r"(?<![\d.:])\d+\.\d+(?![\d.])")
# A day.month without the year (06.12) reads as a date, unless a per cent sign follows it.
DAY_MONTH = re.compile(r"(0?[1-9]|[12]\d|3[01])\.(0[1-9]|1[0-2])")
# An item or document number («п. 3.1», «№ 2.4»), not a figure.
NUMBERING = re.compile(r"(п\.|пункт|тармақ|№)\s?$", re.IGNORECASE)
# English date order: «Жел. 6, 2026», «Dec. 6, 2026», «12/06/2026».
ENGLISH_DATE = re.compile(r"(?<![^\W\d_])[^\W\d_]+\.? \d{1,2}, \d{4}|\b\d{2}/\d{2}/\d{4}\b")
# A number and the word after it in a msgstr ("%(num)d день"): a word too short to be a fragment
# on its own, but Russian when it follows a number on a kk page («1 день, 2 часа бұрын»).
NUMBERED = re.compile(r"%(?:\(\w+\))?d\s+([^\W\d_]{3,})(?![^\W\d_])")


@dataclass(frozen=True)
class Source:
    """Where a fragment comes from: the catalogue and its msgid."""

    catalogue: str
    msgid: str


@dataclass(frozen=True)
class Leak:
    kind: str  # "Russian", "English", "month", "12-hour clock", "decimal point"
    fragment: str
    source: Source | None = None

    def __str__(self) -> str:
        where = f"  ← {self.source.catalogue}: {self.source.msgid!r}" if self.source else ""
        return f"{self.kind}: {self.fragment!r}{where}"


def catalogue_files(language: str) -> list[tuple[str, Path]]:
    """(label, .po path) of every catalogue Django merges for `language`, portal first."""
    found = []
    for path in settings.LOCALE_PATHS:
        label = "portal" if Path(path).name == "locale" else Path(path).name
        found.append((label, Path(path)))
    for config in apps.get_app_configs():
        found.append((config.name, Path(config.path) / "locale"))
    found.append(("django", Path(django.__file__).parent / "conf" / "locale"))
    files = []
    for label, root in found:
        for domain in ("django", "djangojs"):
            po = root / language / "LC_MESSAGES" / f"{domain}.po"
            if po.exists():
                files.append((label if domain == "django" else f"{label} (js)", po))
    return files


@cache
def entries(language: str) -> list[tuple[str, polib.POEntry]]:
    return [
        (label, entry)
        for label, po in catalogue_files(language)
        for entry in polib.pofile(str(po))
        if entry.msgid and not entry.obsolete
    ]


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [text for text in entry.msgstr_plural.values() if text]
    return [entry.msgstr] if entry.msgstr else []


def normal(text: str) -> str:
    return " ".join(text.split()).lower()


def fragments(text: str) -> list[str]:
    return [f for part in SPLIT.split(text) if (f := normal(part).strip(EDGES))]


def meaningful(fragment: str, *, min_words: int, min_letters: int) -> bool:
    words = WORD.findall(fragment)
    return len(words) >= min_words or (len(words) == 1 and len(words[0]) >= min_letters)


class Finder:
    """Finds whole-word occurrences of many fragments in a text, indexed by the first word."""

    def __init__(self, found: dict[str, Source]) -> None:
        self.by_first_word: dict[str, list[tuple[str, Source]]] = defaultdict(list)
        for fragment, source in found.items():
            first = TOKEN.match(fragment)
            if first:
                self.by_first_word[first.group()].append((fragment, source))
        for candidates in self.by_first_word.values():
            candidates.sort(key=lambda pair: -len(pair[0]))
        self.size = len(found)

    def find(self, text: str) -> list[tuple[str, Source]]:
        text = NUMBER.sub("0 ", normal(text))
        hits: dict[str, Source] = {}
        covered = 0
        for word in TOKEN.finditer(text):
            if word.start() < covered:
                continue  # inside a longer fragment already found
            if word.start() > 0 and text[word.start() - 1].isalpha():
                continue
            for fragment, source in self.by_first_word.get(word.group(), ()):
                end = word.start() + len(fragment)
                if text.startswith(fragment, word.start()) and not (
                    end < len(text) and text[end].isalpha() and fragment[-1].isalpha()
                ):
                    hits.setdefault(fragment, source)
                    covered = end
                    break
        return list(hits.items())


def _shared(texts: list[str]) -> str:
    return "\n".join(normal(text) for text in texts)


def _occurs(fragment: str, haystack: str) -> bool:
    if fragment not in haystack:
        return False
    return re.search(r"(?<![^\W\d_])" + re.escape(fragment) + r"(?![^\W\d_])", haystack) is not None


@cache
def russian_finder() -> Finder:
    """Russian fragments a kk page must not show: a ru msgstr's fragment that no Kazakh msgstr
    (of the same msgid, or any msgstr written in Kazakh) also contains."""
    kazakh_by_msgid: dict[tuple[str, str], list[str]] = defaultdict(list)
    kazakh_texts = []
    for label, entry in entries("kk"):
        for text in translations(entry):
            if KAZAKH.search(text) or label in {"portal", "libraries"}:  # both are reviewed
                kazakh_by_msgid[(entry.msgctxt or "", entry.msgid)].append(normal(text))
                kazakh_texts.append(text)
    kazakh = _shared(kazakh_texts)
    found: dict[str, Source] = {}
    for label, entry in entries("ru"):
        same = "\n".join(kazakh_by_msgid.get((entry.msgctxt or "", entry.msgid), []))
        for text in translations(entry):
            for fragment in fragments(text):
                if fragment in found or not CYRILLIC.search(fragment):
                    continue
                if not meaningful(fragment, min_words=2, min_letters=8):
                    continue
                if _occurs(fragment, same) or _occurs(fragment, kazakh):
                    continue
                found[fragment] = Source(label, entry.msgid)
            for word in NUMBERED.findall(text):
                key = f"0 {normal(word)}"
                if key not in found and not _occurs(normal(word), same + "\n" + kazakh):
                    found[key] = Source(label, entry.msgid)
    return Finder(found)


def unmarked_field_names() -> dict[str, Source]:
    """The portal's model fields and models whose verbose name is not marked for translation
    (Django makes one from the name: "updated at"); a page shows them in English."""
    found = {}
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS or model.__name__.startswith("Historical"):
            continue
        names = [(model._meta.verbose_name, model._meta.label)]
        names += [
            (field.verbose_name, f"{model._meta.label}.{field.name}")
            for field in model._meta.get_fields()
            if getattr(field, "concrete", False) and not field.auto_created
        ]
        for name, where in names:
            if isinstance(name, Promise):
                continue
            words = WORD.findall(name)
            if len(words) >= 2 or (words and len(words[0]) >= 6):
                found.setdefault(normal(name), Source("unmarked verbose name", where))
    return found


@cache
def english_finder(language: str) -> Finder:
    """English fragments (of at least two words) a `language` page must not show: a msgid's
    fragment that the language's translation of it does not contain."""
    translated = defaultdict(list)
    every = []
    for _, entry in entries(language):
        texts = translations(entry)
        translated[(entry.msgctxt or "", entry.msgid)].extend(normal(t) for t in texts)
        every.extend(texts)
    shared = _shared(every)
    found: dict[str, Source] = {}
    for label, entry in entries(language):
        same = "\n".join(translated[(entry.msgctxt or "", entry.msgid)])
        for text in filter(None, (entry.msgid, entry.msgid_plural)):
            for fragment in fragments(text):
                if fragment in found or CYRILLIC.search(fragment):
                    continue
                words = WORD.findall(fragment)
                if len(words) < 2 or sum(map(len, words)) < 8:
                    continue
                if _occurs(fragment, same) or _occurs(fragment, shared):
                    continue
                found[fragment] = Source(label, entry.msgid)
    for fragment, source in unmarked_field_names().items():
        if not _occurs(fragment, shared):
            found.setdefault(fragment, source)
    return Finder(found)


@cache
def twelve_hour_markers() -> re.Pattern[str]:
    """A time followed by any language's "a.m."/"p.m." (Django's kk «Т.Қ.», ru «д.п.»)."""
    markers = {"a.m.", "p.m.", "AM", "PM"}
    for language in ("ru", "kk"):
        for _, entry in entries(language):
            if entry.msgid in {"a.m.", "p.m.", "AM", "PM"} and entry.msgstr:
                markers.add(entry.msgstr)
    alternatives = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    return re.compile(r"\d{1,2}:\d{2}\s?(" + alternatives + r")(?![^\W\d_])|\b[ap]\.m\.")


def decimal_points(text: str) -> list[str]:
    found = []
    for match in DECIMAL_POINT.finditer(text):
        after = text[match.end() : match.end() + 2].strip()
        if DAY_MONTH.fullmatch(match.group()) and not after.startswith("%"):
            continue
        if NUMBERING.search(text[max(0, match.start() - 8) : match.start()]):
            continue
        found.append(match.group() + (" %" if after.startswith("%") else ""))
    return found


def leaks(text: str, language: str) -> list[Leak]:
    """Everything on a page in `language` (kk or ru) that belongs to another language."""
    found: list[Leak] = []
    if language == "kk":
        found += [Leak("Russian", f, s) for f, s in russian_finder().find(text)]
    found += [Leak("English", f, s) for f, s in english_finder(language).find(text)]
    found += [Leak("month", m) for m in sorted(set(ENGLISH_MONTH.findall(text)))]
    found += [Leak("12-hour clock", m.group()) for m in twelve_hour_markers().finditer(text)]
    found += [Leak("English date order", m) for m in ENGLISH_DATE.findall(text)]
    found += [Leak("decimal point", f) for f in decimal_points(text)]
    return found
