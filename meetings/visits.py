"""The deputy's month: who sees and keeps a visit, and what people do with it.

- Reads: `visits_visible_to(user)`, `deputies()`, `month_visits(...)` (the calendar's rows with
  the rule `not_held_by` computed in SQL).
- Writes: `plan_visit`, `reschedule_visit` (until it is held), `hold_visit` (the date and the
  deputy's assessment), `receive_resident` (through the reception's visitor records and their
  consent rules), `add_problem_site` (with its photos).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat.calendar import is_working_day
from akimat.cleaning import display_file_name
from akimat.models import Role, User
from meetings.models import (
    FILES_MAX,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    District,
    FieldVisit,
    Meeting,
    ProblemSite,
    ResidentReceived,
    SitePhoto,
    not_held_by,
)
from meetings.services import _require, _text
from reception import services as reception_services
from reception.models import Service

# A deputy is in one or two districts a day at most; three visits on one date is a typo, and the
# bound keeps the month's calendar a fixed size.
VISITS_PER_DAY_MAX = 3
# A visit is planned within the year ahead; a date beyond is a typo.
PLAN_AHEAD_DAYS = 366
# The problem sites one visit records: a district visit sees a handful (the page shows them all).
SITES_MAX = 30
PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Photos are shown in the browser, so only the raster formats whose first bytes say what they
# are (SVG may carry script and is refused).
PHOTO_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}


# --- who sees and keeps a visit ----------------------------------------------------------------


def sees_every_month(user: User) -> bool:
    """The methodologist (who observes the experiment) and the admin see every deputy's month;
    a deputy akim sees their own: each deputy's month is their own work plan."""
    return user.has_role(Role.METHODOLOGIST, Role.ADMIN)


def visits_visible_to(user: User) -> QuerySet[FieldVisit]:
    """Who sees a visit: its deputy; the methodologist and the admin; the chair, secretary and
    participants of its meetings."""
    visits = FieldVisit.objects.all()
    if sees_every_month(user):
        return visits
    meetings = Meeting.objects.filter(
        Q(chair=user) | Q(secretary=user) | Q(participants=user), field_visit__isnull=False
    ).values("field_visit_id")
    return visits.filter(Q(deputy=user) | Q(pk__in=meetings))


def deputies() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.DEPUTY, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def can_plan(user: User, deputy: User) -> bool:
    """The deputy plans their own month; the admin plans anyone's."""
    return user.pk == deputy.pk or user.has_role(Role.ADMIN)


def keeps_visit(user: User, visit: FieldVisit) -> bool:
    """The visit's deputy holds it, receives its residents and records its sites."""
    return user.pk == visit.deputy_id


def late(today: dt.date) -> ExpressionWrapper:
    """The rule `not_held_by` as a column: `late` on each visit."""
    return ExpressionWrapper(not_held_by(today), output_field=BooleanField())


def month_visits(
    deputy: User, start: dt.date, end: dt.date, today: dt.date
) -> QuerySet[FieldVisit]:
    """The deputy's visits from `start` to `end`, each with `late` (the rule `not_held_by`)."""
    return (
        FieldVisit.objects.filter(deputy=deputy, planned_on__range=(start, end))
        .select_related("district")
        .annotate(late=late(today))
        .order_by("planned_on", "pk")
    )


# --- planning ----------------------------------------------------------------------------------


def _check_date(deputy: User, planned_on: dt.date, today: dt.date, *, moving: int | None) -> None:
    if planned_on < today:
        raise ValidationError({"planned_on": _("A visit cannot be planned in the past.")})
    if planned_on > today + dt.timedelta(days=PLAN_AHEAD_DAYS):
        raise ValidationError({"planned_on": _("A visit is planned at most a year ahead.")})
    if not is_working_day(planned_on):
        raise ValidationError({"planned_on": _("This is not a working day. Choose a working day.")})
    same_day = FieldVisit.objects.filter(deputy=deputy, planned_on=planned_on)
    if moving is not None:
        same_day = same_day.exclude(pk=moving)
    if same_day.count() >= VISITS_PER_DAY_MAX:
        raise ValidationError(
            {
                "planned_on": _("At most %(limit)s visits a day, please.")
                % {"limit": VISITS_PER_DAY_MAX}
            }
        )


@transaction.atomic
def plan_visit(
    *,
    actor: User,
    deputy: User,
    kind: str,
    district: District,
    planned_on: dt.date,
    sphere: str = "",
) -> FieldVisit:
    """Plan a district visit or a reception day on a working day from today on."""
    _require(can_plan(actor, deputy))
    # The deputy's row, locked: two plans sent at once count each other's visits of the day.
    deputy = User.objects.select_for_update().get(pk=deputy.pk)
    if not deputy.is_active or not deputy.has_role(Role.DEPUTY):
        raise ValidationError({"deputy": _("Choose a deputy akim from the list.")})
    if kind not in FieldVisit.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of visit from the list.")})
    if not District.objects.filter(pk=district.pk, is_active=True).exists():
        raise ValidationError({"district": _("Choose a district from the list.")})
    sphere = _text(sphere, field="sphere", limit=TITLE_MAX_LENGTH, required=False)
    _check_date(deputy, planned_on, timezone.localdate(), moving=None)
    visit = FieldVisit(
        deputy=deputy,
        kind=kind,
        district=district,
        sphere=sphere,
        planned_on=planned_on,
        planned_by=actor,
    )
    visit._change_reason = gettext_noop("planned")
    visit._history_user = actor
    visit.save()
    return visit


def _locked(visit: FieldVisit) -> FieldVisit:
    return FieldVisit.objects.select_for_update().get(pk=visit.pk)


@transaction.atomic
def reschedule_visit(*, actor: User, visit: FieldVisit, planned_on: dt.date) -> FieldVisit:
    """Move a visit not yet held to another working day from today on."""
    User.objects.select_for_update().filter(pk=visit.deputy_id).first()
    visit = _locked(visit)
    _require(can_plan(actor, visit.deputy))
    if visit.held_on is not None:
        raise ValidationError(_("This visit is held: its date is not moved."))
    if planned_on == visit.planned_on:
        raise ValidationError({"planned_on": _("The visit is planned for this date already.")})
    _check_date(visit.deputy, planned_on, timezone.localdate(), moving=visit.pk)
    visit.planned_on = planned_on
    visit._change_reason = gettext_noop("rescheduled")
    visit._history_user = actor
    visit.save(update_fields=["planned_on"])
    return visit


@transaction.atomic
def hold_visit(*, actor: User, visit: FieldVisit, held_on: dt.date, assessment: str) -> FieldVisit:
    """The deputy marks the visit held, on its planned date or later (not in the future), with
    the assessment."""
    visit = _locked(visit)
    _require(keeps_visit(actor, visit))
    if visit.held_on is not None:
        raise ValidationError(_("This visit is already marked as held."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A visit cannot be held in the future.")})
    if held_on < visit.planned_on:
        raise ValidationError(
            {
                "held_on": _(
                    "A visit is held on its planned date or later. Reschedule it first if it "
                    "took place earlier."
                )
            }
        )
    visit.held_on = held_on
    visit.assessment = _text(assessment, field="assessment", limit=TEXT_MAX_LENGTH)
    visit._change_reason = gettext_noop("held")
    visit._history_user = actor
    visit.save(update_fields=["held_on", "assessment"])
    return visit


# --- residents and sites -----------------------------------------------------------------------


def _require_begun(visit: FieldVisit) -> None:
    if visit.planned_on > timezone.localdate():
        raise ValidationError(
            _("The visit has not begun: residents and sites are recorded from its date on.")
        )


@transaction.atomic
def receive_resident(
    *,
    actor: User,
    visit: FieldVisit,
    service: Service,
    kind: str,
    consent: bool,
    purpose: str,
    outcome: str,
    full_name: str = "",
    iin: str = "",
    phone: str = "",
) -> ResidentReceived:
    """A resident received on the visit: the reception's record (found or registered by IIN,
    with consent as at the desk) met by the deputy, linked to the visit."""
    visit = _locked(visit)
    _require(keeps_visit(actor, visit))
    _require_begun(visit)
    reception_visit = reception_services.receive_in_person(
        official=actor,
        service=service,
        kind=kind,
        consent=consent,
        purpose=purpose,
        outcome=outcome,
        full_name=full_name,
        iin=iin,
        phone=phone,
    )
    return ResidentReceived.objects.create(visit=visit, reception_visit=reception_visit)


def _check_photo(upload: UploadedFile) -> None:
    name = upload.name or ""
    extension = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    signatures = PHOTO_SIGNATURES.get(extension)
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            {
                "photos": _("A file can be at most %(size)s MB.")
                % {"size": PHOTO_MAX_BYTES // (1024 * 1024)}
            }
        )
    head = upload.read(12)
    upload.seek(0)
    if (
        signatures is None
        or not head.startswith(signatures)
        or (extension == "webp" and head[8:12] != b"WEBP")
    ):
        raise ValidationError(
            {"photos": _("Only photos can be attached: JPEG, PNG, GIF or WebP images.")}
        )


@transaction.atomic
def add_problem_site(
    *,
    actor: User,
    visit: FieldVisit,
    name: str,
    address: str = "",
    found: str = "",
    photos: Sequence[UploadedFile] = (),
) -> ProblemSite:
    """A problem site seen on the visit, with what was found and its photos."""
    visit = _locked(visit)
    _require(keeps_visit(actor, visit))
    _require_begun(visit)
    if visit.sites.count() >= SITES_MAX:
        raise ValidationError(
            _("At most %(limit)s problem sites on one visit, please.") % {"limit": SITES_MAX}
        )
    if len(photos) > FILES_MAX:
        raise ValidationError(
            {"photos": _("At most %(count)s files at once, please.") % {"count": FILES_MAX}}
        )
    for upload in photos:
        _check_photo(upload)
    site = ProblemSite(
        visit=visit,
        name=_text(name, field="name", limit=NAME_MAX_LENGTH),
        address=_text(address, field="address", limit=NAME_MAX_LENGTH, required=False),
        found=_text(found, field="found", limit=TEXT_MAX_LENGTH, required=False),
        added_by=actor,
    )
    site._change_reason = gettext_noop("created")
    site._history_user = actor
    site.save()
    for upload in photos:
        photo = SitePhoto(
            site=site, name=display_file_name(upload.name), size=upload.size or 0, uploaded_by=actor
        )
        photo.file.save(upload.name or "photo", upload, save=False)
        photo._change_reason = gettext_noop("created")
        photo._history_user = actor
        photo.save()
    return site
