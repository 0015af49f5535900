"""The load of bench/dashboard_http.py: signed-in deputies and heads opening the dashboard and
drilling down. The session cookies and the drill-down's ids come from the environment (the
benchmark makes them); PACED=1 gives each user one request a second, PACED=0 none at all."""

from __future__ import annotations

import os

from locust import FastHttpUser, between, constant, task

PACED = os.environ.get("PACED", "1") == "1"
DEPUTY = os.environ["BENCH_DEPUTY_COOKIE"]
HEAD = os.environ["BENCH_HEAD_COOKIE"]
DIRECTORATE = os.environ["BENCH_DIRECTORATE"]
PERSON = os.environ["BENCH_PERSON"]
HX = {"HX-Request": "true"}


class Deputy(FastHttpUser):
    weight = 3
    wait_time = between(0.5, 1.5) if PACED else constant(0)

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", headers={"Cookie": DEPUTY}, name="deputy: /dashboard/")

    @task(1)
    def directorate(self) -> None:
        self.client.get(
            f"/dashboard/directorates/{DIRECTORATE}/",
            headers={**HX, "Cookie": DEPUTY},
            name="drill-down: directorate",
        )

    @task(1)
    def person(self) -> None:
        self.client.get(
            f"/dashboard/directorates/{DIRECTORATE}/people/{PERSON}/",
            headers={**HX, "Cookie": DEPUTY},
            name="drill-down: person's overdue tasks",
        )


class Head(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 1.5) if PACED else constant(0)

    @task
    def dashboard(self) -> None:
        self.client.get("/dashboard/", headers={"Cookie": HEAD}, name="head: /dashboard/")
