"""Figures that take long to count, kept in Django's cache and counted again in the background.

`kept(key, count, fresh_for=…)` is stale-while-revalidate: the first caller counts and waits;
afterwards every caller is served what is kept, and once it is older than `fresh_for` seconds
the first caller to notice starts one recount in a background thread (a cache `add` is the
lock, so one process recounts for all that share the cache) and still gets the kept value. So
the deputy never waits for the million-task count after the first time of the day, and the
figures are never more than about `fresh_for` seconds plus one count old.

Written here because Django's cache has no such call and the packages that memoize into it
(django-cache-memoize, cacheops) expire an entry and make the next caller wait for the count.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

T = TypeVar("T")
logger = logging.getLogger(__name__)

# A value is kept this many times `fresh_for` in all; a caller after that waits for a count.
KEEP_FACTOR = 15
# The recount's lock is let go after this long even if its thread died without a word.
LOCK_SECONDS = 300

_recounts: list[threading.Thread] = []


def kept(key: str, count: Callable[[], T], *, fresh_for: int) -> T:
    """The value kept under `key`, counted by `count()` when none is (the caller waits) and
    counted again in the background once it is older than `fresh_for` seconds.

    Inside a transaction the recount is done at once instead: a thread has a connection of its
    own and would not see what the caller's transaction has written (the tests run so)."""
    entry = cache.get(key)
    if entry is None:
        return _count(key, count, fresh_for)
    counted_at, value = entry
    if time.time() - counted_at < fresh_for or not cache.add(f"{key}:recount", 1, LOCK_SECONDS):
        return value
    if connection.in_atomic_block:
        try:
            return _count(key, count, fresh_for)
        finally:
            cache.delete(f"{key}:recount")
    thread = threading.Thread(
        target=_recount, args=(key, count, fresh_for), name=f"recount {key}", daemon=True
    )
    _recounts.append(thread)
    thread.start()
    return value


def _count(key: str, count: Callable[[], T], fresh_for: int) -> T:
    started = time.time()
    value = count()
    cache.set(key, (started, value), fresh_for * KEEP_FACTOR)
    return value


def _recount(key: str, count: Callable[[], object], fresh_for: int) -> None:
    try:
        _count(key, count, fresh_for)
    except Exception:
        # The kept value stays; the next caller after the lock is gone tries again.
        logger.exception("Counting %s again failed", key)
    finally:
        cache.delete(f"{key}:recount")
        connection.close()  # this thread's own connection


def wait_for_recounts(timeout: float = 30) -> None:
    """Wait for the background recounts started so far (for tests and benchmarks)."""
    while _recounts:
        _recounts.pop().join(timeout)
