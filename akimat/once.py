"""A form creates what it creates once, however often it is sent.

Every form that creates something carries a hidden token, drawn by `{% once_field %}`
(akimat/templatetags/once.py): a fresh random UUID each time the form is drawn. The view wraps its
create in `with once(request) as submission:`, which inserts (user, token) into `Submission` in
the same transaction as the create. The table's UNIQUE constraint makes a second request with the
same token (a double click, a resend after a timeout, the back button) wait on the index until
the first transaction ends:

- the first committed: the second raises `AlreadySaved`, carrying where the first led
  (`submission.location`), and the view answers with `already_saved()`: the same redirect, or the
  same region, with a translated "already saved" message; nothing twice, never a 500;
- the first rolled back (bad input, a refused rule): the token is free and the second runs as if
  it came first, so a corrected form can be sent again.

A request without a token (the API, a script) is not deduplicated: the portal's own forms always
carry one. A token that is not a UUID is refused as a stale form.

Hand-written because the libraries (django-idempotency-key and the like) key on an HTTP header of
API clients and replay a cached response; here the guarantee must come from the create's own
database transaction, and the answer is the portal's own (a region with a toast, or a redirect).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from akimat.http import HtmxRequest, toast_or_redirect
from akimat.models import Submission

# The POST field the token travels in.
FIELD = "once"
# How long a claimed token is remembered: far longer than any resend of one form, after which
# the nightly job (akimat.jobs.forget_spent_tokens) deletes it.
KEPT_FOR = dt.timedelta(days=2)


class AlreadySaved(Exception):
    """This very form was sent before and saved; `location` is where that sending led."""

    def __init__(self, location: str) -> None:
        super().__init__(_("This form has already been saved; nothing was added twice."))
        self.location = location


@contextmanager
def once(request: HtmxRequest) -> Iterator[Submission]:
    """One transaction for the form's token and what the form creates. Set `location` on the
    yielded submission to send a repeated request where the first one went."""
    raw = request.POST.get(FIELD, "")
    with transaction.atomic():
        if not raw:
            yield Submission(user=request.user)  # not kept: nothing to compare with
            return
        try:
            token = uuid.UUID(raw)
        except ValueError:
            raise ValidationError(
                _("This form is out of date. Reload the page and send it again.")
            ) from None
        try:
            with transaction.atomic():
                submission = Submission.objects.create(user=request.user, token=token)
        except IntegrityError:
            # The first sending committed while this one waited on the unique index.
            earlier = Submission.objects.filter(user=request.user, token=token).first()
            raise AlreadySaved(earlier.location if earlier else "") from None
        yield submission
        if submission.location:
            submission.save(update_fields=["location"])


def already_saved(
    request: HtmxRequest,
    repeat: AlreadySaved,
    *,
    redirect_to: str,
    region: HttpResponse | None = None,
) -> HttpResponse:
    """The answer to a form sent again: where the first sending led (else `redirect_to`), with
    the page's region and an "already saved" toast for htmx, or a message after a redirect."""
    location = repeat.location or redirect_to
    if request.htmx and region is None:
        messages.info(request, str(repeat))
        return HttpResponseClientRedirect(location)
    return toast_or_redirect(
        request, text=str(repeat), level="info", redirect_to=location, region=region
    )


def forget_spent_tokens() -> int:
    """Delete the tokens claimed more than KEPT_FOR ago; returns how many."""
    deleted, _by_model = Submission.objects.filter(
        created_at__lt=timezone.now() - KEPT_FOR
    ).delete()
    return deleted
