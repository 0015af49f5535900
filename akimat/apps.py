from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkimatConfig(AppConfig):
    name = "akimat"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # The admin's autocomplete boxes (Select2) load a translation only for the languages
        # Django lists, and Select2 has no Kazakh: the portal ships its own
        # (static/admin/js/vendor/select2/i18n/kk.js) and names it here.
        from django.contrib.admin import widgets

        widgets.SELECT2_TRANSLATIONS.setdefault("kk", "kk")

        from akimat import axes_names

        axes_names.install()
