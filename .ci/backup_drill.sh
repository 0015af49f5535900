#!/usr/bin/env bash
# Backup and restore drill (a backup nobody has restored is not a backup): seed a database with
# the demo data and keep a file with a logbook entry, back up the database (pg_dump) and the
# media folder (tar), restore both into a fresh database and folder, and check that every table
# has the same number of rows, that the logged-in pages demo users see (and the file) are the
# same, CSRF tokens aside, and that the hash chains still verify. The same commands as the
# README's runbook for docker compose. Runs on the machine's PostgreSQL (pg_dump must be the
# server's version: 15 there; the embedded server is 16). CI_DATABASE_URL names a superuser.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

superuser="${CI_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/akimat_ci}"
server="${superuser%/*}"
owner="${server/\/\/*@/\/\/akimat_owner@}"
portal="${server/\/\/*@/\/\/akimat_app@}"
source_db=akimat_drill
restored_db=akimat_drill_restored
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

export DEBUG=true CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}"
for db in "$source_db" "$restored_db"; do
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
SERVER="$server" .venv/bin/python - <<'PY'
import os

from akimat.roles import create_owner_login, create_portal_login

for name in ("akimat_drill", "akimat_drill_restored"):
    create_owner_login(f"{os.environ['SERVER']}/postgres", "akimat_owner", name)
create_portal_login(f"{os.environ['SERVER']}/postgres", "akimat_app")
PY

on() {  # on DB MEDIA command...: a portal command against one of the two databases
  local db="$1" media="$2"
  shift 2
  DATABASE_URL="$portal/$db" DATABASE_OWNER_URL="$owner/$db" MEDIA_ROOT="$media" "$@"
}

echo "--- seed $source_db"
on "$source_db" "$work/media" .venv/bin/python manage.py migrate --noinput -v0
on "$source_db" "$work/media" .venv/bin/python manage.py seed_demo >/dev/null
on "$source_db" "$work/media" .venv/bin/python .ci/backup_drill.py attach

echo "--- back up: pg_dump $(pg_dump --version | awk '{print $3}') and the media folder"
pg_dump --format=custom --file="$work/akimat.dump" "$owner/$source_db"
tar -C "$work/media" -czf "$work/media.tar.gz" .
ls -l "$work/akimat.dump" "$work/media.tar.gz"

echo "--- restore into $restored_db and a fresh media folder"
pg_restore --exit-on-error --no-owner --dbname="$owner/$restored_db" "$work/akimat.dump"
mkdir "$work/media-restored"
tar -C "$work/media-restored" -xzf "$work/media.tar.gz"

echo "--- compare"
.venv/bin/python .ci/backup_drill.py counts "$owner/$source_db" "$owner/$restored_db"
moment="$(date -u +%Y-%m-%dT%H:%M:%S+00:00)"
on "$source_db" "$work/media" .venv/bin/python .ci/backup_drill.py render "$work/before" "$moment"
on "$restored_db" "$work/media-restored" \
  .venv/bin/python .ci/backup_drill.py render "$work/after" "$moment"
.venv/bin/python .ci/backup_drill.py same "$work/before" "$work/after"
on "$restored_db" "$work/media-restored" .venv/bin/python manage.py verify_logbook
on "$restored_db" "$work/media-restored" .venv/bin/python manage.py verify_contact_log

for db in "$source_db" "$restored_db"; do
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
echo "Backup and restore drill passed in $(($(date +%s) - started)) s."
