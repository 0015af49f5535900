#!/bin/sh
# The portal's database role (akimat/roles.py): the web server, the worker and beat log in as
# akimat_app, in the group akimat_portal, which owns nothing; POSTGRES_USER owns the tables and
# runs the migrations (the `migrate` service). The postgres image runs this once, on an empty
# volume; on a volume made before it, run it by hand (README, "Production with docker compose").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v portal_password="$PORTAL_DB_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE akimat_portal NOLOGIN'
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'akimat_portal') \gexec
SELECT 'CREATE ROLE akimat_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT'
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'akimat_app') \gexec
ALTER ROLE akimat_app PASSWORD :'portal_password';
GRANT akimat_portal TO akimat_app;
SQL
