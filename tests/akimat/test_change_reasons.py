"""Change reasons are stored as English msgids and shown in the reader's language: every reason
the code writes is marked with gettext_noop and translated in the Kazakh and Russian catalogues,
and the admin's history list shows it translated."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from akimat.change_reasons import DEADLINE_MOVED, as_text, with_data
from tests.tasks.factories import TaskFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("akimat", "tasks", "plans", "reception", "journal", "meetings", "appeals", "scores")
# Where a reason is written: the attribute, the keywords, and the services' `_save` / `_history`
# helpers (the reason is their third argument).
REASON_KEYWORDS = {"default_change_reason", "history_change_reason"}
REASON_HELPERS = {"_save", "_history"}


def _sources() -> list[Path]:
    return [
        path
        for app in APPS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _is_noop(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gettext_noop"


def _reason_expressions(tree: ast.AST) -> list[ast.expr]:
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "_change_reason" for t in node.targets
        ):
            found.append(node.value)
        elif isinstance(node, ast.Call):
            found += [k.value for k in node.keywords if k.arg in REASON_KEYWORDS]
            name = getattr(node.func, "id", None)
            if name in REASON_HELPERS and len(node.args) >= 3:
                found.append(node.args[2])
    return found


def _bare_literals(expression: ast.expr) -> list[str]:
    """Text in a reason expression that is not inside gettext_noop (it would stay English)."""
    if _is_noop(expression):
        return []
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.JoinedStr):
        return [ast.unparse(expression)]
    return [text for child in ast.iter_child_nodes(expression) for text in _bare_literals(child)]


def _parse(path: Path) -> ast.Module:
    """The module's tree. CPython 3.11 before 3.11.8 keeps the AST converter's recursion depth in
    one state for all threads (gh-106905), so a parse while another thread of the suite converts
    an AST (a live server's, a worker's) can fail with "AST constructor recursion depth
    mismatch"; the same source parses the next time."""
    source = path.read_text()
    try:
        return ast.parse(source, filename=str(path))
    except SystemError:
        return ast.parse(source, filename=str(path))


def _marked() -> tuple[set[str], list[str]]:
    """Every gettext_noop text in the apps, and every reason written as bare text."""
    marked: set[str] = set()
    bare: list[str] = []
    for path in _sources():
        tree = _parse(path)
        marked |= {
            node.args[0].value
            for node in ast.walk(tree)
            if _is_noop(node) and isinstance(node.args[0], ast.Constant)
        }
        for expression in _reason_expressions(tree):
            bare += [
                f"{path.relative_to(ROOT)}:{expression.lineno}: {text!r}"
                for text in _bare_literals(expression)
            ]
    return marked, bare


def test_every_change_reason_in_the_code_is_marked_for_translation():
    marked, bare = _marked()
    assert not bare, "change reasons not marked with gettext_noop:\n" + "\n".join(bare)
    # The scan sees the reasons: a few known ones from different apps.
    assert {
        "created",
        "language switch",
        "score disputed",
        "blockers changed",
        "demo data",
    } <= marked


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_change_reason_is_in_the_catalogue(language):
    catalogue = {
        entry.msgid: entry
        for entry in polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    }
    marked, _bare = _marked()
    missing = sorted(
        text
        for text in marked
        if text not in catalogue or not catalogue[text].msgstr or "fuzzy" in catalogue[text].flags
    )
    assert not missing, f"not translated in {language}: {missing}"


def test_a_reason_with_data_translates_its_words_and_keeps_the_data():
    stored = with_data(DEADLINE_MOVED, "ждём ответа: письмо № 5")
    assert stored == "deadline moved: ждём ответа: письмо № 5"
    with translation.override("kk"):
        shown = as_text(stored)
        assert as_text("language switch") != "language switch"
    assert shown.endswith(": ждём ответа: письмо № 5")
    assert not shown.startswith("deadline moved")
    assert as_text("") == "" and as_text(None) == ""
    assert as_text("something nobody marked") == "something nobody marked"


def test_a_date_in_a_reason_is_written_as_ru_and_kk_write_it_whatever_the_writer_reads():
    with translation.override("en"):
        stored = with_data("term extended to", dt.date(2027, 1, 5))
    assert stored == "term extended to: 05.01.2027"


@pytest.mark.django_db
def test_the_admin_history_shows_the_reason_in_kazakh(client, admin_user):
    task = TaskFactory()
    task._change_reason = "blockers changed"
    task.save()
    admin_user.language = "kk"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    page = client.get(reverse("admin:tasks_task_history", args=[task.pk])).content.decode()
    with translation.override("kk"):
        kazakh = as_text("blockers changed")
    assert kazakh != "blockers changed" and kazakh in page
    assert "blockers changed" not in page
