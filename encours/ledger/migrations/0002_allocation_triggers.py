from django.db import migrations

from encours.ledger.triggers import create_triggers, drop_triggers


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
