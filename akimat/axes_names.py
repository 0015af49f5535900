"""How the admin names django-axes' records in the page's language.

django-axes writes its records' names in English in code (`AccessLog.__str__` returns "Access Log
for admin @ …"), and the admin shows them in titles, breadcrumbs and the list's checkboxes, so a
kk or ru admin page showed English. Axes offers no setting for it; `AkimatConfig.ready` puts
these in place of its `__str__` methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext

if TYPE_CHECKING:
    import datetime as dt

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog


def _when(moment: dt.datetime | None) -> str:
    return date_format(localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "—"


def access_log_name(log: AccessLog) -> str:
    return gettext("Sign-in of %(username)s, %(when)s") % {
        "username": log.username or "—",
        "when": _when(log.attempt_time),
    }


def access_attempt_name(attempt: AccessAttempt) -> str:
    return gettext("Failed sign-ins of %(username)s, %(when)s") % {
        "username": attempt.username or "—",
        "when": _when(attempt.attempt_time),
    }


def access_failure_name(failure: AccessFailureLog) -> str:
    return gettext("Failed sign-in of %(username)s, %(when)s") % {
        "username": failure.username or "—",
        "when": _when(failure.attempt_time),
    }


def install() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessLog.__str__ = access_log_name
    AccessAttempt.__str__ = access_attempt_name
    AccessFailureLog.__str__ = access_failure_name
