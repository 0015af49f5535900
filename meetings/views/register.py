"""The register of meetings: the list a person sees (filtered, paginated), a meeting's form (new,
from a visit of the deputy's month, or edited), a meeting's page with its agenda, and the
agenda's actions (an item added or removed, materials added, a material served)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akimat.cleaning import query_data, query_int
from akimat.http import HtmxRequest, add_errors, first_error, serve_file
from akimat.models import User
from akimat.once import AlreadySaved, already_saved, once
from akimat.versions import Conflict
from meetings import agenda, services
from meetings.forms import (
    AgendaFilesForm,
    AgendaItemForm,
    MeetingForm,
    RegisterFilterForm,
    visits_seen_by,
)
from meetings.models import AgendaFile, AgendaItem, FieldVisit, Kind, Meeting

PAGE_SIZE = 25
DETAIL = "meetings/register/detail.html"
FORM = "meetings/register/form.html"
# A new meeting starts at the next full hour and lasts an hour, unless the person says otherwise.
DEFAULT_DURATION = 60


def _visible(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user)


def _register_rows(user: User, form: RegisterFilterForm) -> QuerySet[Meeting]:
    """The meetings the person sees, filtered, newest first, each with what its row shows."""
    meetings = _visible(user)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            meetings = meetings.filter(kind=data["kind"])
        if data["month"]:
            start, end = data["month"]
            meetings = meetings.filter(starts_at__gte=start, starts_at__lt=end)
        if data.get("department"):
            meetings = meetings.filter(department=data["department"])
        if data["mine"]:
            mine = Q(chair=user) | Q(secretary=user) | Q(participants=user)
            meetings = meetings.filter(pk__in=Meeting.objects.filter(mine).values("pk"))
    return (
        meetings.select_related("chair", "district")
        .annotate(
            participant_count=Count("participants", distinct=True),
            protocol_status=F("protocol__status"),
            protocol_number=F("protocol__number"),
        )
        .order_by("-starts_at", "-pk")
    )


@require_GET
@login_required
def meeting_list(request: HtmxRequest) -> HttpResponse:
    """The register: the meetings the person sees, newest first, 25 a page."""
    form = RegisterFilterForm(query_data(request), user=request.user)
    page = Paginator(_register_rows(request.user, form), PAGE_SIZE).get_page(
        query_int(request, "page")
    )
    return TemplateResponse(
        request,
        "meetings/register/list.html",
        {"form": form, "page": page, "may_create": services.can_create(request.user)},
    )


# --- the meeting's form ----------------------------------------------------------------------


def _next_hour() -> dt.datetime:
    now = timezone.localtime()
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def _initial_from_visit(visit: FieldVisit) -> dict[str, object]:
    return {
        "visit": visit.pk,
        "kind": Kind.COLLEGIAL,
        "district": visit.district_id,
        "day": visit.held_on or visit.planned_on,
    }


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request: HtmxRequest) -> HttpResponse:
    """A new meeting; `?visit=<pk>` makes it the collegial meeting of that visit."""
    if not services.can_create(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _create(request)
    start = _next_hour()
    initial: dict[str, object] = {
        "chair": request.user.pk,
        "day": start.date(),
        "start": start.time(),
        "duration_minutes": DEFAULT_DURATION,
    }
    visit_error = ""
    visit = None
    if "visit" in request.GET:
        visit_pk = query_int(request, "visit")
        visit = visits_seen_by(request.user).filter(pk=visit_pk).first() if visit_pk else None
        if visit is None:
            visit_error = _("There is no such visit of the deputy's month among yours.")
        else:
            initial |= _initial_from_visit(visit)
    form = MeetingForm(initial=initial, user=request.user)
    return TemplateResponse(
        request, FORM, {"form": form, "visit": visit, "visit_error": visit_error}
    )


def _create(request: HtmxRequest) -> HttpResponse:
    form = MeetingForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            with once(request) as submission:
                meeting = services.create_meeting(
                    actor=request.user,
                    data=form.meeting_data(department=request.user.department),
                )
                submission.location = meeting.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("meetings:list"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return HttpResponseRedirect(submission.location)
    return TemplateResponse(request, FORM, {"form": form, "visit": form.cleaned_data.get("visit")})


def _version(meeting: Meeting) -> int | None:
    """The meeting's last history record: every save of the meeting writes one, so it changes
    whenever somebody saves the meeting (the register's stand-in for a version column)."""
    return meeting.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _update(request: HtmxRequest, meeting: Meeting, form: MeetingForm) -> None:
    """The edit, unless somebody saved the meeting after this form was drawn (Conflict)."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if _version(locked) != form.cleaned_data["version"]:
            raise Conflict(locked)
        services.update_meeting(
            meeting=locked,
            actor=request.user,
            data=form.meeting_data(department=meeting.department),
        )


def _initial_from_meeting(meeting: Meeting) -> dict[str, object]:
    starts_at = timezone.localtime(meeting.starts_at)
    return {
        "version": _version(meeting),
        "visit": meeting.field_visit_id,
        "kind": meeting.kind,
        "title": meeting.title,
        "day": starts_at.date(),
        "start": starts_at.time(),
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place,
        "district": meeting.district_id,
        "department": meeting.department_id,
        "chair": meeting.chair_id,
        "secretary": meeting.secretary_id,
        "participants": [p.pk for p in meeting.participants.all()],
        "guests": "\n".join(
            f"{g.full_name} — {g.organisation}" if g.organisation else g.full_name
            for g in meeting.guests.all()
        ),
    }


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    """The meeting's form, for whoever may edit it (its chair, secretary or author)."""
    meeting = get_object_or_404(
        _visible(request.user).select_related("field_visit__district"), pk=pk
    )
    if not services.can_edit(request.user, meeting):
        raise PermissionDenied
    if request.method == "POST":
        form = MeetingForm(
            request.POST,
            user=request.user,
            current_visit=meeting.field_visit_id,
            current_district=meeting.district_id,
        )
        if form.is_valid():
            try:
                _update(request, meeting, form)
            except Conflict as conflict:
                messages.warning(request, str(conflict))
                return HttpResponseRedirect(reverse("meetings:edit", args=[meeting.pk]))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The meeting is saved."))
                return HttpResponseRedirect(meeting.get_absolute_url())
    else:
        form = MeetingForm(
            initial=_initial_from_meeting(meeting),
            user=request.user,
            current_visit=meeting.field_visit_id,
            current_district=meeting.district_id,
        )
    return TemplateResponse(
        request, FORM, {"form": form, "meeting": meeting, "visit": meeting.field_visit}
    )


# --- the meeting's page and its agenda -------------------------------------------------------


def _detail_context(
    request: HtmxRequest, meeting: Meeting, item_form: AgendaItemForm | None = None
) -> dict[str, Any]:
    may_change_agenda = agenda.may_change_agenda(request.user, meeting)
    if may_change_agenda and item_form is None:
        item_form = AgendaItemForm()
    return {
        "meeting": meeting,
        "participants": list(
            meeting.participants.select_related("department").order_by("last_name", "pk")
        ),
        "guests": list(meeting.guests.all()),
        "agenda": list(meeting.agenda.select_related("reporter").prefetch_related("files")),
        "may_edit": services.can_edit(request.user, meeting),
        "may_change_agenda": may_change_agenda,
        "item_form": item_form,
        "files_form": AgendaFilesForm() if may_change_agenda else None,
    }


def _meeting(request: HtmxRequest, pk: int) -> Meeting:
    return get_object_or_404(
        _visible(request.user)
        .select_related(
            "chair", "secretary", "district", "department", "field_visit__district", "protocol"
        )
        .prefetch_related("protocol__decisions"),
        pk=pk,
    )


@require_GET
@login_required
def meeting_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return TemplateResponse(request, DETAIL, _detail_context(request, meeting))


@require_POST
@login_required
def agenda_add(request: HtmxRequest, pk: int) -> HttpResponse:
    """An item at the end of the agenda, with its materials."""
    meeting = _meeting(request, pk)
    if not services.can_edit(request.user, meeting):
        raise PermissionDenied
    form = AgendaItemForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once(request) as submission:
                item = agenda.add_item(
                    meeting=meeting,
                    actor=request.user,
                    title=data["title"],
                    reporter=data["reporter"],
                    reporter_name=data["reporter_name"],
                    files=data["files"],
                )
                submission.location = f"{meeting.get_absolute_url()}#item-{item.pk}"
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=meeting.get_absolute_url())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The item is added to the agenda."))
            return HttpResponseRedirect(submission.location)
    return TemplateResponse(request, DETAIL, _detail_context(request, meeting, form))


def _item(request: HtmxRequest, pk: int, item_pk: int) -> tuple[Meeting, AgendaItem | None]:
    """The meeting the person may edit and its item; None when the item is gone (a second click
    of "Remove")."""
    meeting = _meeting(request, pk)
    if not services.can_edit(request.user, meeting):
        raise PermissionDenied
    return meeting, AgendaItem.objects.filter(pk=item_pk, meeting=meeting).first()


@require_POST
@login_required
def agenda_remove(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _item(request, pk, item_pk)
    try:
        if item is None:
            raise ValidationError(_("This item is no longer on the agenda."))
        agenda.remove_item(item=item, actor=request.user)
    except ValidationError as error:
        messages.error(request, first_error(error))
    else:
        messages.success(request, _("The item is removed from the agenda."))
    return HttpResponseRedirect(f"{meeting.get_absolute_url()}#agenda-heading")


@require_POST
@login_required
def agenda_files(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _item(request, pk, item_pk)
    if item is None:
        raise Http404
    form = AgendaFilesForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(first_error(form))
        with once(request):
            agenda.add_files(item=item, actor=request.user, files=form.cleaned_data["files"])
    except AlreadySaved as repeat:
        return already_saved(request, repeat, redirect_to=meeting.get_absolute_url())
    except ValidationError as error:
        messages.error(request, first_error(error))
    else:
        messages.success(request, _("The materials are added."))
    return HttpResponseRedirect(f"{meeting.get_absolute_url()}#item-{item.pk}")


@require_GET
@login_required
def agenda_file(request: HtmxRequest, pk: int, file_pk: int) -> FileResponse:
    """A material is served only to people who see its meeting."""
    meeting = get_object_or_404(_visible(request.user), pk=pk)
    stored = get_object_or_404(AgendaFile, pk=file_pk, item__meeting=meeting)
    return serve_file(stored.file, filename=stored.name)


urlpatterns: list[URLPattern] = [
    path("", meeting_list, name="list"),
    path("new/", meeting_new, name="new"),
    path("<int:pk>/", meeting_detail, name="detail"),
    path("<int:pk>/edit/", meeting_edit, name="edit"),
    path("<int:pk>/agenda/", agenda_add, name="agenda-add"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", agenda_remove, name="agenda-remove"),
    path("<int:pk>/agenda/<int:item_pk>/files/", agenda_files, name="agenda-files"),
    path("<int:pk>/materials/<int:file_pk>/", agenda_file, name="agenda-file"),
]
