"""The applicant's status page (issue 18 item 5): no login; the coupon number and the last four
digits of the applicant's phone (or the status code printed on the coupon) show the status and
the term in force, and nothing else — no name, no text, no executor.

Both values come in a POST body, so neither the coupon number nor the phone's digits ever
reach a URL, a proxy's log or the browser's history. A wrong pair and an unknown number get the
same page with the same message, so the page tells nobody which coupon numbers exist.

Attempts are counted per client address and per coupon number with django-ratelimit (its
`is_ratelimited` core, counted in the `default` cache: shared by every web worker when
CACHE_URL names a Redis, per process otherwise). The app is not in INSTALLED_APPS on purpose:
its system check refuses the local-memory cache a laptop runs with, and the core needs no app.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from akimat.http import client_ip
from appeals.models import Appeal, Status

# Attempts allowed: from one address, and on one coupon number from anywhere. Ten thousand
# possible last four digits against five tries an hour per coupon make guessing hopeless; an
# applicant who mistypes twice is still well inside both.
RATE_PER_ADDRESS = "20/h"
RATE_PER_COUPON = "5/h"
RETRY_AFTER_SECONDS = 60 * 60

# "2026-00042" as printed; also "2026 - 42", "2026/42", "2026 00042", "202600042".
COUPON = re.compile(r"^(?P<year>\d{4})\s*[-–—/.\s]?\s*(?P<number>\d{1,6})$")
PHONE_DIGITS = re.compile(r"^\d{4}$")
SECRET = re.compile(r"^[0-9A-Z]{6}$")


class UnechoedInput(forms.TextInput):
    """A text field whose value is never drawn back into the page: a wrong pair's digits stay
    out of the HTML (and so out of a shared computer's page cache and history)."""

    def format_value(self, value: object) -> str | None:
        return None


def parse_coupon(raw: str) -> tuple[int, int] | None:
    """(year, number) of a typed coupon number, or None when it cannot be one."""
    match = COUPON.match(" ".join(raw.split()))
    if match is None:
        return None
    year, number = int(match["year"]), int(match["number"])
    if not 2000 <= year <= 2999 or number < 1:
        return None
    return year, number


class StatusForm(forms.Form):
    coupon = forms.CharField(
        label=gettext_lazy("Coupon number"),
        max_length=20,
        help_text=gettext_lazy("As printed on the coupon, for example 2026-00042."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    check = forms.CharField(
        label=gettext_lazy("Last four digits of the phone, or the status code"),
        max_length=10,
        help_text=gettext_lazy(
            "The last four digits of the phone you gave at registration, or the six-character "
            "status code printed on the coupon."
        ),
        widget=UnechoedInput(attrs={"autocomplete": "off"}),
    )

    def clean_coupon(self) -> tuple[int, int]:
        # A NUL byte never gets here: the field's own validator names it.
        parsed = parse_coupon(self.cleaned_data["coupon"])
        if parsed is None:
            raise forms.ValidationError(_("Enter the number as printed, for example 2026-00042."))
        return parsed

    def clean_check(self) -> str:
        raw = "".join(self.cleaned_data["check"].split()).upper()
        if not (PHONE_DIGITS.match(raw) or SECRET.match(raw)):
            raise forms.ValidationError(
                _("Enter four digits of the phone or the six characters of the status code.")
            )
        return raw


def find_appeal(year: int, number: int, check: str) -> Appeal | None:
    """The appeal when the pair matches (one query), else None, whether or not the number
    exists. Both comparisons run in constant time."""
    appeal = (
        Appeal.objects.filter(year=year, number=number)
        .only(
            "year",
            "number",
            "secret",
            "status",
            "applicant_phone",
            "anonymous",
            "deadline",
            "legal_deadline",
            "extended_on",
            "redirected_on",
            "redirected_to",
            "answered_on",
        )
        .first()
    )
    if appeal is None:
        return None
    if PHONE_DIGITS.match(check):
        phone = appeal.applicant_phone[-4:] if len(appeal.applicant_phone) >= 4 else ""
        matches = bool(phone) and hmac.compare_digest(phone, check)
    else:
        matches = hmac.compare_digest(appeal.secret.upper(), check)
    return appeal if matches else None


def public_status(appeal: Appeal) -> str:
    """The status in the applicant's words: the inner steps (awaiting an executor, awaiting the
    head's closing) are the body's own business."""
    if appeal.status in (Status.ANSWERED, Status.CLOSED):
        return _("Answered")
    if appeal.status == Status.REDIRECTED:
        return _("Redirected to the competent body")
    if appeal.status == Status.IN_WORK:
        return _("Under consideration by an executor")
    return _("Registered, an executor is being appointed")


def _key(value: str) -> Callable[[str, HttpRequest], str]:
    return lambda _group, _request: value


def _limited(request: HttpRequest, *, group: str, key: str, rate: str) -> bool:
    return is_ratelimited(
        request, group=group, key=_key(key), rate=rate, method="POST", increment=True
    )


@require_http_methods(["GET", "POST"])
@never_cache
def status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST or None)
    context: dict[str, object] = {"form": form, "appeal": None, "not_found": False}
    if request.method != "POST":
        return TemplateResponse(request, "appeals/status.html", context)
    # Every attempt from an address counts, a well-formed one on its coupon number too.
    address = client_ip(request) or "unknown"
    over = _limited(request, group="appeals-status-address", key=address, rate=RATE_PER_ADDRESS)
    if form.is_valid():
        year, number = form.cleaned_data["coupon"]
        over = (
            _limited(
                request,
                group="appeals-status-coupon",
                key=f"{year}-{number}",
                rate=RATE_PER_COUPON,
            )
            or over
        )
    if over:
        response = TemplateResponse(
            request,
            "appeals/status_limited.html",
            {"minutes": RETRY_AFTER_SECONDS // 60},
            status=429,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if form.is_valid():
        year, number = form.cleaned_data["coupon"]
        appeal = find_appeal(year, number, form.cleaned_data["check"])
        if appeal is None:
            context["not_found"] = True
        else:
            context["appeal"] = appeal
            context["status_text"] = public_status(appeal)
            # A fresh, empty form below the answer: the values typed are not drawn again.
            context["form"] = StatusForm()
    return TemplateResponse(request, "appeals/status.html", context)


urlpatterns: list[URLPattern] = [
    path("status/", status, name="status"),
]
