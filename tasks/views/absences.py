"""Absences of a directorate's people (leave, sick leave, trips) with the acting person (и.о.).

A head records them for their directorate and hands the absent person's open tasks to the acting
person in one step; the deputy and the admin may do it for any directorate.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from akimat.forms import PortalModelForm
from akimat.http import HtmxRequest
from akimat.models import Department, Role, User
from akimat.once import AlreadySaved, already_saved, once
from tasks import services
from tasks.forms import DATE_WIDGET
from tasks.models import Absence


def _departments(user: User) -> list[Department]:
    """Where a person records absences: the deputy and the admin anywhere, a head their own."""
    if user.has_role(Role.DEPUTY, Role.ADMIN):
        return list(Department.objects.all())
    if user.has_role(Role.HEAD):
        return list(Department.objects.filter(head=user))
    return []


class AbsenceForm(PortalModelForm):
    class Meta:
        model = Absence
        fields = ("user", "kind", "start", "end", "acting")
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}
        labels = {"user": gettext_lazy("Who is away")}

    def __init__(self, *args: object, departments: list[Department], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        people = User.objects.filter(is_active=True, department__in=departments).select_related(
            "department"
        )
        self.fields["user"].queryset = people  # type: ignore[attr-defined]
        self.fields["acting"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day cannot be before the first."))
        if cleaned.get("acting") and cleaned.get("acting") == cleaned.get("user"):
            self.add_error("acting", _("Someone else must act for the absent person."))
        return cleaned


@require_http_methods(["GET", "POST"])
@login_required
def absence_list(request: HtmxRequest) -> HttpResponse:
    departments = _departments(request.user)
    if not departments:
        raise PermissionDenied
    form = AbsenceForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user
        try:
            with once(request):
                form.save()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("tasks:absences"))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The absence has been recorded."))
            return HttpResponseRedirect(reverse("tasks:absences"))
    since = timezone.localdate() - dt.timedelta(days=30)
    absences = (
        Absence.objects.filter(user__department__in=departments, end__gte=since)
        .select_related("user", "acting")
        .order_by("start")
    )
    return TemplateResponse(
        request, "tasks/absence_list.html", {"form": form, "absences": absences}
    )


@require_POST
@login_required
def absence_hand_over(request: HtmxRequest, pk: int) -> HttpResponse:
    absence = get_object_or_404(
        Absence.objects.select_related("user", "acting"),
        pk=pk,
        user__department__in=_departments(request.user),
    )
    try:
        moved = services.hand_over_to_acting(absence=absence, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("%(count)s open tasks handed to %(person)s.")
            % {"count": moved, "person": absence.acting},
        )
    return HttpResponseRedirect(reverse("tasks:absences"))
