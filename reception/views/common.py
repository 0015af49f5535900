"""What the reception views share: the service lists."""

from __future__ import annotations

from django.utils import timezone

from reception.models import Closure, Service


def offered_services() -> list[Service]:
    """Every offered service, by directorate (one query); closed directorates are marked."""
    today = timezone.localdate()
    closed = set(
        Closure.objects.filter(first_day__lte=today, last_day__gte=today).values_list(
            "department_id", flat=True
        )
    )
    services = list(
        Service.objects.filter(is_active=True)
        .select_related("department")
        .order_by("department__name_ru", "position", "name_ru")
    )
    for service in services:
        service.is_closed = service.department_id in closed
    return services
