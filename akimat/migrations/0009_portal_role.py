"""The portal's database role: it reads and writes rows, and owns nothing.

The web server, the Celery worker and beat log in as a role that is a member of the group
`akimat_portal` (set up beside the database: docker/initdb, .ci/run, akimat/embedded.py,
tests/conftest.py; see akimat/roles.py). Migrations run as the owner of the tables, who grants
the group plain row access to every table and sequence, now and (default privileges) in every
later migration. Without ownership the portal cannot TRUNCATE, ALTER a table, drop or disable
a trigger; without superuser it cannot set session_replication_role. Append-only tables take
back UPDATE and DELETE in their own app's migrations.

Also the two trigger functions the append-only tables share (akimat/chain.py), and
`akimat_analyze`, the one owner's power the portal is lent.
"""

from django.db import migrations

from akimat.chain import LINK_FUNCTION, REFUSE_TRUNCATE_FUNCTION

GRANTS = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'akimat_portal') THEN
        CREATE ROLE akimat_portal NOLOGIN;
    END IF;
END;
$$;
GRANT USAGE ON SCHEMA public TO akimat_portal;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO akimat_portal;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO akimat_portal;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO akimat_portal;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO akimat_portal;
"""

# ANALYZE is the owner's; the back-fill (akimat/scoring.py) must give the planner the statistics
# of rows loaded in its own transaction, so the portal may ask the owner to analyse a table of
# the portal's schema, and nothing more.
ANALYZE = """
CREATE FUNCTION akimat_analyze(target regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (SELECT relnamespace <> 'public'::regnamespace FROM pg_class WHERE oid = target) THEN
        RAISE EXCEPTION 'akimat_analyze: % is not a table of the portal', target;
    END IF;
    EXECUTE format('ANALYZE %s', target);
END;
$$;
REVOKE ALL ON FUNCTION akimat_analyze(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION akimat_analyze(regclass) TO akimat_portal;
"""

REVERSE = """
DROP FUNCTION IF EXISTS akimat_analyze(regclass);
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM akimat_portal;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM akimat_portal;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM akimat_portal;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM akimat_portal;
DROP FUNCTION IF EXISTS akimat_chain_link();
DROP FUNCTION IF EXISTS akimat_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("akimat", "0008_snapshot_awaiting")]

    operations = [
        migrations.RunSQL(GRANTS + ANALYZE + LINK_FUNCTION + REFUSE_TRUNCATE_FUNCTION, REVERSE),
    ]
