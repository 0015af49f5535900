from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from akimat.navigation import HeaderWidget, register_header_widget
        from tasks.bell import notifications

        register_header_widget(HeaderWidget("tasks/_bell.html", notifications))
