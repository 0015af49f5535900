"""The protocol's pages: the editor of the draft (what was heard, the decisions), the sign-off
with its confirmation, the signed protocol read-only with its amendments, the amendment form,
and the printed protocol (Word, in Russian or Kazakh).

Who may do what is the services' (`keeps`, `can_sign`, `can_amend`); a meeting the person does
not see is a 404 on every page here. The editor's "add a decision" and "remove" draw the rows
again from what was sent (htmx swaps the editor; without it the page is drawn again) and store
nothing; "Save draft" stores what is typed, even a row without its responsible person or
deadline; the sign-off's errors come back on the editor, next to the decisions they name.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import query_text
from akimat.http import HtmxRequest, add_errors
from akimat.models import Language, User
from akimat.once import AlreadySaved, already_saved, once
from meetings import printing, services
from meetings.forms_protocol import (
    PREFIX,
    AmendForm,
    BaseDecisionFormSet,
    DecisionFormSet,
    HeardForm,
    people_for,
    rows_from_post,
    rows_from_protocol,
)
from meetings.models import Amendment, Meeting, Protocol

TEMPLATE = "meetings/protocol/protocol.html"
EDITOR = TEMPLATE + "#protocol-editor"
AMENDMENTS_PER_PAGE = 20


def visible_meeting(user: User, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related("chair", "secretary"), pk=pk
    )


def protocol_of(meeting: Meeting) -> Protocol | None:
    protocol = Protocol.objects.filter(meeting=meeting).select_related("signed_by").first()
    if protocol is not None:
        protocol.meeting = meeting
    return protocol


def _version(protocol: Protocol | None) -> int:
    """The draft's version: its last history record (0 before the first save). Two keepers
    writing at once: the second to save is told, nothing is overwritten."""
    if protocol is None:
        return 0
    last = (
        Protocol.history.filter(id=protocol.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return last or 0


# --- the editor ------------------------------------------------------------------------------


def _editor(
    request: HtmxRequest,
    meeting: Meeting,
    protocol: Protocol | None,
    *,
    heard_form: HeardForm | None = None,
    formset: Any = None,
    sign_errors: dict[str, list[str]] | None = None,
    other_errors: list[str] | None = None,
    version: int | None = None,
) -> TemplateResponse:
    people = people_for(meeting)
    if formset is None:
        decisions = list(protocol.decisions.prefetch_related("co_executors")) if protocol else []
        formset = DecisionFormSet(
            prefix=PREFIX,
            initial=rows_from_protocol(decisions) or [{}],
            form_kwargs={"people": people},
        )
    if heard_form is None:
        heard_form = HeardForm(initial={"heard": protocol.heard if protocol else ""})
    sign_errors = sign_errors or {}
    rows = [
        (form, sign_errors.get(str(position), []))
        for position, form in enumerate(formset.forms, start=1)
    ]
    template = EDITOR if request.htmx else TEMPLATE
    return TemplateResponse(
        request,
        template,
        {
            "meeting": meeting,
            "protocol": protocol,
            "mode": "editor",
            "heard_form": heard_form,
            "formset": formset,
            "rows": rows,
            "other_errors": other_errors or [],
            "version": _version(protocol) if version is None else version,
            "decisions_max": formset.max_num,
        },
    )


def _redraw(
    request: HtmxRequest, meeting: Meeting, protocol: Protocol | None, action: str
) -> TemplateResponse:
    """ "Add a decision" or "remove": the rows as sent, one more or one fewer; nothing stored."""
    rows = rows_from_post(request.POST)
    if action == "add":
        if len(rows) < DecisionFormSet.max_num:
            rows.append({})
    else:
        with contextlib.suppress(ValueError, IndexError):
            rows.pop(int(action.removeprefix("remove-")))
    formset = DecisionFormSet(
        prefix=PREFIX, initial=rows, form_kwargs={"people": people_for(meeting)}
    )
    heard_form = HeardForm(initial={"heard": request.POST.get("heard", "")})
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    return _editor(
        request, meeting, protocol, heard_form=heard_form, formset=formset, version=version
    )


def _save(
    request: HtmxRequest, meeting: Meeting, protocol: Protocol | None, action: str
) -> HttpResponse:
    people = people_for(meeting)
    heard_form = HeardForm(request.POST)
    formset: BaseDecisionFormSet = DecisionFormSet(
        request.POST, prefix=PREFIX, form_kwargs={"people": people}
    )
    if not (heard_form.is_valid() and formset.is_valid()):
        return _editor(request, meeting, protocol, heard_form=heard_form, formset=formset)
    try:
        with transaction.atomic():
            # The meeting's row serialises the keepers' saves (save_draft locks it too).
            Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            if request.POST.get("version") != str(_version(protocol_of(meeting))):
                raise ValidationError(
                    _(
                        "The draft was saved by someone else while you wrote: reload the page "
                        "to see it. Nothing of yours was stored."
                    )
                )
            protocol = services.save_draft(
                meeting=meeting,
                actor=request.user,
                heard=heard_form.cleaned_data["heard"],
                decisions=formset.decisions(),
            )
    except ValidationError as error:
        add_errors(heard_form, error)
        return _editor(request, meeting, protocol, heard_form=heard_form, formset=formset)
    if action == "sign":
        return HttpResponseRedirect(reverse("meetings:protocol-sign", args=[meeting.pk]))
    messages.success(request, _("The draft protocol is saved."))
    return HttpResponseRedirect(reverse("meetings:protocol", args=[meeting.pk]))


# --- the signed protocol ---------------------------------------------------------------------


def _signed(request: HtmxRequest, meeting: Meeting, protocol: Protocol) -> TemplateResponse:
    decisions = list(
        protocol.decisions.select_related("responsible", "task").prefetch_related("co_executors")
    )
    cancelled_by = dict(
        protocol.amendments.filter(change=Amendment.Change.CANCEL).values_list(
            "decision_id", "number"
        )
    )
    for decision in decisions:
        decision.cancelled_by = cancelled_by.get(decision.pk)  # type: ignore[attr-defined]
    amendments = protocol.amendments.select_related("made_by", "decision").order_by("number")
    page = Paginator(amendments, AMENDMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            "meeting": meeting,
            "protocol": protocol,
            "mode": "signed",
            "decisions": decisions,
            "page": page,
            "can_amend": services.can_amend(request.user, protocol),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def protocol_page(request: HtmxRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request.user, pk)
    protocol = protocol_of(meeting)
    if protocol is not None and protocol.is_signed:
        if request.method == "POST":
            messages.warning(
                request, _("The protocol is signed off: it changes only by a numbered amendment.")
            )
            return HttpResponseRedirect(reverse("meetings:protocol", args=[meeting.pk]))
        return _signed(request, meeting, protocol)
    if not services.keeps(request.user, meeting):
        if request.method == "POST":
            raise PermissionDenied
        return TemplateResponse(
            request, TEMPLATE, {"meeting": meeting, "protocol": protocol, "mode": "writing"}
        )
    if request.method == "GET":
        return _editor(request, meeting, protocol)
    action = request.POST.get("action", "save")
    if action == "add" or action.startswith("remove-"):
        return _redraw(request, meeting, protocol, action)
    return _save(request, meeting, protocol, action)


# --- the sign-off ----------------------------------------------------------------------------


def _draft(request: HtmxRequest, pk: int) -> tuple[Meeting, Protocol]:
    meeting = visible_meeting(request.user, pk)
    protocol = protocol_of(meeting)
    if protocol is None:
        raise Http404
    if not services.keeps(request.user, meeting):
        raise PermissionDenied
    return meeting, protocol


@require_http_methods(["GET", "POST"])
@login_required
def protocol_sign(request: HtmxRequest, pk: int) -> HttpResponse:
    """GET: what the sign-off will do; POST: sign off (once, however often it is clicked)."""
    meeting, protocol = _draft(request, pk)
    here = reverse("meetings:protocol", args=[meeting.pk])
    if request.method == "POST":
        try:
            with once(request) as submission:
                if protocol.is_signed:
                    raise ValidationError(_("The protocol is already signed off."))
                signed = services.sign_off(protocol=protocol, actor=request.user)
                submission.location = here
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=here)
        except ValidationError as error:
            if protocol.is_signed:
                messages.info(request, error.messages[0])
                return HttpResponseRedirect(here)
            by_position = error.message_dict if hasattr(error, "error_dict") else {}
            return _editor(
                request,
                meeting,
                protocol,
                sign_errors=by_position,
                other_errors=[] if by_position else error.messages,
            )
        messages.success(
            request,
            _("Protocol № %(number)s is signed off; its decisions are tasks now.")
            % {"number": signed.code},
        )
        return HttpResponseRedirect(here)
    if protocol.is_signed:
        return HttpResponseRedirect(here)
    decisions = list(protocol.decisions.select_related("responsible"))
    responsible = list(
        {d.responsible.pk: d.responsible for d in decisions if d.responsible}.values()
    )
    return TemplateResponse(
        request,
        "meetings/protocol/sign.html",
        {
            "meeting": meeting,
            "protocol": protocol,
            "decisions": decisions,
            "responsible": responsible,
        },
    )


# --- the amendment ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def protocol_amend(request: HtmxRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request.user, pk)
    protocol = protocol_of(meeting)
    if protocol is None or not protocol.is_signed:
        raise Http404
    if not services.can_amend(request.user, protocol):
        raise PermissionDenied
    decisions = list(protocol.decisions.all())
    people = people_for(meeting)
    here = reverse("meetings:protocol", args=[meeting.pk])
    if request.method == "GET":
        form = AmendForm(decisions=decisions, people=people)
    else:
        form = AmendForm(request.POST, decisions=decisions, people=people)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with once(request) as submission:
                    amendment = services.amend(
                        protocol=protocol,
                        actor=request.user,
                        change=data["change"],
                        reason=data["reason"],
                        decision=data["decision"],
                        new_decision=form.new_decision(),
                        new_deadline=data["new_deadline"],
                    )
                    submission.location = here
            except AlreadySaved as repeat:
                return already_saved(request, repeat, redirect_to=here)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Amendment № %(number)s is made.") % {"number": amendment.number},
                )
                return HttpResponseRedirect(here)
    return TemplateResponse(
        request,
        "meetings/protocol/amend.html",
        {"meeting": meeting, "protocol": protocol, "form": form},
    )


# --- the printed protocol --------------------------------------------------------------------


def print_language(request: HtmxRequest) -> str:
    """`?lang=ru|kk`, else the person's language; English readers get the Russian original."""
    asked = query_text(request, "lang")
    if asked in (Language.RU, Language.KK):
        return asked
    current = translation.get_language() or ""
    return Language.KK if current.startswith(Language.KK) else Language.RU


@require_GET
@login_required
def protocol_print(request: HtmxRequest, pk: int) -> HttpResponse:
    """A draft prints for its keepers only (marked as a draft); a signed protocol for everyone
    who sees the meeting."""
    meeting = visible_meeting(request.user, pk)
    protocol = protocol_of(meeting)
    if protocol is None or not (protocol.is_signed or services.keeps(request.user, meeting)):
        raise Http404
    language = print_language(request)
    content = printing.protocol_docx(protocol, language)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = printing.file_name(protocol, language)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/protocol/", protocol_page, name="protocol"),
    path("<int:pk>/protocol/sign/", protocol_sign, name="protocol-sign"),
    path("<int:pk>/protocol/amend/", protocol_amend, name="protocol-amend"),
    path("<int:pk>/protocol/print/", protocol_print, name="protocol-print"),
]
