"""The Celery application, set up as Celery's Django guide describes.

Celery modules are called `jobs.py` because `tasks` is an app of ours (the domain's tasks).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akimat.settings")

app = Celery("akimat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
