from __future__ import annotations

from akimat.models import User
from journal import services
from reception.selectors import is_receptionist, watches_all


def nav(user: User) -> dict[str, bool]:
    """What the logbook's section tabs show this person."""
    return {
        "can_write": services.can_write(user),
        "can_read_indicators": services.can_read_indicators(user),
        "can_open_tickets": is_receptionist(user) or watches_all(user),
    }
