"""Who sees and does what at the reception. Views and services ask these, never the templates."""

from __future__ import annotations

from django.db.models import QuerySet

from akimat.models import Department, Role, User


def is_receptionist(user: User) -> bool:
    return user.has_role(Role.RECEPTIONIST, Role.ADMIN)


def watches_all(user: User) -> bool:
    """The deputy, the methodologist and the admin see every directorate's reception."""
    return user.sees_every_directorate()


def serves_visitors(user: User) -> bool:
    """Staff of a directorate open desks and serve the visitors of their services."""
    return user.department_id is not None and user.has_role(Role.SPECIALIST, Role.HEAD)


def queue_departments(user: User) -> QuerySet[Department]:
    """Directorates whose queue a person may see: all for the reception and the watchers, their
    own for staff, none for anyone else."""
    if watches_all(user) or is_receptionist(user):
        return Department.objects.all()
    if user.department_id and user.has_role(Role.SPECIALIST, Role.HEAD):
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


def case_scope(user: User) -> dict[str, object] | None:
    """The filter on cases a person may see, or None for none: all for the watchers, the
    directorate's for its head, one's own for everyone else on the staff."""
    if watches_all(user):
        return {}
    if user.has_role(Role.HEAD) and user.department_id:
        return {"department_id": user.department_id}
    if user.department_id:
        return {"responsible_id": user.pk}
    return None


def sees_statistics(user: User) -> bool:
    return watches_all(user) or is_receptionist(user) or user.has_role(Role.HEAD)


def sees_contact_log(user: User) -> bool:
    """The anti-corruption record: the deputy, the methodologist, the admin and the heads."""
    return watches_all(user) or (user.has_role(Role.HEAD) and user.department_id is not None)


def may_see_full_iin(user: User, *, official_id: int | None) -> bool:
    """An IIN is whole only for the receptionist and the official who serves the visitor."""
    return is_receptionist(user) or (official_id is not None and official_id == user.pk)
