"""The agenda of a meeting: its items in order, each with its reporter (a person of the portal or
a name from outside) and its materials (files). Whoever edits the meeting (`services.can_edit`)
edits its agenda, until the protocol is signed off: from then on the agenda is part of the
signed record.

- `add_item`: a new item at the end, with its materials;
- `remove_item`: an item and its materials off the agenda (kept in the history);
- `add_files`: more materials to an item.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat.cleaning import display_file_name
from akimat.models import User
from meetings import services
from meetings.models import (
    AGENDA_MAX,
    FILES_MAX,
    NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AgendaFile,
    AgendaItem,
    Meeting,
    Protocol,
)

# A material is a report, a presentation or a scanned draft: 20 MB holds any of them.
FILE_MAX_BYTES = 20 * 1024 * 1024


def may_change_agenda(user: User, meeting: Meeting) -> bool:
    """Whoever edits the meeting, while its protocol is not signed off."""
    return services.can_edit(user, meeting) and not _signed(meeting)


def _signed(meeting: Meeting) -> bool:
    return Protocol.objects.filter(meeting_id=meeting.pk, status=Protocol.Status.SIGNED).exists()


def _locked(meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not services.can_edit(actor, meeting):
        raise PermissionDenied(_("You may not do this with this meeting."))
    if _signed(meeting):
        raise ValidationError(_("The protocol is signed off: the agenda no longer changes."))
    return meeting


def _store(item: AgendaItem, actor: User, uploads: Sequence[UploadedFile]) -> None:
    """The uploads as the item's materials: at most FILES_MAX per item, each FILE_MAX_BYTES."""
    if item.files.count() + len(uploads) > FILES_MAX:
        raise ValidationError(
            {"files": _("An agenda item holds at most %(count)s files.") % {"count": FILES_MAX}}
        )
    for upload in uploads:
        if upload.size is None or upload.size > FILE_MAX_BYTES:
            raise ValidationError(
                {
                    "files": _("A file can be at most %(size)s MB.")
                    % {"size": FILE_MAX_BYTES // (1024 * 1024)}
                }
            )
    for upload in uploads:
        stored = AgendaFile(
            item=item, name=display_file_name(upload.name), size=upload.size or 0, uploaded_by=actor
        )
        stored.file.save(upload.name or "file", upload, save=False)
        stored._history_user = actor
        stored._change_reason = gettext_noop("material added")
        stored.save()


@transaction.atomic
def add_item(
    *,
    meeting: Meeting,
    actor: User,
    title: str,
    reporter: User | None = None,
    reporter_name: str = "",
    files: Sequence[UploadedFile] = (),
) -> AgendaItem:
    """An item at the end of the agenda (at most AGENDA_MAX); its reporter is a person of the
    portal or a name from outside, not both."""
    meeting = _locked(meeting, actor)
    if meeting.agenda.count() >= AGENDA_MAX:
        raise ValidationError(_("An agenda holds at most %(count)s items.") % {"count": AGENDA_MAX})
    # The register's own text rules (NUL refused, controls removed, length).
    title = services._text(title, field="title", limit=TITLE_MAX_LENGTH)
    reporter_name = services._text(
        reporter_name, field="reporter_name", limit=NAME_MAX_LENGTH, required=False
    )
    if reporter is not None and reporter_name:
        raise ValidationError(
            {
                "reporter_name": _(
                    "Choose a reporter from the portal or write a name from outside, not both."
                )
            }
        )
    if reporter is not None and not User.objects.filter(pk=reporter.pk, is_active=True).exists():
        raise ValidationError({"reporter": _("Choose people of the portal from the list.")})
    position = (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=title,
        reporter=reporter,
        reporter_name=reporter_name,
    )
    item._history_user = actor
    item._change_reason = gettext_noop("added to the agenda")
    item.save()
    _store(item, actor, files)
    return item


@transaction.atomic
def remove_item(*, item: AgendaItem, actor: User) -> None:
    """The item and its materials off the agenda; the history keeps them."""
    _locked(item.meeting, actor)
    if not AgendaItem.objects.filter(pk=item.pk).exists():
        raise ValidationError(_("This item is no longer on the agenda."))
    for stored in item.files.all():
        stored._history_user = actor
        stored._change_reason = gettext_noop("removed with its agenda item")
        stored.delete()
    item._history_user = actor
    item._change_reason = gettext_noop("removed from the agenda")
    item.delete()


@transaction.atomic
def add_files(*, item: AgendaItem, actor: User, files: Sequence[UploadedFile]) -> AgendaItem:
    """More materials to an item (at most FILES_MAX in all)."""
    _locked(item.meeting, actor)
    if not files:
        raise ValidationError({"files": _("Choose at least one file.")})
    _store(item, actor, files)
    return item
