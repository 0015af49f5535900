"""How long a test waits for another process (a Celery worker, a second `manage.py`) before it
calls it hung. Not a speed limit: on two cores under full CPU load a worker's start and a job
take minutes, so the guard is generous; a healthy run takes seconds."""

from __future__ import annotations

HUNG_AFTER = 300  # seconds
