#!/usr/bin/env bash
# Lighthouse (mobile, performance only) on My tasks at demo size, logged in as the demo person
# with the most tasks on that page (head.agriculture: about 40 open tasks of their own, 40
# results to accept, 2 deadline moves to decide), and the page's bytes and server time by curl.
#
#   bench/lighthouse_my_tasks.sh [label]
#
#   RUNS=3            Lighthouse runs (the median run by score is reported)
#   EXTRA_TASKS=1900  give the person that many more open tasks, in a copy of the database
#                     (<name>_x<N>), to see a long list; LIGHTHOUSE=0 skips Lighthouse
#
# Needs PostgreSQL and Redis at DATABASE_URL / CELERY_BROKER_URL (defaults below; the database
# is created and seeded when missing), Chromium at CHROME_PATH, and Lighthouse installed with npm
# outside the repository:  mkdir -p /tmp/lh && cd /tmp/lh && npm install lighthouse
#
# The portal runs under gunicorn with DEBUG off (whitenoise serves the collected, compressed
# static files as in production; plain HTTP on 127.0.0.1).
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
PORT=${PORT:-8765}
LOGIN=${LOGIN:-head.agriculture}
RUNS=${RUNS:-3}
EXTRA_TASKS=${EXTRA_TASKS:-0}
LIGHTHOUSE=${LIGHTHOUSE:-1}
OUT=$(mktemp -d)
PY=.venv/bin/python
SERVER_URL=${DATABASE_URL%/*}

exists() { psql "$SERVER_URL/postgres" -tAc "select 1 from pg_database where datname='$1'" | grep -q 1; }

DB_NAME=${DATABASE_URL##*/}
if ! exists "$DB_NAME"; then psql "$SERVER_URL/postgres" -qc "create database \"$DB_NAME\""; fi
$PY manage.py migrate --noinput >/dev/null
# Idempotent: adds only what is missing (the demo's dates are relative to the day of seeding).
$PY manage.py seed_demo >/dev/null 2>&1

if [ "$EXTRA_TASKS" -gt 0 ]; then
    COPY="${DB_NAME}_x${EXTRA_TASKS}"
    if ! exists "$COPY"; then
        psql "$SERVER_URL/postgres" -qc "create database \"$COPY\" template \"$DB_NAME\""
        DATABASE_URL="$SERVER_URL/$COPY" $PY - "$LOGIN" "$EXTRA_TASKS" <<'EOF'
import datetime as dt
import sys

import django

django.setup()
from django.utils import timezone  # noqa: E402

from akimat.models import User  # noqa: E402
from tasks.models import Status, Task  # noqa: E402

person, n = User.objects.get(username=sys.argv[1]), int(sys.argv[2])
deputy = User.objects.get(username="deputy")
now = timezone.now()
# Spread over a year either side of today: overdue, due this week and later, some in progress.
Task.objects.bulk_create(
    Task(
        title=f"Поручение № {i + 1} по итогам аппаратного совещания",
        author=deputy,
        responsible=person,
        department=person.department,
        deadline=now + dt.timedelta(hours=(i - n // 2) * 24 * 365 // n),
        status=Status.IN_PROGRESS if i % 3 else Status.NEW,
    )
    for i in range(n)
)
EOF
    fi
    export DATABASE_URL="$SERVER_URL/$COPY"
fi
$PY manage.py collectstatic --noinput >/dev/null

.venv/bin/gunicorn akimat.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 120 --log-level warning &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done

SESSION=$($PY - "$LOGIN" <<'EOF'
import sys

import django

django.setup()
from django.test import Client  # noqa: E402

from akimat.models import User  # noqa: E402

client = Client()
client.force_login(User.objects.get(username=sys.argv[1]))
print(client.cookies["sessionid"].value)
EOF
)
URL="http://127.0.0.1:$PORT/tasks/"
for n in 1 2 3 4; do  # the first warms the worker up
    curl -fs -o "$OUT/page.html" -b "sessionid=$SESSION" -w "%{time_total}\n" "$URL" >>"$OUT/times"
done

if [ "$LIGHTHOUSE" = 1 ]; then
    for n in $(seq "$RUNS"); do
        "$LH_DIR/node_modules/.bin/lighthouse" "$URL" --quiet --only-categories=performance \
            --output=json --output-path="$OUT/run-$n.json" \
            --extra-headers="{\"Cookie\": \"sessionid=$SESSION\"}" \
            --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic"
    done
fi

$PY - "$LABEL" "$LOGIN" "$OUT" "$EXTRA_TASKS" <<'EOF'
import json
import pathlib
import statistics
import sys

label, login, out, extra = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), int(sys.argv[4])
html = (out / "page.html").read_bytes()
rows = html.count(b'<li class="list-group-item" id="task-')
times = [float(t) * 1000 for t in (out / "times").read_text().split()[1:]]
who = f"{login}" + (f" with {extra} more open tasks" if extra else "")
print(f"{label}: /tasks/ as {who}")
print(f"  HTML                {len(html) / 1024:.1f} KiB, {rows} task rows")
print(f"  server, curl        {statistics.median(times):.0f} ms (median of {len(times)})")
runs = []
for path in sorted(out.glob("run-*.json")):
    report = json.loads(path.read_text())
    audits = report["audits"]
    runs.append(
        {
            "score": round(report["categories"]["performance"]["score"] * 100),
            "tbt": audits["total-blocking-time"]["numericValue"],
            "fcp": audits["first-contentful-paint"]["numericValue"],
            "lcp": audits["largest-contentful-paint"]["numericValue"],
            "nodes": audits["dom-size"]["numericValue"],
            "total": audits["total-byte-weight"]["numericValue"],
        }
    )
if runs:
    median = sorted(runs, key=lambda r: r["score"])[len(runs) // 2]
    scores = "/".join(str(r["score"]) for r in runs)
    tbts = "/".join(f"{r['tbt']:.0f}" for r in runs)
    print(f"  Lighthouse mobile   score {median['score']} (runs {scores})")
    print(f"  total blocking time {median['tbt']:.0f} ms (runs {tbts})")
    print(f"  FCP / LCP           {median['fcp']:.0f} / {median['lcp']:.0f} ms")
    print(f"  DOM elements        {median['nodes']:.0f}")
    print(f"  page weight         {median['total'] / 1024:.1f} KiB transferred")
EOF
