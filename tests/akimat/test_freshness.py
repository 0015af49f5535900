"""Stale-while-revalidate (akimat.freshness): counted once, served while fresh, counted again in
the background once stale (one recount at a time), inline inside a transaction, and a failed
recount keeps what was kept."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.core.cache import cache

from akimat import freshness

KEY = "test:freshness"


@pytest.fixture(autouse=True)
def clean():
    cache.clear()
    yield
    freshness.wait_for_recounts()
    cache.clear()


class Counter:
    """Counts 1, 2, 3, … and remembers how often it was asked; can be held at a gate."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls = 0
        self.gate = gate

    def __call__(self) -> int:
        self.calls += 1
        if self.gate is not None:
            assert self.gate.wait(10)
        return self.calls


def test_the_first_call_counts_and_a_fresh_value_is_served_without_counting():
    count = Counter()
    with time_machine.travel(0, tick=False) as clock:
        assert freshness.kept(KEY, count, fresh_for=60) == 1
        clock.shift(59)
        assert freshness.kept(KEY, count, fresh_for=60) == 1
    assert count.calls == 1


def test_a_stale_value_is_served_at_once_and_counted_again_in_the_background():
    gate = threading.Event()
    count = Counter()
    with time_machine.travel(0, tick=False) as clock:
        freshness.kept(KEY, count, fresh_for=60)
        clock.shift(61)
        count.gate = gate
        # the recount is held at the gate, yet the caller already has the kept value
        assert freshness.kept(KEY, count, fresh_for=60) == 1
        # a second caller meanwhile starts no second recount
        assert freshness.kept(KEY, count, fresh_for=60) == 1
        gate.set()
        freshness.wait_for_recounts()
        assert count.calls == 2
        assert freshness.kept(KEY, count, fresh_for=60) == 2
    assert count.calls == 2


def test_a_value_kept_past_its_whole_life_is_counted_while_the_caller_waits():
    count = Counter()
    with time_machine.travel(0, tick=False) as clock:
        freshness.kept(KEY, count, fresh_for=60)
        cache.delete(KEY)  # what the cache does after fresh_for × KEEP_FACTOR
        clock.shift(60 * freshness.KEEP_FACTOR + 1)
        assert freshness.kept(KEY, count, fresh_for=60) == 2


def test_a_failed_recount_keeps_the_value_and_lets_the_next_caller_try_again(caplog):
    calls = []

    def failing() -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return len(calls)

    with time_machine.travel(0, tick=False) as clock:
        freshness.kept(KEY, failing, fresh_for=60)
        clock.shift(61)
        assert freshness.kept(KEY, failing, fresh_for=60) == 1
        freshness.wait_for_recounts()
        assert "Counting test:freshness again failed" in caplog.text
        assert freshness.kept(KEY, failing, fresh_for=60) == 1  # the lock was let go: try 3
        freshness.wait_for_recounts()
        assert freshness.kept(KEY, failing, fresh_for=60) == 3


@pytest.mark.django_db
def test_inside_a_transaction_a_stale_value_is_counted_again_at_once():
    count = Counter()
    with time_machine.travel(0, tick=False) as clock:
        freshness.kept(KEY, count, fresh_for=60)
        clock.shift(61)
        assert freshness.kept(KEY, count, fresh_for=60) == 2
        assert cache.get(f"{KEY}:recount") is None
