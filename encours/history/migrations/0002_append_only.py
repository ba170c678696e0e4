from django.db import migrations

# The history is evidence: once written, an event is neither changed nor deleted, whoever asks.
SQLITE = [
    """CREATE TRIGGER history_event_no_update BEFORE UPDATE ON history_event
       BEGIN SELECT RAISE(ABORT, 'history events are append-only'); END""",
    """CREATE TRIGGER history_event_no_delete BEFORE DELETE ON history_event
       BEGIN SELECT RAISE(ABORT, 'history events are append-only'); END""",
]
POSTGRESQL = [
    """CREATE FUNCTION history_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'history events are append-only'; END $$""",
    """CREATE TRIGGER history_event_append_only BEFORE UPDATE OR DELETE ON history_event
       FOR EACH ROW EXECUTE FUNCTION history_event_append_only()""",
]


def forwards(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER history_event_append_only ON history_event")
        schema_editor.execute("DROP FUNCTION history_event_append_only()")
    else:
        schema_editor.execute("DROP TRIGGER history_event_no_update")
        schema_editor.execute("DROP TRIGGER history_event_no_delete")


class Migration(migrations.Migration):
    dependencies = [("history", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
