"""The meetings' pages, each group in its own view module: the register and a meeting's page,
the protocol, the deputy's month with its visits, and the control of execution."""

from __future__ import annotations

from meetings.views import control, month, protocol, register

app_name = "meetings"

urlpatterns: list = [
    *register.urlpatterns,
    *protocol.urlpatterns,
    *month.urlpatterns,
    *control.urlpatterns,
]
