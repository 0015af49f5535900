"""Every page of the portal: its URL patterns walked, the placeholders filled with real rows of
the demo (plus one of each record the demo does not make). Shared by the header test and the
language crawl, so both visit the same pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from importlib import import_module

from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from akimat.models import DayTransfer, Department, ImportRun, User
from appeals.models import Appeal, AppealFile, Channel, Kind, Topic
from appeals.services import Applicant, register_appeal
from journal.models import Entry, EntryAttachment, Export, Indicator
from journal.services import add_attachments
from meetings import agenda as meeting_agenda
from meetings import visits as deputy_month
from meetings.models import AgendaFile, AgendaItem, FieldVisit, Meeting, Protocol, SitePhoto
from meetings.models import Kind as MeetingKind
from plans.models import Cycle, Goal, Plan, Review, Tactic
from reception.models import Case, CaseDocument, Closure, Visit
from scores.models import BonusPolicy, PersonSnapshot, ScoreDispute
from scores.services import open_dispute
from tasks.models import (
    Absence,
    Attachment,
    ChecklistItem,
    DeadlineChange,
    HandOver,
    RecurringTask,
    SavedFilter,
    Task,
)
from tasks.services import (
    add_attachment,
    create_task,
    deadline_from,
    hand_over_to_acting,
    save_filter,
)
from tests.demo import seed


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(name, route) for every pattern, includes followed; regex routes keep their regex."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, route


def pk(model, **filters) -> int:
    """The first demo row of `model`: a pattern whose objects the demo lacks fails loudly."""
    value = model._default_manager.filter(**filters).order_by("pk").values_list("pk", flat=True)
    found = value.first()
    assert found is not None, f"the demo has no {model.__name__} matching {filters}"
    return found


# A 1×1 PNG: a problem site's photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
    "890000000d4944415478da63fccfc0500f000485018084a98c210000000049454e44ae426082"
)


# The pages of one appeal (its page, its coupon and its actions): their <pk> is an appeal's.
APPEAL_PAGES = {
    "appeals:detail",
    "appeals:coupon",
    "appeals:appeal-assign",
    "appeals:appeal-extend",
    "appeals:appeal-extension-notice",
    "appeals:appeal-redirect",
    "appeals:appeal-answer",
    "appeals:appeal-close",
}


def portal_values(name: str) -> dict[str, object]:
    """Real objects for the placeholders of the portal's own patterns, by pattern name."""
    task = pk(Task, department__slug="agriculture", checklist__isnull=False)
    cycle = pk(Cycle, department__slug="agriculture")
    plan = pk(Plan, cycle=cycle, goals__tactics__isnull=False)
    goal = pk(Goal, plan=plan)
    review = Review.objects.filter(plan__cycle=cycle).order_by("pk").first()
    visit = pk(Visit)
    case = pk(Case, documents__isnull=False)
    entry = pk(Entry, attachments__isnull=False) if EntryAttachment.objects.exists() else None
    hand_over = HandOver.objects.get(pk=pk(HandOver))
    values: dict[str, dict[str, object]] = {
        "dashboard-directorate": {"pk": pk(Department, slug="agriculture")},
        "dashboard-person": {
            "pk": pk(Department, slug="agriculture"),
            "person": pk(User, username="specialist.agriculture"),
        },
        "score-dispute-answer": {"pk": pk(ScoreDispute)},
        "tasks:absence-hand-over": {"pk": pk(Absence)},
        "tasks:absence-edit": {"pk": pk(Absence)},
        "tasks:absence-delete": {"pk": pk(Absence)},
        "tasks:absence-give-back": {"pk": hand_over.absence_id},
        "tasks:absence-undo": {"pk": hand_over.absence_id, "hand_over_pk": hand_over.pk},
        "tasks:task-move-decide": {
            "pk": (change := DeadlineChange.objects.order_by("pk").first()).task_id,
            "change_pk": change.pk,
        },
        "tasks:checklist-toggle": {"pk": task, "item_pk": pk(ChecklistItem, task=task)},
        "tasks:checklist-remove": {"pk": task, "item_pk": pk(ChecklistItem, task=task)},
        "tasks:attachment": {
            "pk": (attachment := Attachment.objects.order_by("pk").first()).task_id,
            "attachment_pk": attachment.pk,
        },
        "tasks:recurring-stop": {"pk": pk(RecurringTask)},
        "tasks:saved-filter-rename": {"pk": pk(SavedFilter)},
        "tasks:saved-filter-delete": {"pk": pk(SavedFilter)},
        "tasks:import-run": {"pk": pk(ImportRun, kind="instructions")},
        "people-import-run": {"pk": pk(ImportRun, kind="staff")},
        "plans:goal-edit": {"pk": plan, "goal_pk": goal},
        "plans:goal-delete": {"pk": goal},
        "plans:reading-save": {"pk": goal},
        "plans:tactic-create": {"pk": goal},
        "plans:tactic-edit": {"tactic_pk": pk(Tactic, goal__plan=plan)},
        "plans:tactic-remove": {"pk": pk(Tactic, goal__plan=plan)},
        "plans:review-edit": {"pk": review.plan_id, "kind": review.kind, "week": review.week},
        "reception:case-detail": {"pk": case},
        "reception:case-visitor-back": {"pk": case},
        "reception:case-document-toggle": {
            "pk": case,
            "document_pk": pk(CaseDocument, case=case),
        },
        "journal:link-options": {"kind": "tasks"},
        "journal:export-detail": {"pk": pk(Export)},
        "journal:export-download": {"pk": pk(Export)},
        "journal:attachment": {
            "pk": entry,
            "attachment_pk": pk(EntryAttachment, entry=entry),
        },
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(
                force_bytes(pk(User, username="specialist.agriculture"))
            ),
            "token": default_token_generator.make_token(
                User.objects.get(username="specialist.agriculture")
            ),
        },
    }
    if name in values:
        return values[name]
    if name.startswith("plans:cycle-") or name == "plans:plan-create":
        return {"pk": cycle}
    if name.startswith("plans:"):
        return {"pk": plan}
    if name.startswith("tasks:"):
        return {"pk": task}
    if name.startswith("reception:"):
        return {"pk": visit}
    if name == "appeals:file":
        stored = AppealFile.objects.order_by("pk").first()
        return {"pk": stored.appeal_id, "file_pk": stored.pk}
    if name.startswith("appeals:") and name in APPEAL_PAGES:
        return {"pk": pk(Appeal, files__isnull=False)}
    if name.startswith("meetings:"):
        return meeting_values(name)
    if name.startswith("journal:indicator-") or name == "journal:reading-add":
        return {"pk": pk(Indicator)}
    if name.startswith("journal:"):
        return {"pk": pk(Entry)}
    return {}


def meeting_values(name: str) -> dict[str, object]:
    """The meetings' placeholders, each row found by a rule: the collegial meeting of the
    deputy's held visit (signed protocol), a protocol changed by amendments, a meeting with a
    material, the held visit with its photo."""
    if name == "meetings:agenda-file":
        stored = AgendaFile.objects.select_related("item").order_by("pk").first()
        return {"pk": stored.item.meeting_id, "file_pk": stored.pk}
    if name in ("meetings:agenda-remove", "meetings:agenda-files"):
        item = AgendaItem.objects.filter(files__isnull=False).order_by("pk").first()
        return {"pk": item.meeting_id, "item_pk": item.pk}
    if name in ("meetings:detail", "meetings:edit", "meetings:agenda-add"):
        return {"pk": pk(Meeting, agenda__files__isnull=False)}
    if name == "meetings:protocol-control":
        return {"pk": pk(Meeting, protocol__amendments__isnull=False)}
    if name.startswith("meetings:protocol"):
        return {
            "pk": pk(Meeting, kind=MeetingKind.COLLEGIAL, protocol__status=Protocol.Status.SIGNED)
        }
    if name == "meetings:visit-photo":
        photo = SitePhoto.objects.select_related("site").order_by("pk").first()
        return {"pk": photo.site.visit_id, "photo_pk": photo.pk}
    if name.startswith("meetings:visit"):
        return {"pk": pk(FieldVisit, held_on__isnull=False)}
    return {}


def admin_url(route: str) -> str:
    """An admin route with a real object: the model comes from the route's app and model."""
    if route.startswith("admin/r/"):
        user = User.objects.get(username="specialist.agriculture")
        return f"/admin/r/{ContentType.objects.get_for_model(User).pk}/{user.pk}/"
    if "(?P<app_label>" in route:
        return "/admin/tasks/"
    if "(?P<url>" in route:  # the admin's catch-all: a page that is not there
        return "/admin/no-such-page/"
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if not match:
        return "/" + route
    models = {(m._meta.app_label, m._meta.model_name): m for m in admin.site._registry}
    if match.groups() not in models:  # the admin's own pages: password_change/done/
        return "/" + route
    model = models[match.groups()]
    if "<" not in route and "(" not in route:
        return "/" + route
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model.__name__} row for {route}"
    if "^([^/]+)/history/([^/]+)/$" in route:
        version = obj.history.order_by("pk").first()
        assert version is not None, f"no history of {model.__name__} for {route}"
        return f"/admin/{match[1]}/{match[2]}/{obj.pk}/history/{version.pk}/"
    return "/" + re.sub(r"<(?:path:)?(?:object_id|id)>", str(obj.pk), route)


def fill(route: str, values: dict[str, object]) -> str:
    def value(match: re.Match[str]) -> str:
        assert match[1] in values, f"no value for <{match[1]}> in {route}"
        return str(values[match[1]])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def build_demo() -> None:
    """The demo, plus one of each record it does not make, so every pattern has a real object
    (MEDIA_ROOT should point at a temporary directory)."""
    seed()
    if not DayTransfer.objects.exists():
        # The migration's shipped corrections, gone when a transactional test emptied the tables.
        import_module("akimat.migrations.0007_calendar_transfers").ship_transfers(apps, None)
    specialist = User.objects.get(username="specialist.agriculture")
    snapshot = PersonSnapshot.objects.filter(person=specialist).order_by("-date").first()
    open_dispute(person=specialist, date=snapshot.date, comment="Не согласна с оценкой.")
    task = Task.objects.filter(responsible=specialist).order_by("pk").first()
    add_attachment(task=task, actor=specialist, upload=SimpleUploadedFile("act.txt", b"act"))
    entry = Entry.objects.order_by("pk").first()
    add_attachments(
        entry=entry, actor=entry.author, files=[SimpleUploadedFile("note.txt", b"note")]
    )
    Closure.objects.create(
        department=specialist.department,
        first_day=snapshot.date,
        last_day=snapshot.date,
        reason="Санитарный день",
    )
    policy = BonusPolicy.objects.order_by("pk").first()
    if not policy.history.exists():
        policy._change_reason = "the admin's history view needs one version"
        policy.save()
    # django-axes' records (its admin pages): one failed and one successful sign-in.
    Client().post("/accounts/login/", {"username": "deputy", "password": "demo"})
    Client().post("/accounts/login/", {"username": "deputy", "password": "wrong"})
    export = Export.objects.create(
        owner=User.objects.get(username="methodologist"),
        selection={},
        key="0" * 64,
        name="журнал.docx",
        state=Export.State.DONE,
    )
    export.file.save("journal.docx", ContentFile(b"docx"), save=True)
    AccessFailureLog.objects.create(username="deputy", ip_address="127.0.0.1", user_agent="")
    # A hand-over (the demo records absences but hands nothing over): its give-back and undo.
    absence = Absence.objects.filter(acting__isnull=False).order_by("pk").first()
    deputy = User.objects.get(username="deputy")
    create_task(
        author=deputy,
        title="Справка к совещанию",
        responsible=absence.user,
        deadline=deadline_from(absence.end),
        allow_past_deadline=True,
    )
    hand_over_to_acting(absence=absence, actor=deputy, scope=HandOver.Scope.ALL)
    # An appeal with its scanned letter (its page and its file's address).
    if not AppealFile.objects.exists():
        topic = Topic.objects.order_by("pk").first() or Topic.objects.create(
            name_ru="Торговля", name_kk="Сауда", department=specialist.department
        )
        register_appeal(
            registrar=User.objects.get(username="reception"),
            kind=Kind.STATEMENT,
            channel=Channel.WRITTEN,
            topic=topic,
            summary="Не выдают разрешение на торговлю",
            applicant=Applicant(name="Серикбаев Нурлан", phone="+77011234567"),
            files=[SimpleUploadedFile("letter.txt", b"letter")],
        )

    # A material on an agenda item and a photo of a problem site (the demo has neither file).
    if not AgendaFile.objects.exists():
        item = (
            AgendaItem.objects.filter(
                meeting__kind=MeetingKind.INTERNAL,
                meeting__chair__username="head.agriculture",
                meeting__protocol__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        meeting_agenda.add_files(
            item=item,
            actor=item.meeting.chair,
            files=[SimpleUploadedFile("spravka.pdf", b"%PDF-1.4 report")],
        )
    # A saved search, and a finished import of each kind (their pages: the run's own person's).
    save_filter(
        owner=User.objects.get(username="head.agriculture"),
        name="Просроченные",
        query="overdue=1",
    )
    for kind, login, rows in (("instructions", "deputy", 12), ("staff", "admin", 40)):
        ImportRun.objects.create(
            token=uuid.uuid4(),
            kind=kind,
            user=User.objects.get(username=login),
            file_name=f"{kind}.xlsx",
            state=ImportRun.State.DONE,
            rows=rows,
            created=rows,
        )
    if not SitePhoto.objects.exists():
        visit = FieldVisit.objects.filter(held_on__isnull=False).order_by("pk").first()
        deputy_month.add_problem_site(
            actor=visit.deputy,
            visit=visit,
            name="Остановка у школы № 3",
            found="Нет навеса",
            photos=[SimpleUploadedFile("stop.png", PNG, content_type="image/png")],
        )


def urls() -> list[tuple[str, str]]:
    found = []
    for name, route in walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            found.append((name, admin_url(route)))
        else:
            found.append((name, fill(route, portal_values(name))))
    return found
