from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkimatConfig(AppConfig):
    name = "akimat"
    verbose_name = _("Organisation")
