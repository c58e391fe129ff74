"""The trigram index of room names on the lower-cased name (was the upper-cased one).

The list's search of three characters or more is `LOWER(name) LIKE '%q%'` on PostgreSQL
(rooms.listing._contains): walking a sort's index, PostgreSQL reads LOWER(name) from the
index instead of computing UPPER(name) for every row (about half the time of a search that
matches many rooms), and a rare name is found through this index. SQLite: nothing here
(rooms.search_index).
"""

from django.db import migrations


def lower_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS mirroredroom_lname_trgm ON rooms_mirroredroom "
        "USING gin (LOWER(name) gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS mirroredroom_name_trgm")


def upper_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS mirroredroom_name_trgm ON rooms_mirroredroom "
        "USING gin (UPPER(name) gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS mirroredroom_lname_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0005_privacy_rank_column"),
    ]

    operations = [
        migrations.RunPython(lower_trigram_index, upper_trigram_index, elidable=False),
    ]
