"""docker-compose.yml: valid against the Compose Specification, and still the stack we deploy.

The schema check runs check-jsonschema (the dev extra) with its builtin `vendor.compose-spec`:
github.com/compose-spec/compose-spec, schema/compose-spec.json, which check-jsonschema vendors
and refreshes in its releases (0.39.0 when this was written: sha256 d549057e...). Neither
Docker nor a database is needed.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
APP_SERVICES = ("web", "worker", "beat")
DOCUMENTED = re.compile(r"^[ \t]*#?[ \t]*([A-Z][A-Z0-9_]*)=", re.MULTILINE)

Services = dict[str, dict[str, Any]]


def check_compose_schema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def load(path: Path) -> dict[str, Any]:
    # The safe loader resolves the `<<: *app` merge keys, as Compose does.
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load(COMPOSE)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> Services:
    return compose["services"]


def command_text(command: str | list[str]) -> str:
    return command if isinstance(command, str) else " ".join(command)


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's `environment:`, whether written as a mapping or as a list of NAME=value."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {str(name): "" if value is None else str(value) for name, value in env.items()}
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)


def image_major(image: str) -> str:
    """`postgres:16`, `postgres:16.4-bookworm`, `docker.io/library/redis:7-alpine` -> the major."""
    tag = image.rsplit("/", 1)[-1].partition(":")[2]
    return re.split(r"[.-]", tag, maxsplit=1)[0]


# --- the schema ------------------------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    result = check_compose_schema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_compose_file(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    """Guards the guard: the same stack with one unknown service key must fail the check."""
    intact = tmp_path / "compose.json"
    intact.write_text(json.dumps(compose), encoding="utf-8")
    assert check_compose_schema(intact).returncode == 0

    broken_compose = copy.deepcopy(compose)
    broken_compose["services"]["web"]["restart_policy"] = "unless-stopped"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(broken_compose), encoding="utf-8")
    result = check_compose_schema(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "restart_policy" in result.stdout + result.stderr


def test_no_obsolete_version_key(compose: dict[str, Any]) -> None:
    assert "version" not in compose


# --- the stack -------------------------------------------------------------------------------


def test_the_six_services_exist(services: Services) -> None:
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)


def test_web_worker_and_beat_build_from_the_same_dockerfile(services: Services) -> None:
    builds = set()
    for name in APP_SERVICES:
        build = services[name].get("build")
        assert build, f"{name} has no build section"
        if isinstance(build, str):
            build = {"context": build}
        context = (COMPOSE.parent / build.get("context", ".")).resolve()
        builds.add((context, build.get("dockerfile", "Dockerfile")))
    assert len(builds) == 1, builds
    ((context, dockerfile),) = builds
    assert (context / dockerfile).is_file()
    assert len({services[name].get("image") for name in APP_SERVICES}) == 1


def test_database_is_postgres_16_and_broker_redis_7(services: Services) -> None:
    assert services["db"]["image"].rsplit("/", 1)[-1].startswith("postgres:")
    assert image_major(services["db"]["image"]) == "16"
    assert services["redis"]["image"].rsplit("/", 1)[-1].startswith("redis:")
    assert image_major(services["redis"]["image"]) == "7"


def test_migrations_run_as_the_owner_before_the_apps_start(services: Services) -> None:
    migrate = services["migrate"]
    assert "manage.py migrate --noinput" in command_text(migrate["command"])
    owner = environment(migrate)["DATABASE_OWNER_URL"]
    assert owner.startswith("postgresql://akimat:${POSTGRES_PASSWORD:?") and "@db:5432/" in owner
    assert "gunicorn akimat.wsgi:application" in command_text(services["web"]["command"])
    for name in APP_SERVICES:
        # Not before the migrations succeeded, and never with the owner's password.
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        ), name
        env = environment(services[name])
        assert "DATABASE_OWNER_URL" not in env, name
        assert env["DATABASE_URL"].startswith("postgresql://akimat_app:${PORTAL_DB_PASSWORD:?")
        assert "POSTGRES_PASSWORD" not in "".join(env.values()), name


def test_the_database_makes_the_portals_role_on_first_start(services: Services) -> None:
    assert "./docker/initdb:/docker-entrypoint-initdb.d:ro" in services["db"]["volumes"]
    script = (ROOT / "docker" / "initdb" / "10-portal-role.sh").read_text(encoding="utf-8")
    assert "CREATE ROLE akimat_app LOGIN NOSUPERUSER" in script
    assert "GRANT akimat_portal TO akimat_app" in script


def test_worker_and_beat_run_celery(services: Services) -> None:
    assert "celery -A akimat worker" in command_text(services["worker"]["command"])
    assert "celery -A akimat beat" in command_text(services["beat"]["command"])


def test_every_service_but_beat_has_a_healthcheck(services: Services) -> None:
    for name, service in services.items():
        if name in {"beat", "migrate"}:  # beat answers nothing; migrate runs once and exits
            continue
        healthcheck = service.get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
        assert healthcheck.get("test"), f"{name}'s healthcheck runs nothing"


def test_web_healthcheck_reaches_healthz_despite_the_https_redirect(
    services: Services,
) -> None:
    test = command_text(services["web"]["healthcheck"]["test"])
    assert "/healthz" in test
    assert "X-Forwarded-Proto" in test and "https" in test


def test_apps_wait_for_a_healthy_database_and_broker(services: Services) -> None:
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        for dependency in ("db", "redis"):
            assert depends_on[dependency]["condition"] == "service_healthy", (
                name,
                dependency,
            )


def test_every_service_restarts_unless_stopped(services: Services) -> None:
    for name, service in services.items():
        if name == "migrate":  # runs once per `up`, and exits
            assert service.get("restart") == "no"
            continue
        assert service.get("restart") == "unless-stopped", name


def test_database_keeps_its_data_in_a_named_volume(compose: dict[str, Any]) -> None:
    named = set(compose.get("volumes") or {})
    data_dir = "/var/lib/postgresql/data"
    sources = []
    for volume in compose["services"]["db"].get("volumes", []):
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target = rest.split(":", 1)[0]
        else:
            source, target = volume.get("source", ""), volume.get("target", "")
        if target == data_dir:
            sources.append(source)
    assert sources, f"nothing is mounted at {data_dir}"
    assert all(source in named for source in sources), (sources, named)


def test_media_is_kept_in_a_named_volume(compose: dict[str, Any]) -> None:
    assert "media" in (compose.get("volumes") or {})
    for name in ("web", "worker"):
        service = compose["services"][name]
        assert "media:/data/media" in service["volumes"], name
        assert environment(service)["MEDIA_ROOT"] == "/data/media", name


def test_production_settings_in_the_web_service(services: Services) -> None:
    env = environment(services["web"])
    assert env["DEBUG"] == "false"
    assert env["DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    # Required, never defaulted: compose refuses to start without them.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    for switch in (
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ):
        assert env[switch] == f"${{{switch}:-true}}", switch


def test_every_variable_the_web_service_sets_is_documented(services: Services) -> None:
    """Each name in web's `environment:` appears in .env.example as `NAME=` (or `# NAME=`)."""
    documented = set(DOCUMENTED.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))
    missing = sorted(set(environment(services["web"])) - documented)
    assert not missing, f"not in .env.example: {missing}"


def test_every_variable_compose_reads_is_documented() -> None:
    """POSTGRES_PASSWORD, SECRET_KEY...: what `${...}` reads from the shell or the .env file."""
    documented = set(DOCUMENTED.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))
    compose_text = COMPOSE.read_text(encoding="utf-8").replace("$$", "")
    interpolated = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", compose_text))
    missing = sorted(interpolated - documented)
    assert not missing, f"not in .env.example: {missing}"
