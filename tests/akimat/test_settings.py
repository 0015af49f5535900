"""Start-up configuration: production refuses to start without its variables, and says which."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.patience import HUNG_AFTER

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgresql://akimat:secret@db.invalid:5432/akimat",
    "CELERY_BROKER_URL": "redis://broker.invalid:6379/0",
    "ALLOWED_HOSTS": "portal.example",
}
# DATABASE_OWNER_URL too: a laptop's test run puts the embedded server's owner there, and a
# production start given only PRODUCTION's variables must not find that server.
LEAVE_OUT = {*PRODUCTION, "DATABASE_OWNER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k) for k in "
    "['DEBUG', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_SECONDS', 'TIME_ZONE', 'LANGUAGE_CODE', 'USE_TZ', 'ALLOWED_HOSTS']}))"
)


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in LEAVE_OUT}
    clean["DJANGO_SETTINGS_MODULE"] = "akimat.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=HUNG_AFTER,
    )


def settings_with(env: dict[str, str]) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if k not in LEAVE_OUT}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "akimat.settings", **env},
        capture_output=True,
        text=True,
        timeout=HUNG_AFTER,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS"]
)
def test_production_start_names_the_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_manage(env, "check")
    assert result.returncode == 2
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_database_url_must_be_postgres():
    result = run_manage({**PRODUCTION, "DATABASE_URL": "sqlite:///db.sqlite3"}, "check")
    assert result.returncode == 2
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_misspelt_switch_is_refused():
    result = run_manage({**PRODUCTION, "SECURE_SSL_REDIRECT": "maybe"}, "check")
    assert result.returncode == 2
    assert "SECURE_SSL_REDIRECT must be true or false" in result.stderr


def test_production_defaults_to_https_everywhere():
    values = settings_with(PRODUCTION)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["ALLOWED_HOSTS"] == ["portal.example"]


def test_https_switches_can_be_turned_off_for_a_plain_http_trial():
    values = settings_with(
        {
            **PRODUCTION,
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
        }
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_locale_and_time_zone_defaults():
    values = settings_with(PRODUCTION)
    assert values["TIME_ZONE"] == "Asia/Almaty"
    assert values["LANGUAGE_CODE"] == "ru"
    assert values["USE_TZ"] is True
    assert settings_with({**PRODUCTION, "TIME_ZONE": "Asia/Aqtobe"})["TIME_ZONE"] == "Asia/Aqtobe"


def test_deploy_check_passes_with_production_settings():
    result = run_manage(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unreachable_database_is_reported_in_one_line():
    env = {**PRODUCTION, "DATABASE_URL": "postgresql://akimat:secret@127.0.0.1:1/akimat"}
    result = run_manage(env, "migrate", "--noinput")
    assert result.returncode == 2
    assert "The database does not answer" in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
