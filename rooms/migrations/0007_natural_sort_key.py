"""The name sort in natural order ("bulk-test-4" before "bulk-test-10"), and the trigrams of
the names kept in that order for the list's search.

- `sort_key` (`rooms.models.natural_key`), filled for the rooms already mirrored, and the
  three sorts' indexes on it instead of LOWER(name), name.
- PostgreSQL: `rooms_mirroredroom_grams` and the triggers that keep it (`rooms.name_grams`),
  filled from the rooms. SQLite: nothing here; `rooms.name_grams.ensure` makes them after
  every migrate (Django's SQLite table remakes drop triggers).
"""

from django.db import migrations, models

import rooms.models

BATCH = 2000


def fill_sort_keys(apps, schema_editor):
    MirroredRoom = apps.get_model("rooms", "MirroredRoom")
    rooms = MirroredRoom.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        batch = list(rooms.filter(pk__gt=last).order_by("pk").only("pk", "name")[:BATCH])
        if not batch:
            return
        for room in batch:
            room.sort_key = rooms.model._meta.get_field("sort_key").pre_save(room, False)
        rooms.bulk_update(batch, ["sort_key"])
        last = batch[-1].pk


# The row trigger's function (migration 0008 replaces it and reverts to it).
SYNC_PG = """CREATE OR REPLACE FUNCTION rooms_mirroredroom_grams_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            DELETE FROM rooms_mirroredroom_grams
            WHERE team_id = OLD.team_id AND privacy_rank = OLD.privacy_rank
              AND sort_key = OLD.sort_key
              AND gram = ANY (ARRAY(SELECT substr(lower(OLD.name), n, 3)
                                    FROM generate_series(1, length(OLD.name) - 2) n));
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO rooms_mirroredroom_grams (team_id, gram, privacy_rank, sort_key)
            SELECT DISTINCT NEW.team_id, substr(lower(NEW.name), n, 3), NEW.privacy_rank,
                   NEW.sort_key
            FROM generate_series(1, length(NEW.name) - 2) n
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$"""
GRAMS_PG = [
    """CREATE TABLE IF NOT EXISTS rooms_mirroredroom_grams (
        team_id bigint NOT NULL,
        gram text COLLATE "C" NOT NULL,
        privacy_rank smallint NOT NULL,
        sort_key text COLLATE "C" NOT NULL,
        PRIMARY KEY (team_id, gram, privacy_rank, sort_key)
    )""",
    SYNC_PG,
    """CREATE OR REPLACE FUNCTION rooms_mirroredroom_grams_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE rooms_mirroredroom_grams;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_row ON rooms_mirroredroom",
    """CREATE TRIGGER rooms_mirroredroom_grams_row
    AFTER INSERT OR DELETE ON rooms_mirroredroom FOR EACH ROW
    EXECUTE FUNCTION rooms_mirroredroom_grams_sync()""",
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_update ON rooms_mirroredroom",
    """CREATE TRIGGER rooms_mirroredroom_grams_update
    AFTER UPDATE OF team_id, name, sort_key, privacy ON rooms_mirroredroom FOR EACH ROW
    WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.sort_key IS DISTINCT FROM NEW.sort_key
          OR OLD.privacy IS DISTINCT FROM NEW.privacy)
    EXECUTE FUNCTION rooms_mirroredroom_grams_sync()""",
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_truncate ON rooms_mirroredroom",
    """CREATE TRIGGER rooms_mirroredroom_grams_truncate
    AFTER TRUNCATE ON rooms_mirroredroom
    FOR EACH STATEMENT EXECUTE FUNCTION rooms_mirroredroom_grams_truncate()""",
    "TRUNCATE rooms_mirroredroom_grams",
    """INSERT INTO rooms_mirroredroom_grams (team_id, gram, privacy_rank, sort_key)
    SELECT DISTINCT r.team_id, substr(lower(r.name), n, 3), r.privacy_rank, r.sort_key
    FROM rooms_mirroredroom r, generate_series(1, length(r.name) - 2) n
    ON CONFLICT DO NOTHING""",
]
DROP_GRAMS_PG = [
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_row ON rooms_mirroredroom",
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_update ON rooms_mirroredroom",
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_truncate ON rooms_mirroredroom",
    "DROP FUNCTION IF EXISTS rooms_mirroredroom_grams_sync()",
    "DROP FUNCTION IF EXISTS rooms_mirroredroom_grams_truncate()",
    "DROP TABLE IF EXISTS rooms_mirroredroom_grams",
]


def grams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in GRAMS_PG:
            schema_editor.execute(sql)


def drop_grams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP_GRAMS_PG:
            schema_editor.execute(sql)
    else:
        with schema_editor.connection.cursor() as cursor:  # of any version
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'rooms_mirroredroom_grams%'"
            )
            triggers = [row[0] for row in cursor.fetchall()]
        for name in triggers:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql in (
            "DROP TABLE IF EXISTS rooms_mirroredroom_grams",
            "DROP TABLE IF EXISTS rooms_mirroredroom_gram_at",
        ):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0006_name_trigram_lower"),
        ("teams", "0006_sso_recordings_usage_audit_actions"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="mirroredroom", name="mirroredroom_team_lname"),
        migrations.RemoveIndex(model_name="mirroredroom", name="mirroredroom_team_created"),
        migrations.RemoveIndex(model_name="mirroredroom", name="mirroredroom_team_privrank"),
        migrations.AddField(
            model_name="mirroredroom",
            name="sort_key",
            field=rooms.models.SortKeyField(default="", editable=False, max_length=512),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="mirroredroom",
            index=models.Index(
                fields=["team", "sort_key"],
                include=("name", "privacy", "created_at"),
                name="mirroredroom_team_sortkey",
            ),
        ),
        migrations.AddIndex(
            model_name="mirroredroom",
            index=models.Index(
                fields=["team", "created_at", "sort_key"],
                include=("name", "privacy"),
                name="mirroredroom_team_created_nat",
            ),
        ),
        migrations.AddIndex(
            model_name="mirroredroom",
            index=models.Index(
                fields=["team", "privacy_rank", "sort_key"],
                include=("name", "privacy", "created_at"),
                name="mirroredroom_team_privrank_nat",
            ),
        ),
        migrations.RunPython(grams, drop_grams, elidable=False),
    ]
