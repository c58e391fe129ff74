"""The letters of each room's name beside its trigrams in `rooms_mirroredroom_grams`
(`rooms.name_grams`): a search of one or two characters walks the rows of its rarer
letter in the name sort's order instead of every room before its matches.

PostgreSQL: the trigger function writes and deletes both, and the letters of the rooms
already mirrored are added here. SQLite: nothing here; `rooms.name_grams.ensure`, after
every `migrate`, replaces the triggers of the earlier version and rebuilds the table.
"""

from django.db import migrations

SYNC_PG = """CREATE OR REPLACE FUNCTION rooms_mirroredroom_grams_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM rooms_mirroredroom_grams
        WHERE team_id = OLD.team_id AND privacy_rank = OLD.privacy_rank
          AND sort_key = OLD.sort_key
          AND gram = ANY (ARRAY(
              SELECT substr(lower(OLD.name), n, 3)
              FROM generate_series(1, length(OLD.name) - 2) n
              UNION ALL
              SELECT substr(lower(OLD.name), n, 1)
              FROM generate_series(1, length(OLD.name)) n));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO rooms_mirroredroom_grams (team_id, gram, privacy_rank, sort_key)
        SELECT DISTINCT NEW.team_id, g, NEW.privacy_rank, NEW.sort_key
        FROM (SELECT substr(lower(NEW.name), n, 3) AS g
              FROM generate_series(1, length(NEW.name) - 2) n
              UNION ALL
              SELECT substr(lower(NEW.name), n, 1)
              FROM generate_series(1, length(NEW.name)) n) grams
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$"""

# Migration 0007's function: trigrams only.
SYNC_PG_TRIGRAMS = """CREATE OR REPLACE FUNCTION rooms_mirroredroom_grams_sync() RETURNS trigger
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

LETTERS_PG = """INSERT INTO rooms_mirroredroom_grams (team_id, gram, privacy_rank, sort_key)
SELECT DISTINCT r.team_id, substr(lower(r.name), n, 1), r.privacy_rank, r.sort_key
FROM rooms_mirroredroom r, generate_series(1, length(r.name)) n
ON CONFLICT DO NOTHING"""


def letters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SYNC_PG)
        schema_editor.execute(LETTERS_PG)
        schema_editor.execute("ANALYZE rooms_mirroredroom_grams")


def no_letters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SYNC_PG_TRIGRAMS)
        schema_editor.execute("DELETE FROM rooms_mirroredroom_grams WHERE length(gram) = 1")


class Migration(migrations.Migration):
    dependencies = [("rooms", "0007_natural_sort_key")]

    operations = [migrations.RunPython(letters, no_letters, elidable=False)]
