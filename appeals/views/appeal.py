"""One appeal's page: what it is, its warnings, its files, its history, and the actions of its
life (executor, extension and its notice, redirect, answer, closing).

Every action is a POST that validates its small form and calls one service, which re-checks who
may (the page shows a button only where the same `can_*` allows). An htmx request gets the page's
region in its new state with a toast; a plain one is redirected back (Post/Redirect/Get). Refused
input re-draws the page with the form as typed and its errors, status 200.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.change_reasons import as_text
from akimat.forms import PortalForm
from akimat.http import (
    HtmxRequest,
    Level,
    add_errors,
    first_error,
    notify,
    serve_file,
    toast_or_redirect,
)
from akimat.models import User
from akimat.once import AlreadySaved, once
from appeals import forms_life as forms
from appeals import services
from appeals.models import (
    Appeal,
    AppealFile,
    Status,
    extension_notice_late,
    extension_notice_pending,
    overdue_on,
    redirect_late,
)

TEMPLATE = "appeals/detail.html"
REGION = TEMPLATE + "#appeal-detail"
HISTORY_PER_PAGE = 20


def _flag(rule: Q) -> Case:
    """A row's rule as a boolean column: the same Q a filter uses, never a rule re-written."""
    return Case(When(rule, then=Value(True)), default=Value(False), output_field=BooleanField())


def visible_appeal(user: User, pk: int) -> Appeal:
    """The appeal if this person sees it (else 404), with its warnings of today."""
    today = timezone.localdate()
    return get_object_or_404(
        Appeal.objects.visible_to(user)
        .select_related(
            "topic",
            "department",
            "registered_by",
            "repeat_of",
            "executor",
            "assigned_by",
            "task",
            "extended_by",
            "redirected_by",
            "answered_by",
            "closed_by",
        )
        .annotate(
            is_overdue=_flag(overdue_on(today)),
            notice_pending=_flag(extension_notice_pending()),
            notice_late=_flag(extension_notice_late(today)),
            is_redirect_late=_flag(redirect_late()),
        ),
        pk=pk,
    )


# --- the history -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    who: str
    lines: tuple[str, ...]


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _reason(record: Any) -> str:
    return as_text(record.history_change_reason)


def _lines(record: Any, previous: Any | None) -> tuple[str, ...]:
    out = [_reason(record) or (_("appeal registered") if previous is None else _("edited"))]
    if previous is None:
        return tuple(out)
    if previous.status != record.status:
        out.append(
            _("Status: %(old)s → %(new)s")
            % {"old": _label(Status, previous.status), "new": _label(Status, record.status)}
        )
    if previous.extension_reason != record.extension_reason and record.extension_reason:
        out.append(_("Reasons: %(text)s") % {"text": record.extension_reason})
    if previous.redirect_reason != record.redirect_reason and record.redirect_reason:
        out.append(_("Reasons: %(text)s") % {"text": record.redirect_reason})
    return tuple(out)


def history_page(appeal: Appeal, number: str | None) -> tuple[Any, list[Event]]:
    """A page of the appeal's history, newest first. Two queries whatever its length: the
    count, and the page's records with one older record, which each line is compared with."""
    records = appeal.history.select_related("history_user").order_by("-history_date", "-history_id")
    page = Paginator(records, HISTORY_PER_PAGE).get_page(number)
    start = page.start_index() - 1 if page.paginator.count else 0
    rows = list(records[start : start + HISTORY_PER_PAGE + 1])
    events = []
    for index, record in enumerate(rows[:HISTORY_PER_PAGE]):
        previous = rows[index + 1] if index + 1 < len(rows) else None
        who = str(record.history_user) if record.history_user else _("the system")
        events.append(Event(record.history_date, who, _lines(record, previous)))
    return page, events


# --- the page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    key: str
    title: Promise  # a lazy translation, drawn in the reader's language
    url_name: str
    allowed: Callable[[User, Appeal], bool]


ACTIONS = (
    Action(
        "assign", gettext_lazy("Assign an executor"), "appeals:appeal-assign", services.can_assign
    ),
    Action("extend", gettext_lazy("Extend the term"), "appeals:appeal-extend", services.can_extend),
    Action(
        "notice",
        gettext_lazy("Record the extension notice"),
        "appeals:appeal-extension-notice",
        services.can_record_extension_notice,
    ),
    Action("redirect", gettext_lazy("Redirect"), "appeals:appeal-redirect", services.can_redirect),
    Action("answer", gettext_lazy("Answer"), "appeals:appeal-answer", services.can_answer),
    Action("close", gettext_lazy("Close the appeal"), "appeals:appeal-close", services.can_close),
)


def _blank_form(key: str, appeal: Appeal) -> PortalForm | None:
    if key == "assign":
        return forms.AssignForm(appeal=appeal)
    if key == "extend":
        return forms.ExtendForm()
    if key == "notice":
        return forms.ExtensionNoticeForm()
    if key == "redirect":
        return forms.RedirectForm()
    if key == "answer":
        return forms.AnswerForm()
    return None


def detail_context(
    request: HtmxRequest, appeal: Appeal, *, bound: tuple[str, PortalForm] | None = None
) -> dict[str, object]:
    user = request.user
    actions = []
    for action in ACTIONS:
        if not action.allowed(user, appeal):
            continue
        form = bound[1] if bound and bound[0] == action.key else _blank_form(action.key, appeal)
        actions.append(
            {
                "key": action.key,
                "title": action.title,
                "url_name": action.url_name,
                "form": form,
                "open": bool(bound and bound[0] == action.key),
            }
        )
    page, events = history_page(appeal, request.GET.get("page"))
    return {
        "appeal": appeal,
        "extension_limit": services.extension_limit(appeal.received_at),
        # Not paginated: at most FILES_MAX with the letter and FILES_MAX with the one answer.
        "files": list(appeal.files.select_related("uploaded_by")),
        "co_executors": list(appeal.task.co_executors.all()) if appeal.task else [],
        "actions": actions,
        "page": page,
        "events": events,
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def appeal_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    appeal = visible_appeal(request.user, pk)
    template = REGION if request.htmx else TEMPLATE
    return TemplateResponse(request, template, detail_context(request, appeal))


@require_GET
@login_required
def appeal_file(request: HtmxRequest, pk: int, file_pk: int) -> FileResponse:
    """A file is served only to people who see its appeal."""
    appeal = get_object_or_404(Appeal.objects.visible_to(request.user), pk=pk)
    stored = get_object_or_404(AppealFile, pk=file_pk, appeal=appeal)
    return serve_file(stored.file, filename=stored.name)


# --- the actions -----------------------------------------------------------------------------

Operation = Callable[[Appeal, dict[str, Any]], object]


def _done(request: HtmxRequest, pk: int, text: str, level: Level) -> HttpResponse:
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        redirect_to=Appeal(pk=pk).get_absolute_url(),
        template=REGION,
        context=lambda: detail_context(request, visible_appeal(request.user, pk)),
    )


def _refused(request: HtmxRequest, appeal: Appeal, key: str, form: PortalForm) -> HttpResponse:
    """The page again with the form as typed and its errors (status 200); htmx adds a toast."""
    context = detail_context(request, appeal, bound=(key, form))
    if request.htmx:
        return notify(TemplateResponse(request, REGION, context), first_error(form), "danger")
    return TemplateResponse(request, TEMPLATE, context)


def _act(
    request: HtmxRequest,
    pk: int,
    key: str,
    make_form: Callable[[Appeal], PortalForm | None],
    operation: Operation,
    done: str,
) -> HttpResponse:
    """Validate, call the service once (a form sent twice saves once), answer. Someone who may
    not act gets 403, from the service's own check (or here, for a refused form)."""
    appeal = visible_appeal(request.user, pk)
    action = next(a for a in ACTIONS if a.key == key)
    form = make_form(appeal)
    if form is not None and not form.is_valid():
        if not action.allowed(request.user, appeal):
            raise PermissionDenied(_("You may not do this with this appeal."))
        return _refused(request, appeal, key, form)
    data = form.cleaned_data if form is not None else {}
    try:
        with once(request):
            operation(appeal, data)
    except AlreadySaved as repeat:
        return _done(request, pk, str(repeat), "info")
    except ValidationError as error:
        if form is None:
            return _done(request, pk, first_error(error), "danger")
        add_errors(form, error)
        return _refused(request, appeal, key, form)
    return _done(request, pk, done, "success")


@require_POST
@login_required
def appeal_assign(request: HtmxRequest, pk: int) -> HttpResponse:
    def assign(appeal: Appeal, data: dict[str, Any]) -> object:
        return services.assign_executor(
            appeal=appeal,
            actor=request.user,
            executor=data["executor"],
            co_executors=list(data["co_executors"]),
        )

    return _act(
        request,
        pk,
        "assign",
        lambda appeal: forms.AssignForm(request.POST, appeal=appeal),
        assign,
        _("The executor is assigned; the task is set."),
    )


@require_POST
@login_required
def appeal_extend(request: HtmxRequest, pk: int) -> HttpResponse:
    def extend(appeal: Appeal, data: dict[str, Any]) -> object:
        return services.extend_appeal(
            appeal=appeal,
            actor=request.user,
            new_deadline=data["new_deadline"],
            reason=data["reason"],
        )

    return _act(
        request,
        pk,
        "extend",
        lambda appeal: forms.ExtendForm(request.POST),
        extend,
        _("The term is extended. Tell the applicant within three working days."),
    )


@require_POST
@login_required
def appeal_extension_notice(request: HtmxRequest, pk: int) -> HttpResponse:
    def record(appeal: Appeal, data: dict[str, Any]) -> object:
        return services.record_extension_notice(appeal=appeal, actor=request.user, day=data["day"])

    return _act(
        request,
        pk,
        "notice",
        lambda appeal: forms.ExtensionNoticeForm(request.POST),
        record,
        _("The notice of the extension is recorded."),
    )


@require_POST
@login_required
def appeal_redirect(request: HtmxRequest, pk: int) -> HttpResponse:
    def redirect(appeal: Appeal, data: dict[str, Any]) -> object:
        return services.redirect_appeal(
            appeal=appeal,
            actor=request.user,
            body=data["body"],
            reason=data["reason"],
            notice_on=data["notice_on"],
        )

    return _act(
        request,
        pk,
        "redirect",
        lambda appeal: forms.RedirectForm(request.POST),
        redirect,
        _("The appeal is redirected."),
    )


@require_POST
@login_required
def appeal_answer(request: HtmxRequest, pk: int) -> HttpResponse:
    def answer(appeal: Appeal, data: dict[str, Any]) -> object:
        return services.answer_appeal(
            appeal=appeal,
            actor=request.user,
            answer=data["answer"],
            decision=data["decision"],
            files=data["files"],
        )

    return _act(
        request,
        pk,
        "answer",
        lambda appeal: forms.AnswerForm(request.POST, request.FILES),
        answer,
        _("The answer is saved; the head closes the appeal."),
    )


@require_POST
@login_required
def appeal_close(request: HtmxRequest, pk: int) -> HttpResponse:
    def close(appeal: Appeal, data: dict[str, Any]) -> object:
        return services.close_appeal(appeal=appeal, actor=request.user)

    return _act(request, pk, "close", lambda appeal: None, close, _("The appeal is closed."))


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", appeal_detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", appeal_file, name="file"),
    path("<int:pk>/assign/", appeal_assign, name="appeal-assign"),
    path("<int:pk>/extend/", appeal_extend, name="appeal-extend"),
    path("<int:pk>/extension-notice/", appeal_extension_notice, name="appeal-extension-notice"),
    path("<int:pk>/redirect/", appeal_redirect, name="appeal-redirect"),
    path("<int:pk>/answer/", appeal_answer, name="appeal-answer"),
    path("<int:pk>/close/", appeal_close, name="appeal-close"),
]
