"""The printed protocol: a Word document (python-docx) in the official layout of an akimat
meeting's protocol, in Russian or Kazakh whatever the page's language.

The layout, top to bottom: «ПРОЕКТ» on a draft; «ПРОТОКОЛ № 12» and the meeting's kind and
subject; the place and the date; «Председательствовал:»; «Присутствовали:» (the participants, then
the guests with their organisation); «Повестка дня:» (numbered items, their reporters);
«СЛУШАЛИ:»; «ПОСТАНОВИЛИ:» (numbered decisions, each with its responsible person, co-executors and
deadline); the amendments, if any; the signatures. Every text comes from the catalogues (the
"protocol print" context) under `translation.override`, so translators review it with the rest.
Dates are dd.mm.yyyy.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from akimat.models import User
from meetings.models import Amendment, Decision, Meeting, Protocol

DATE = "%d.%m.%Y"
# The right edge of an A4 page's text with 3 cm and 1.5 cm margins: a right tab stop there puts
# the date (and the signature's name) flush right on the line of the place (and the post).
RIGHT_EDGE = Cm(16.5)


def _person(user: User) -> str:
    return str(user)


def _member(user: User) -> str:
    department = user.department.name if user.department_id and user.department else ""
    return f"{user} — {department}" if department else str(user)


def file_name(protocol: Protocol, language: str) -> str:
    """The protocol's number and date, never a name: «protocol-12-20261207-kk.docx»."""
    if protocol.is_signed and protocol.signed_at is not None:
        day = timezone.localdate(protocol.signed_at)
        return f"protocol-{protocol.code}-{day:%Y%m%d}-{language}.docx"
    day = timezone.localdate(protocol.meeting.starts_at)
    return f"protocol-draft-{day:%Y%m%d}-{language}.docx"


class _Writer:
    def __init__(self) -> None:
        self.document = Document()
        section = self.document.sections[0]
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        normal = self.document.styles["Normal"]
        normal.font.name = "Times New Roman"
        normal.font.size = Pt(14)

    def line(
        self,
        text: str = "",
        *,
        bold: bool = False,
        center: bool = False,
        indent: bool = False,
    ) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            paragraph.paragraph_format.left_indent = Cm(1)
        paragraph.paragraph_format.space_after = Pt(0)
        if text:
            paragraph.add_run(text).bold = bold
        return paragraph

    def heading(self, text: str) -> Paragraph:
        paragraph = self.line(text, bold=True)
        paragraph.paragraph_format.space_before = Pt(12)
        return paragraph

    def both_ends(self, left: str, right: str, *, bold: bool = False) -> Paragraph:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(RIGHT_EDGE, WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run(f"{left}\t{right}").bold = bold
        return paragraph

    def text(self, value: str) -> None:
        for part in value.splitlines() or [""]:
            self.line(part)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _load(protocol: Protocol) -> tuple[Meeting, list[Decision], list[Amendment]]:
    meeting = (
        Meeting.objects.select_related("chair", "secretary", "district")
        .prefetch_related("guests")
        .get(pk=protocol.meeting_id)
    )
    decisions = list(
        protocol.decisions.select_related("responsible").prefetch_related("co_executors")
    )
    amendments = list(protocol.amendments.select_related("made_by", "decision"))
    return meeting, decisions, amendments


def _title(writer: _Writer, protocol: Protocol, meeting: Meeting) -> None:
    if not protocol.is_signed:
        writer.line(pgettext("protocol print", "DRAFT"), bold=True, center=True)
        writer.line(pgettext("protocol print", "PROTOCOL"), bold=True, center=True)
    else:
        writer.line(
            pgettext("protocol print", "PROTOCOL № %(number)s") % {"number": protocol.code},
            bold=True,
            center=True,
        )
    writer.line(str(meeting.get_kind_display()), bold=True, center=True)
    writer.line(f"«{meeting.title}»", center=True)
    writer.line()
    place = meeting.place or (meeting.district.name if meeting.district else "")
    day = timezone.localtime(meeting.starts_at)
    writer.both_ends(place, f"{day:{DATE}}")


def _present(writer: _Writer, protocol: Protocol, meeting: Meeting) -> None:
    writer.line()
    writer.line(pgettext("protocol print", "Chaired: %(name)s") % {"name": _person(meeting.chair)})
    if meeting.secretary:
        writer.line(
            pgettext("protocol print", "Secretary: %(name)s") % {"name": _person(meeting.secretary)}
        )
    participants = list(
        meeting.participants.select_related("department").order_by("last_name", "first_name")
    )
    guests = list(meeting.guests.all())
    if participants or guests:
        writer.heading(pgettext("protocol print", "Present:"))
        for user in participants:
            writer.line(_member(user), indent=True)
        if guests:
            writer.line(pgettext("protocol print", "Invited:"))
            for guest in guests:
                name = (
                    f"{guest.full_name} ({guest.organisation})"
                    if guest.organisation
                    else guest.full_name
                )
                writer.line(name, indent=True)
    agenda = list(meeting.agenda.select_related("reporter"))
    if agenda:
        writer.heading(pgettext("protocol print", "Agenda:"))
        for number, item in enumerate(agenda, start=1):
            writer.line(f"{number}. {item.title}")
            if item.reporter_display:
                writer.line(
                    pgettext("protocol print", "Reporter: %(name)s")
                    % {"name": item.reporter_display},
                    indent=True,
                )


def _decisions(
    writer: _Writer, protocol: Protocol, decisions: list[Decision], amendments: list[Amendment]
) -> None:
    if protocol.heard:
        writer.heading(pgettext("protocol print", "HEARD:"))
        writer.text(protocol.heard)
    writer.heading(pgettext("protocol print", "DECIDED:"))
    cancelled_by = {
        a.decision_id: a.number for a in amendments if a.change == Amendment.Change.CANCEL
    }
    for decision in decisions:
        lines = decision.text.splitlines() or [""]
        writer.line(f"{decision.position}. {lines[0]}")
        for more in lines[1:]:
            writer.line(more)
        if decision.cancelled:
            writer.line(
                pgettext("protocol print", "Cancelled by amendment № %(number)s.")
                % {"number": cancelled_by.get(decision.pk, "")},
                indent=True,
            )
        responsible = _person(decision.responsible) if decision.responsible else "—"
        co_executors = [_person(u) for u in decision.co_executors.all()]
        if co_executors:
            writer.line(
                pgettext("protocol print", "Responsible: %(name)s; co-executors: %(names)s")
                % {"name": responsible, "names": ", ".join(co_executors)},
                indent=True,
            )
        else:
            writer.line(
                pgettext("protocol print", "Responsible: %(name)s") % {"name": responsible},
                indent=True,
            )
        deadline = f"{decision.deadline:{DATE}}" if decision.deadline else "—"
        writer.line(
            pgettext("protocol print", "Deadline: %(date)s") % {"date": deadline}, indent=True
        )


def _amendments(writer: _Writer, amendments: list[Amendment]) -> None:
    if not amendments:
        return
    writer.heading(pgettext("protocol print", "AMENDMENTS:"))
    for amendment in amendments:
        made = timezone.localdate(amendment.made_at)
        what = str(amendment.get_change_display())
        if amendment.change == Amendment.Change.DEADLINE and amendment.new_deadline:
            what += " " + pgettext("protocol print", "(new deadline: %(date)s)") % {
                "date": f"{amendment.new_deadline:{DATE}}"
            }
        writer.line(
            pgettext(
                "protocol print",
                "Amendment № %(number)s of %(date)s, decision %(position)s: %(change)s.",
            )
            % {
                "number": amendment.number,
                "date": f"{made:{DATE}}",
                "position": amendment.decision.position,
                "change": what,
            }
        )
        writer.line(
            pgettext("protocol print", "Reason: %(reason)s") % {"reason": amendment.reason},
            indent=True,
        )
        writer.line(
            pgettext("protocol print", "Made by: %(name)s") % {"name": _person(amendment.made_by)},
            indent=True,
        )


def _signatures(writer: _Writer, protocol: Protocol, meeting: Meeting) -> None:
    writer.line()
    writer.line()
    writer.both_ends(pgettext("protocol print", "Chair"), _person(meeting.chair), bold=True)
    if meeting.secretary:
        writer.line()
        writer.both_ends(pgettext("protocol print", "Secretary"), _person(meeting.secretary))
    if protocol.is_signed and protocol.signed_at and protocol.signed_by:
        writer.line()
        writer.line(
            pgettext("protocol print", "Signed off on %(date)s by %(name)s.")
            % {
                "date": f"{timezone.localdate(protocol.signed_at):{DATE}}",
                "name": _person(protocol.signed_by),
            }
        )


def protocol_docx(protocol: Protocol, language: str) -> bytes:
    """The protocol as a .docx in `language` (ru or kk)."""
    meeting, decisions, amendments = _load(protocol)
    with translation.override(language):
        writer = _Writer()
        writer.document.core_properties.title = (
            _("Protocol № %(number)s") % {"number": protocol.code}
            if protocol.is_signed
            else pgettext("protocol print", "PROTOCOL")
        )
        writer.document.core_properties.language = language
        _title(writer, protocol, meeting)
        _present(writer, protocol, meeting)
        _decisions(writer, protocol, decisions, amendments)
        _amendments(writer, amendments)
        _signatures(writer, protocol, meeting)
        return writer.bytes()
