from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from akimat.models import Language, User


@transaction.atomic
def set_user_language(*, user: User, language: str) -> None:
    """Keep the person's interface language on their user row, with history."""
    if language not in Language.values:
        raise ValueError(f"Unsupported language {language!r}")
    if user.language == language:
        return
    user.language = language
    user._change_reason = gettext_noop("language switch")
    user.save(update_fields=["language"])
