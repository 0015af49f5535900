"""Use cases of the logbook. Views, commands, jobs and the demo data all call these functions.

Only the methodologist writes. An edit within the grace period (a setting, 24 hours by
default) fixes the text in place; a later edit first keeps the previous text as a version.
Nothing is deleted: an entry is withdrawn with a reason, and the database refuses a DELETE of
an entry or a kept version (migration 0002).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat.cleaning import display_file_name
from akimat.models import Department, Role, User
from akimat.versions import check_version
from journal.models import (
    BODY_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Entry,
    EntryAttachment,
    EntryVersion,
    Indicator,
    Kind,
    Reading,
    Tag,
)
from journal.rendering import render_markdown, visible_text
from reception.models import Visit
from tasks.models import Task

MAX_TAGS = 10
MAX_LINKS = 50
MAX_FILES = 10
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MEETING_MAX_MINUTES = 24 * 60
# The earliest date an entry may carry: back-dating is allowed, nonsense is not.
EARLIEST = dt.date(2000, 1, 1)
# The characters search highlighting marks matches with; never kept in an entry's text.
_SENTINELS = dict.fromkeys(map(ord, "\ue000\ue001"))
_SPACES = re.compile(r"\s+")


# --- rules of who may do what ----------------------------------------------------------------


def can_write(user: User) -> bool:
    return user.has_role(Role.METHODOLOGIST)


def can_edit(user: User, entry: Entry) -> bool:
    return can_write(user) and entry.author_id == user.pk and not entry.is_withdrawn


def can_withdraw(user: User, entry: Entry) -> bool:
    if entry.is_withdrawn:
        return False
    return entry.author_id == user.pk or user.has_role(Role.ADMIN)


def can_read_indicators(user: User) -> bool:
    return user.has_role(Role.METHODOLOGIST, Role.DEPUTY, Role.ADMIN)


def grace_period() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "JOURNAL_EDIT_GRACE_HOURS", 24))


# --- cleaning what people type ---------------------------------------------------------------


def clean_tag_names(raw: Iterable[str] | str) -> list[str]:
    """Tag names from a list or a comma-separated line: trimmed, without '#', one per letter
    case, at most MAX_TAGS."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    names: dict[str, str] = {}
    for item in items:
        name = _SPACES.sub(" ", item.translate(_SENTINELS)).strip().lstrip("#").strip()
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {"tags": _("A tag is at most %(limit)s characters.") % {"limit": TAG_MAX_LENGTH}}
            )
        names.setdefault(name.lower(), name)
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(limit)s tags.") % {"limit": MAX_TAGS}})
    return list(names.values())


def _clean_body(body: str) -> tuple[str, str]:
    body = (body or "").translate(_SENTINELS).strip()
    if not body:
        raise ValidationError({"body": _("Write something: an entry cannot be empty.")})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {"body": _("At most %(limit)s characters, please.") % {"limit": BODY_MAX_LENGTH}}
        )
    html = render_markdown(body)
    if not visible_text(html):
        raise ValidationError(
            {"body": _("Nothing would be left of this text once unsafe markup is removed.")}
        )
    return body, html


def _clean_when(occurred_at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if occurred_at is None:
        return now
    if occurred_at > now + dt.timedelta(minutes=1):
        raise ValidationError(
            {"occurred_at": _("An entry records what has happened: it cannot be in the future.")}
        )
    if timezone.localtime(occurred_at).date() < EARLIEST:
        raise ValidationError({"occurred_at": _("This date is too far in the past.")})
    return occurred_at


def _clean_meeting(
    kind: str, duration_minutes: int | None, participants: Sequence[User]
) -> tuple[int | None, Sequence[User]]:
    if kind != Kind.MEETING:
        return None, ()
    if duration_minutes is not None and not 1 <= duration_minutes <= MEETING_MAX_MINUTES:
        raise ValidationError({"duration_minutes": _("A meeting lasts from 1 minute to 24 hours.")})
    return duration_minutes, participants


def _check_links(**links: Sequence[object]) -> None:
    for field, items in links.items():
        if len(items) > MAX_LINKS:
            raise ValidationError({field: _("At most %(limit)s links.") % {"limit": MAX_LINKS}})


def search_document(title: str, body: str, tag_names: Iterable[str]) -> str:
    """What full-text search reads: title, text and tags, lower-cased in Python so that every
    alphabet is folded whatever the database's locale."""
    return "\n".join([title, body, " ".join(tag_names)]).lower()


def tags_for(names: Sequence[str]) -> list[Tag]:
    """The tags with these names, matched whatever the letter case; new ones are created."""
    if not names:
        return []
    wanted = {name.lower(): name for name in names}
    found: dict[str, Tag] = {
        t.lowered: t
        for t in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(wanted))
    }
    for key, name in wanted.items():
        if key in found:
            continue
        try:
            with transaction.atomic():
                tag = Tag(name=name)
                tag._change_reason = gettext_noop("created with an entry")
                tag.save()
        except IntegrityError:  # created by someone else a moment ago
            tag = Tag.objects.annotate(lowered=Lower("name")).get(lowered=key)
        found[key] = tag
    return [found[key] for key in wanted]


# --- entries ---------------------------------------------------------------------------------


def _clean_entry(
    *,
    kind: str,
    body: str,
    title: str,
    tags: Sequence[str],
    duration_minutes: int | None,
    departments: Sequence[Department],
    people: Sequence[User],
    tasks: Sequence[Task],
    visits: Sequence[Visit],
    participants: Sequence[User],
) -> tuple[str, str, str, list[str], int | None, Sequence[User]]:
    """What writing and editing an entry both check: the kind, the sanitised body and its
    HTML, the title, the tags, a meeting's duration and participants, and the links."""
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    body, html = _clean_body(body)
    title = _SPACES.sub(" ", title.translate(_SENTINELS)).strip()[:TITLE_MAX_LENGTH]
    tag_names = clean_tag_names(tags)
    duration_minutes, participants = _clean_meeting(kind, duration_minutes, participants)
    _check_links(
        departments=departments,
        people=people,
        tasks=tasks,
        visits=visits,
        participants=participants,
    )
    return body, html, title, tag_names, duration_minutes, participants


@transaction.atomic
def create_entry(
    *,
    author: User,
    body: str,
    kind: str = Kind.NOTE,
    title: str = "",
    occurred_at: dt.datetime | None = None,
    tags: Sequence[str] = (),
    departments: Sequence[Department] = (),
    people: Sequence[User] = (),
    tasks: Sequence[Task] = (),
    visits: Sequence[Visit] = (),
    participants: Sequence[User] = (),
    duration_minutes: int | None = None,
    shared_with: Sequence[Department] = (),
    files: Sequence[UploadedFile] = (),
    written_at: dt.datetime | None = None,
) -> Entry:
    """The methodologist writes an entry: now unless back-dated, never in the future.
    `written_at` (default now) is for entries brought over from paper and for demo data."""
    if not can_write(author):
        raise PermissionDenied(_("Only the methodologist writes the logbook."))
    body, html, title, tag_names, duration_minutes, participants = _clean_entry(
        kind=kind,
        body=body,
        title=title,
        tags=tags,
        duration_minutes=duration_minutes,
        departments=departments,
        people=people,
        tasks=tasks,
        visits=visits,
        participants=participants,
    )
    entry = Entry(
        author=author,
        kind=kind,
        title=title,
        body=body,
        body_html=html,
        body_text=visible_text(html),
        occurred_at=_clean_when(occurred_at),
        duration_minutes=duration_minutes,
        search_document=search_document(title, body, tag_names),
        created_at=min(written_at or timezone.now(), timezone.now()),
    )
    entry._change_reason = gettext_noop("written")
    entry._history_user = author
    entry._history_date = entry.created_at
    entry.save()
    entry.tags.set(tags_for(tag_names))
    _set_links(entry, departments, people, tasks, visits, participants, shared_with)
    if files:
        add_attachments(entry=entry, actor=author, files=files)
    return entry


def _set_links(
    entry: Entry,
    departments: Sequence[Department],
    people: Sequence[User],
    tasks: Sequence[Task],
    visits: Sequence[Visit],
    participants: Sequence[User],
    shared_with: Sequence[Department],
) -> None:
    entry.departments.set(departments)
    entry.people.set(people)
    entry.tasks.set(tasks)
    entry.visits.set(visits)
    entry.participants.set(participants)
    entry.shared_with.set(shared_with)


@transaction.atomic
def update_entry(
    *,
    entry: Entry,
    actor: User,
    version: int,
    body: str,
    kind: str,
    title: str,
    occurred_at: dt.datetime,
    tags: Sequence[str],
    departments: Sequence[Department],
    people: Sequence[User],
    tasks: Sequence[Task],
    participants: Sequence[User],
    duration_minutes: int | None,
    shared_with: Sequence[Department],
    files: Sequence[UploadedFile] = (),
    visits: Sequence[Visit] = (),
) -> Entry:
    """The author edits an entry; after the grace period the previous text is kept first."""
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    check_version(
        current, version, _("This entry has just been changed elsewhere. Here is its current text.")
    )
    if not can_edit(actor, current):
        raise PermissionDenied(_("Only the author may edit this entry."))
    body, html, title, tag_names, duration_minutes, participants = _clean_entry(
        kind=kind,
        body=body,
        title=title,
        tags=tags,
        duration_minutes=duration_minutes,
        departments=departments,
        people=people,
        tasks=tasks,
        visits=visits,
        participants=participants,
    )
    occurred_at = _clean_when(occurred_at)
    old_tags = ", ".join(t.name for t in current.tags.order_by("name"))
    changed = (
        current.body != body
        or current.title != title
        or current.kind != kind
        or current.occurred_at != occurred_at
        or old_tags.lower() != ", ".join(sorted(tag_names, key=str.lower)).lower()
    )
    now = timezone.now()
    fields = ["body", "body_html", "body_text", "title", "kind", "occurred_at", "duration_minutes"]
    if changed and now - current.created_at > grace_period():
        EntryVersion.objects.create(
            entry=current,
            number=current.versions.count() + 1,
            occurred_at=current.occurred_at,
            kind=current.kind,
            title=current.title,
            body=current.body,
            body_html=current.body_html,
            tags=old_tags,
            written_at=current.edited_at or current.created_at,
            replaced_at=now,
            replaced_by=actor,
        )
        current.edited_at = now
        fields.append("edited_at")
    current.body, current.body_html, current.title = body, html, title
    current.body_text = visible_text(html)
    current.kind, current.occurred_at, current.duration_minutes = (
        kind,
        occurred_at,
        duration_minutes,
    )
    current.search_document = search_document(title, body, tag_names)
    current.version += 1
    current._change_reason = gettext_noop("edited")
    current._history_user = actor
    current.save(update_fields=[*fields, "search_document", "version"])
    current.tags.set(tags_for(tag_names))
    _set_links(current, departments, people, tasks, visits, participants, shared_with)
    if files:
        add_attachments(entry=current, actor=actor, files=files)
    return current


@transaction.atomic
def withdraw_entry(*, entry: Entry, actor: User, reason: str) -> Entry:
    """The author (or the admin) withdraws an entry; its text and the reason stay for admins."""
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    if not can_withdraw(actor, current):
        raise PermissionDenied(_("You may not withdraw this entry."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is withdrawn.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("At most %(limit)s characters, please.") % {"limit": REASON_MAX_LENGTH}}
        )
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = actor
    current.withdrawal_reason = reason
    current.version += 1
    current._change_reason = gettext_noop("withdrawn")
    current._history_user = actor
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "version"])
    return current


def add_attachments(
    *, entry: Entry, actor: User, files: Sequence[UploadedFile]
) -> list[EntryAttachment]:
    """Files kept with an entry: at most MAX_FILES at once, each up to 10 MB."""
    if not can_edit(actor, entry):
        raise PermissionDenied(_("Only the author may add files to this entry."))
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"files": _("At most %(limit)s files at once.") % {"limit": MAX_FILES}}
        )
    for upload in files:
        if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                {"files": _("“%(name)s” is larger than 10 MB.") % {"name": upload.name}}
            )
    saved = []
    for upload in files:
        name = display_file_name(upload.name)
        attachment = EntryAttachment(
            entry=entry, name=name, size=upload.size or 0, uploaded_by=actor
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


# --- indicators ------------------------------------------------------------------------------


@transaction.atomic
def record_reading(
    *, indicator: Indicator, actor: User, date: dt.date, value: Decimal, note: str = ""
) -> Reading:
    """The methodologist enters a reading by hand; a second one for the same date replaces it."""
    if not can_write(actor):
        raise PermissionDenied(_("Only the methodologist enters readings."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("A reading cannot be dated in the future.")})
    if date < EARLIEST:
        raise ValidationError({"date": _("This date is too far in the past.")})
    reading = Reading.objects.select_for_update().filter(indicator=indicator, date=date).first()
    if reading is None:
        reading = Reading(indicator=indicator, date=date)
    reading.value = value
    reading.note = note.strip()[:300]
    reading.is_computed = False
    reading.entered_by = actor
    reading.entered_at = timezone.now()
    reading._change_reason = gettext_noop("entered by hand")
    reading._history_user = actor
    reading.save()
    return reading
