"""The database itself refuses to delete a logbook entry or a kept version, and to change a
kept version: tamper evidence that does not depend on the pages or the admin behaving."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION journal_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal: % on % is not allowed: logbook records are never deleted or rewritten', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

TRIGGERS = """
CREATE TRIGGER journal_entry_no_delete BEFORE DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
CREATE TRIGGER journal_entryversion_no_change BEFORE UPDATE OR DELETE ON journal_entryversion
    FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
CREATE TRIGGER journal_entryattachment_no_delete BEFORE DELETE ON journal_entryattachment
    FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS journal_entry_no_delete ON journal_entry;
DROP TRIGGER IF EXISTS journal_entryversion_no_change ON journal_entryversion;
DROP TRIGGER IF EXISTS journal_entryattachment_no_delete ON journal_entryattachment;
DROP FUNCTION IF EXISTS journal_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, REVERSE)]
