"""The appeals' pages, each group in its own view module: registration and the coupon, one
appeal's life, the control pages and exports, and the applicant's public status page."""

from __future__ import annotations

from appeals.views import appeal, control, public, registration

app_name = "appeals"

urlpatterns = [
    *control.urlpatterns,
    *registration.urlpatterns,
    *appeal.urlpatterns,
    *public.urlpatterns,
]
