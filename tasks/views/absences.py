"""Absences of a directorate's people (leave, sick leave, trips) with the acting person (и.о.).

A head records, corrects and deletes them for their directorate; the deputy and the admin for any.
Handing the absent person's tasks to the acting person, and giving them back on return, each
show the tasks first (a preview) and move exactly those on confirmation.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from akimat.cleaning import query_int, query_text
from akimat.forms import PortalModelForm, model_choice_field
from akimat.http import HtmxRequest, first_error
from akimat.models import Department, User
from akimat.once import AlreadySaved, already_saved, once
from akimat.versions import Conflict
from tasks import selectors, services
from tasks.forms import DATE_WIDGET
from tasks.models import Absence, HandOver


class AbsenceForm(PortalModelForm):
    class Meta:
        model = Absence
        fields = ("user", "kind", "start", "end", "acting")
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}
        labels = {"user": gettext_lazy("Who is away")}

    def __init__(self, *args: object, departments: list[Department], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True, department__in=departments).select_related(
            "department"
        )
        model_choice_field(self, "user").queryset = people
        model_choice_field(self, "acting").queryset = people

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day cannot be before the first."))
        if cleaned.get("acting") and cleaned.get("acting") == cleaned.get("user"):
            self.add_error("acting", _("Someone else must act for the absent person."))
        return cleaned


class AbsenceEditForm(AbsenceForm):
    # The version the form was drawn from: a save after someone else's is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _managed(request: HtmxRequest, pk: int) -> tuple[Absence, list[Department]]:
    """The absence if the person manages it (404 for anyone else's), and their directorates."""
    departments = selectors.absence_departments(request.user)
    if not departments:
        raise PermissionDenied
    absence = get_object_or_404(
        Absence.objects.select_related("user", "acting"),
        pk=pk,
        user__department__in=departments,
    )
    return absence, departments


def _list_url() -> str:
    return reverse("tasks:absences")


@require_http_methods(["GET", "POST"])
@login_required
def absence_list(request: HtmxRequest) -> HttpResponse:
    departments = selectors.absence_departments(request.user)
    if not departments:
        raise PermissionDenied
    form = AbsenceForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user
        try:
            with once(request):
                form.save()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=_list_url())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The absence has been recorded."))
            return HttpResponseRedirect(_list_url())
    page = Paginator(selectors.absences_on_list(departments), selectors.ABSENCES_PAGE).get_page(
        query_int(request, "page")
    )
    return TemplateResponse(request, "tasks/absence_list.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
@login_required
def absence_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    absence, departments = _managed(request, pk)
    form = AbsenceEditForm(
        request.POST or None,
        instance=absence,
        initial={"version": absence.version},
        departments=departments,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_absence(
                absence=absence,
                actor=request.user,
                **{k: data[k] for k in ("version", "user", "kind", "start", "end", "acting")},
            )
        except Conflict as conflict:
            messages.warning(request, str(conflict))
            return HttpResponseRedirect(reverse("tasks:absence-edit", args=[pk]))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The absence has been saved."))
            return HttpResponseRedirect(_list_url())
    return TemplateResponse(request, "tasks/absence_form.html", {"form": form, "absence": absence})


@require_POST
@login_required
def absence_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    edit_url = reverse("tasks:absence-edit", args=[pk])

    def delete() -> int:
        # Looked up inside the token: a second click waits for the first and is told it is
        # done, rather than looking for the absence the first has just deleted.
        absence, _departments = _managed(request, pk)
        services.delete_absence(absence=absence, actor=request.user, version=query_version(request))
        return 1

    return _confirmed(
        request,
        delete,
        preview_url=edit_url,
        refused_url=edit_url,
        success=lambda _deleted: _("The absence has been deleted."),
    )


def query_version(request: HtmxRequest) -> int:
    """The version a POSTed form was drawn from; 0 (never current) when missing or malformed."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 10 else 0


def _scope(request: HtmxRequest) -> str:
    raw = request.POST.get("scope") if request.method == "POST" else query_text(request, "scope")
    return HandOver.Scope.ALL if raw == HandOver.Scope.ALL else HandOver.Scope.DUE


def _confirmed(
    request: HtmxRequest,
    move: Callable[[], int],
    *,
    preview_url: str,
    refused_url: str,
    success: Callable[[int], str],
) -> HttpResponse:
    """A confirmed change of an absence (a previewed hand-over or give-back, a deletion): `move`
    runs once however often the form is sent; a conflict (the list or the absence changed since
    it was shown) sends the person back to `preview_url`, a refusal to `refused_url`, each with
    the reason; done, the absences list says what happened (`success` of `move`'s count)."""
    try:
        with once(request) as submission:
            moved = move()
            submission.location = _list_url()
    except AlreadySaved as repeat:
        return already_saved(request, repeat, redirect_to=_list_url())
    except Conflict as conflict:
        messages.warning(request, str(conflict))
        return HttpResponseRedirect(preview_url)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return HttpResponseRedirect(refused_url)
    messages.success(request, success(moved))
    return HttpResponseRedirect(_list_url())


@require_http_methods(["GET", "POST"])
@login_required
def absence_hand_over(request: HtmxRequest, pk: int) -> HttpResponse:
    """GET: the tasks that would go to the acting person (those falling due during the absence,
    or with `?scope=all` every task in work); POST: hand exactly those over."""
    absence, _departments = _managed(request, pk)
    scope = _scope(request)
    preview_url = f"{reverse('tasks:absence-hand-over', args=[pk])}?scope={scope}"
    if request.method == "POST":
        return _confirmed(
            request,
            lambda: services.hand_over_to_acting(
                absence=absence,
                actor=request.user,
                scope=scope,
                selection=request.POST.get("selection", ""),
            ),
            preview_url=preview_url,
            refused_url=preview_url,
            success=lambda moved: (
                ngettext(
                    "%(count)s task handed to %(person)s.",
                    "%(count)s tasks handed to %(person)s.",
                    moved,
                )
                % {"count": moved, "person": absence.acting}
            ),
        )
    if absence.acting is None:
        messages.error(request, _("Name the acting person first."))
        return HttpResponseRedirect(reverse("tasks:absence-edit", args=[pk]))
    counts = selectors.hand_over_counts(absence)
    found = selectors.preview(
        selectors.hand_over_candidates(absence, scope), query_int(request, "page")
    )
    return TemplateResponse(
        request,
        "tasks/absence_preview.html",
        {
            "absence": absence,
            "mode": "hand-over",
            "scope": scope,
            "counts": counts,
            "preview": found,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def absence_give_back(request: HtmxRequest, pk: int) -> HttpResponse:
    """GET: the handed-over tasks that would come back (still in work and still with the acting
    person); POST: give exactly those back."""
    absence, _departments = _managed(request, pk)
    preview_url = reverse("tasks:absence-give-back", args=[pk])
    if request.method == "POST":
        return _confirmed(
            request,
            lambda: services.give_back_tasks(
                absence=absence,
                actor=request.user,
                selection=request.POST.get("selection", ""),
            ),
            preview_url=preview_url,
            refused_url=_list_url(),
            success=lambda back: _given_back_text(back, absence),
        )
    found = selectors.preview(selectors.give_back_candidates(absence), query_int(request, "page"))
    out = selectors.outstanding_items(absence).count()
    return TemplateResponse(
        request,
        "tasks/absence_preview.html",
        {
            "absence": absence,
            "mode": "give-back",
            "preview": found,
            "staying": out - found.count,
        },
    )


@require_POST
@login_required
def absence_undo(request: HtmxRequest, pk: int, hand_over_pk: int) -> HttpResponse:
    """Undo a hand-over just made: its tasks still in work with the acting person come back."""
    absence, _departments = _managed(request, pk)
    hand_over = get_object_or_404(HandOver, pk=hand_over_pk, absence=absence)
    try:
        with once(request) as submission:
            back = services.give_back_tasks(
                absence=absence, actor=request.user, hand_over=hand_over
            )
            submission.location = _list_url()
    except AlreadySaved as repeat:
        return already_saved(request, repeat, redirect_to=_list_url())
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _given_back_text(back, absence))
    return HttpResponseRedirect(_list_url())


def _given_back_text(count: int, absence: Absence) -> str:
    return ngettext(
        "%(count)s task given back to %(person)s.",
        "%(count)s tasks given back to %(person)s.",
        count,
    ) % {"count": count, "person": absence.user}


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return first_error(error)
    return str(error) or _("You may not manage this absence.")
