#!/usr/bin/env bash
# Lighthouse mobile (performance and accessibility) on the pages issue 22 touched, each as the
# person who reads it, at demo size: the deputy's dashboard, its drill-down to a directorate and to
# a person, the reception statistics, a 12-week plan, the methodologist's logbook; a head's My
# tasks, absences, stand-up and score disputes; a specialist's My score and staff queue; the
# receptionist's desk and a follow-up case; the hall screen.
#
#   bench/lighthouse_pages.sh [label]
#
#   RUNS=3   Lighthouse runs per page (the median run by performance score is reported)
#
# Needs what bench/lighthouse_my_tasks.sh needs: PostgreSQL and Redis at DATABASE_URL /
# CELERY_BROKER_URL (the database is created and seeded when missing), Chromium at CHROME_PATH,
# and Lighthouse installed with npm outside the repository:
#   mkdir -p /tmp/lh && cd /tmp/lh && npm install lighthouse
# The portal runs under gunicorn with DEBUG off (whitenoise serves the compressed static files).
set -euo pipefail

cd "$(dirname "$0")/.."
LABEL=${1:-$(git rev-parse --short HEAD)}
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/akimat_lh}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/13}
export DJANGO_SETTINGS_MODULE=akimat.settings DEBUG=false SECRET_KEY=lighthouse-bench-only
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
LH_DIR=${LH_DIR:-/tmp/lh}
PORT=${PORT:-8766}
RUNS=${RUNS:-3}
OUT=$(mktemp -d)
VENV=${VENV:-.venv}
PY=$VENV/bin/python
SERVER_URL=${DATABASE_URL%/*}
DB_NAME=${DATABASE_URL##*/}

if ! psql "$SERVER_URL/postgres" -tAc "select 1 from pg_database where datname='$DB_NAME'" | grep -q 1; then
    psql "$SERVER_URL/postgres" -qc "create database \"$DB_NAME\""
fi
$PY manage.py migrate --noinput >/dev/null
$PY manage.py seed_demo >/dev/null 2>&1  # idempotent
$PY manage.py collectstatic --noinput >/dev/null

"$VENV/bin/gunicorn" akimat.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 120 --log-level warning &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done

# One line a page: its name, the login that reads it, a session of that login, its address.
$PY - >"$OUT/pages" <<'EOF'
import django

django.setup()
from django.test import Client  # noqa: E402

from akimat.models import Department, User  # noqa: E402
from plans.models import Plan  # noqa: E402
from reception.models import Case  # noqa: E402

agriculture = Department.objects.get(slug="agriculture")
plan = (
    Plan.objects.filter(cycle__department=agriculture, goals__tactics__isnull=False)
    .order_by("pk")
    .first()
)
pages = [
    ("dashboard", "deputy", "/dashboard/"),
    ("directorate", "deputy", f"/dashboard/directorates/{agriculture.pk}/"),
    ("person", "deputy", f"/dashboard/directorates/{agriculture.pk}/people/{agriculture.head_id}/"),
    ("statistics", "deputy", "/reception/stats/?period=week"),
    ("plan", "head.agriculture", f"/plans/{plan.pk}/"),
    ("logbook", "methodologist", "/journal/"),
    ("my-tasks", "head.agriculture", "/tasks/"),
    ("absences", "head.agriculture", "/tasks/absences/"),
    ("standup", "head.agriculture", "/tasks/standup/"),
    ("disputes", "head.agriculture", "/score/disputes/"),
    ("my-score", "specialist.agriculture", "/score/"),
    ("queue", "specialist.entrepreneurship", "/reception/queue/"),
    ("desk", "reception", "/reception/"),
    ("case", "reception", f"/reception/cases/{Case.objects.order_by('pk').first().pk}/"),
    ("hall", "reception", "/reception/board/"),
]
sessions = {}
for name, login, path in pages:
    if login not in sessions:
        client = Client()
        client.force_login(User.objects.get(username=login))
        sessions[login] = client.cookies["sessionid"].value
    print(name, login, sessions[login], path)
EOF

while read -r name login session path; do
    url="http://127.0.0.1:$PORT$path"
    curl -fs -o /dev/null -b "sessionid=$session" "$url"  # warms the worker up
    for n in $(seq "$RUNS"); do
        # Lighthouse now and then loses the trace on a busy machine (NO_NAVSTART): one retry.
        for attempt in 1 2; do
            "$LH_DIR/node_modules/.bin/lighthouse" "$url" --quiet \
                --only-categories=performance,accessibility \
                --output=json --output-path="$OUT/$name-$n.json" \
                --extra-headers="{\"Cookie\": \"sessionid=$session\"}" \
                --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic" \
                && break
            echo "$name: run $n failed (attempt $attempt)" >&2
        done
    done
done <"$OUT/pages"

$PY - "$LABEL" "$OUT" <<'EOF'
import json
import pathlib
import sys

label, out = sys.argv[1], pathlib.Path(sys.argv[2])
print(f"{label}: Lighthouse mobile, median run of each page by performance score")
print(f"  {'page':<12} {'login':<17} {'perf':>4} {'a11y':>4}  runs (perf)  TBT ms  FCP/LCP ms")
for line in (out / "pages").read_text().splitlines():
    name, login, _session, path = line.split()
    runs = []
    for report_path in sorted(out.glob(f"{name}-*.json")):
        report = json.loads(report_path.read_text())
        audits, categories = report["audits"], report["categories"]
        runs.append(
            {
                "perf": round(categories["performance"]["score"] * 100),
                "a11y": round(categories["accessibility"]["score"] * 100),
                "tbt": audits["total-blocking-time"]["numericValue"],
                "fcp": audits["first-contentful-paint"]["numericValue"],
                "lcp": audits["largest-contentful-paint"]["numericValue"],
            }
        )
    if not runs:
        print(f"  {name:<12} {login:<17} no run finished")
        continue
    median = sorted(runs, key=lambda r: r["perf"])[len(runs) // 2]
    scores = "/".join(str(r["perf"]) for r in runs)
    print(
        f"  {name:<12} {login:<17} {median['perf']:>4} {median['a11y']:>4}  {scores:<11}"
        f"  {median['tbt']:>6.0f}  {median['fcp']:.0f}/{median['lcp']:.0f}"
    )
EOF
