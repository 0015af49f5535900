"""Is the contact log as it was written? The check behind `manage.py verify_contact_log` and
the nightly job: the hash chain over the log (akimat/chain.py)."""

from __future__ import annotations

from akimat.chain import Report, verify_chain


def verify_contact_log() -> Report:
    """Walk the contact log's chain and return its first broken link, if any."""
    return verify_chain("reception_contactlog", "started_at")
