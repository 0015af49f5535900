"""The logging filters: IINs and BINs kept out of every log the portal writes; a refused
request (403) told in one line.

settings.LOGGING attaches it to every handler, so it sees the records of all loggers (Django's
request errors, gunicorn's access and error logs, Celery's workers). PostgreSQL's constraint
errors quote the row ("Key (iin)=(061211600012) already exists"), a URL may carry a number, and a
traceback repeats both: any run of twelve digits in the message, its arguments or the traceback
text is masked the way the pages mask an IIN.
"""

from __future__ import annotations

import logging

from akimat.identifiers import TWELVE_DIGITS, mask_identifiers_in


class MaskIdentifiers(logging.Filter):
    """Mask every run of twelve digits in a record before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: the handler reports it
            message = str(record.msg)
        if TWELVE_DIGITS.search(message):
            # The message is rendered once, masked, and kept without its arguments: an argument
            # is as likely as the template to carry the number (gunicorn's access log, %s).
            record.msg, record.args = mask_identifiers_in(message), None
        if record.exc_info and not record.exc_text:
            # What Formatter.format would cache, rendered here so that it can be masked.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identifiers_in(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identifiers_in(record.stack_info)
        return True


class ForbiddenOneLine(logging.Filter):
    """A 403 is the portal doing its job (a link followed by someone it is not for), not an
    error: django.request's record of it becomes one line, the method, the path and who asked,
    without the traceback Django attaches to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        who = f"user {user.pk}" if user is not None and user.is_authenticated else "anonymous"
        record.msg = "Forbidden: %s %s (%s)"
        record.args = (getattr(request, "method", "?"), getattr(request, "path", "?"), who)
        record.exc_info, record.exc_text = None, None
        return True
