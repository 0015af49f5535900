"""An entry's page, its full form (new and edit), withdrawal, and its files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akimat.cleaning import query_date, query_text
from akimat.forms import model_choice_field
from akimat.http import HtmxRequest, serve_file
from akimat.once import AlreadySaved, already_saved, once
from akimat.versions import Conflict
from journal import services
from journal.forms import EntryForm, WithdrawForm
from journal.models import Entry, EntryAttachment, Kind
from journal.selectors import with_links
from journal.views.common import nav

LINK_FIELDS = ("departments", "people", "tasks", "visits", "participants", "shared_with")


def _entry_or_404(request: HtmxRequest, pk: int) -> Entry:
    return get_object_or_404(
        with_links(Entry.objects.visible_to(request.user), request.user), pk=pk
    )


@require_GET
@login_required
def entry_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    context = {
        "entry": entry,
        "versions": list(entry.versions.select_related("replaced_by").order_by("-number")),
        "attachments": list(entry.attachments.all()),
        "shared_with": list(entry.shared_with.all()),
        "can_edit": services.can_edit(request.user, entry),
        "can_withdraw": services.can_withdraw(request.user, entry),
        "withdraw_form": WithdrawForm(),
        **nav(request.user),
    }
    return TemplateResponse(request, "journal/entry_detail.html", context)


def _form_context(form: EntryForm, entry: Entry | None) -> dict[str, object]:
    """The form with the objects behind the chosen ids, to draw the chosen chips."""
    chosen: dict[str, list[object]] = {}
    for name in ("people", "participants", "tasks", "visits"):
        field = form[name]
        ids = [str(v) for v in (field.value() or [])]
        queryset = model_choice_field(form, name).queryset
        assert queryset is not None
        valid = [i for i in ids if i.isdigit()][: services.MAX_LINKS]
        chosen[name] = list(queryset.filter(pk__in=valid)) if valid else []
    return {"form": form, "entry": entry, "chosen": chosen, "meeting": Kind.MEETING}


def _save(request: HtmxRequest, form: EntryForm, entry: Entry | None) -> Entry | None:
    data = form.cleaned_data
    fields = {
        "body": data["body"],
        "kind": data["kind"],
        "title": data["title"],
        "occurred_at": data["occurred_at"],
        "tags": data["tags"],
        "duration_minutes": data["duration_minutes"],
        "files": data["files"],
        **{name: list(data[name]) for name in LINK_FIELDS},
    }
    try:
        if entry is None:
            with once(request) as submission:
                created = services.create_entry(author=request.user, **fields)
                submission.location = created.get_absolute_url()
            return created
        return services.update_entry(
            entry=entry, actor=request.user, version=data["version"] or 0, **fields
        )
    except Conflict as conflict:
        messages.warning(request, str(conflict))
        return conflict.current
    except ValidationError as error:
        form.add_error(None, error)
    return None


@require_http_methods(["GET", "POST"])
@login_required
def entry_create(request: HtmxRequest) -> HttpResponse:
    if not services.can_write(request.user):
        raise PermissionDenied
    now = timezone.localtime()
    day = query_date(request, "date")
    initial = {
        "occurred_date": day if day and day < now.date() else now.date(),
        "occurred_time": now.time().replace(second=0, microsecond=0),
        "kind": kind if (kind := query_text(request, "kind")) in Kind.values else Kind.NOTE,
    }
    form = EntryForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = _save(request, form, None)
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("journal:day"))
        if entry is not None:
            messages.success(request, _("The entry has been saved."))
            return HttpResponseRedirect(entry.get_absolute_url())
    return TemplateResponse(request, "journal/entry_form.html", _form_context(form, None))


@require_http_methods(["GET", "POST"])
@login_required
def entry_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    if not services.can_edit(request.user, entry):
        raise PermissionDenied
    when = timezone.localtime(entry.occurred_at)
    initial = {
        "version": entry.version,
        "occurred_date": when.date(),
        "occurred_time": when.time().replace(second=0, microsecond=0),
        "kind": entry.kind,
        "title": entry.title,
        "body": entry.body,
        "tags": ", ".join(t.name for t in entry.tags.all()),
        "duration_minutes": entry.duration_minutes,
        "departments": list(entry.departments.all()),
        "people": [p.pk for p in entry.people.all()],
        "tasks": [t.pk for t in entry.tasks.all()],
        "visits": [v.pk for v in entry.visits.all()],
        "participants": [p.pk for p in entry.participants.all()],
        "shared_with": list(entry.shared_with.all()),
    }
    form = EntryForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, entry)
        if saved is not None:
            if saved.version != entry.version:
                messages.success(request, _("The entry has been saved."))
            return HttpResponseRedirect(saved.get_absolute_url())
    context = _form_context(form, entry)
    context["grace_over"] = timezone.now() - entry.created_at > services.grace_period()
    return TemplateResponse(request, "journal/entry_form.html", context)


@require_POST
@login_required
def entry_withdraw(request: HtmxRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    if not services.can_withdraw(request.user, entry):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_entry(
                entry=entry, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The entry has been withdrawn. Its text is kept for the administrators.")
            )
            day = timezone.localtime(entry.occurred_at).date()
            return HttpResponseRedirect(f"{reverse('journal:day')}?date={day:%Y-%m-%d}")
    else:
        messages.error(request, _("Say why the entry is withdrawn."))
    return HttpResponseRedirect(entry.get_absolute_url())


@require_GET
@login_required
def attachment_download(request: HtmxRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Files are served only to people who may read the entry; only photos are shown inline."""
    entry = get_object_or_404(Entry.objects.visible_to(request.user), pk=pk)
    attachment = get_object_or_404(EntryAttachment, pk=attachment_pk, entry=entry)
    return serve_file(attachment.file, filename=attachment.name, inline=attachment.is_image)
