"""Panels that other apps add to the task page, without `tasks` importing them.

An app that keeps its own link to tasks (plans: the goal a tactic-task serves) registers a
provider in its `AppConfig.ready()`. A provider gets the task and the person looking at it and
returns a `Panel` (a template and its context) or None; it should cost at most one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from akimat.models import User
from tasks.models import Task


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, object] = field(default_factory=dict)


Provider = Callable[[Task, User], Panel | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(task: Task, user: User) -> list[Panel]:
    return [panel for panel in (provider(task, user) for provider in _providers) if panel]
