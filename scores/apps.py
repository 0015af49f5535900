from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoresConfig(AppConfig):
    """The top floor: the nightly scores, the deputy's dashboard, My score and the disputes."""

    name = "scores"
    verbose_name = _("Scores")
