"""Typed factory_boy factories for tasks.

A factory writes rows directly, so it may set what the services forbid (a past deadline, a done
task without going through acceptance): that is how tests build overdue and finished work.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tasks.models import Status, Task
from tests.factories import DepartmentFactory, UserFactory


class TaskFactory(factory.django.DjangoModelFactory[Task]):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Task {n}")
    author = factory.SubFactory(UserFactory)
    responsible = factory.SubFactory(
        UserFactory, department=factory.SubFactory(DepartmentFactory), roles=["specialist"]
    )
    # The task counts in the responsible person's directorate, as `create_task` sets it.
    department = factory.LazyAttribute(lambda task: task.responsible.department)
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    status = Status.NEW
    # A done task must have its moment (a database constraint); pass `done_at` to choose it.
    done_at = factory.LazyAttribute(
        lambda task: timezone.now() if task.status == Status.DONE else None
    )
