"""Demo data of the scores: the nightly snapshots of the cycle so far, and the appeals'.

`seed_demo` calls `seed_scores` last, after every other app's demo, so the back-filled snapshots
count every app's demo rows.
"""

from __future__ import annotations

from appeals import figures
from scores import scoring


def seed_scores() -> str:
    """The nightly scores and the appeals' figures for the cycle so far (the last step: it
    counts every app's rows)."""
    scoring.ensure_default_policy()
    end = scoring.yesterday()
    start = scoring.period_start(end)
    rows = scoring.back_fill(start=start, end=end)
    appeal_rows = figures.back_fill(start, end)
    return (
        f"scores: {rows} people's daily snapshots from {start:%d.%m.%Y} to {end:%d.%m.%Y}; "
        f"appeals: {appeal_rows} directorates' daily figures"
    )
