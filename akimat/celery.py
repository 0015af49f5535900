"""The Celery application, set up as Celery's Django guide describes.

Celery modules are called `jobs.py` because `tasks` is an app of ours (the domain's tasks).
"""

from __future__ import annotations

import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akimat.settings")

app = Celery("akimat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")


@signals.setup_logging.connect
def keep_django_logging(**kwargs: object) -> None:
    """The worker and beat log through settings.LOGGING, whose handlers mask IINs and BINs;
    a receiver here stops Celery from installing unmasked handlers of its own."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
