from __future__ import annotations

import importlib
import time
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from scores.demo import seed_scores

# Each app's demo module, in dependency order; later apps build on the rows of earlier ones. The
# command lives in the top floor (scores), the one app that may know every other.
DEMO_MODULES = [
    "akimat.demo",
    "tasks.demo",
    "plans.demo",
    "reception.demo",
    "appeals.demo",
    "meetings.demo",
    "journal.demo",
]


class Command(BaseCommand):
    help = "Create the demo department and its logins (password 'demo'). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="1: the five directorates; N: 5 x N directorates of the same shape.",
        )

    def handle(self, *args: object, scale: int, **options: Any) -> None:
        if not 1 <= scale <= 1000:
            raise CommandError("--scale must be a whole number from 1 to 1000.")
        started = time.monotonic()
        verbosity = int(options.get("verbosity", 1))

        def progress(items: Iterable[Any]) -> Iterable[Any]:
            return tqdm(
                items,
                desc="directorates",
                unit="chunk",
                disable=verbosity == 0,
                file=self.stderr,
            )

        summaries = []
        for name in DEMO_MODULES:
            module = importlib.import_module(name)
            summaries.append(module.seed(scale=scale, progress=progress))
        # Last, so the back-filled snapshots count every app's demo rows.
        summaries.append(seed_scores())
        elapsed = time.monotonic() - started
        self.stdout.write(f"Demo data ready in {elapsed:.1f} s: " + "; ".join(summaries) + ".")
