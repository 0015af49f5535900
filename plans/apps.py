from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("12-week plans")

    def ready(self) -> None:
        from plans.panels import goal_panel
        from tasks.panels import register

        register(goal_panel)
