"""The letters of each room's name beside its trigrams in `rooms_mirroredroom_grams`
(`rooms.name_grams`): a search of one or two characters walks the rows of its rarer
letter in the name sort's order instead of every room before its matches.

PostgreSQL: the triggers write and delete both, rooms added or removed once per statement
(a fill's page of 100 rooms in one INSERT of their grams instead of 100), and the letters
of the rooms already mirrored are added here. SQLite: nothing here; `rooms.name_grams.ensure`, after
every `migrate`, replaces the triggers of the earlier version and rebuilds the table.
"""

from importlib import import_module

from django.db import migrations

# A room's grams, for a row `r` in scope: its trigrams, then its letters.
_GRAMS = """CROSS JOIN LATERAL (
        SELECT substr(lower(r.name), n, 3) FROM generate_series(1, length(r.name) - 2) n
        UNION ALL
        SELECT substr(lower(r.name), n, 1) FROM generate_series(1, length(r.name)) n
    ) g(gram)"""

# Rooms added or removed: once per statement, over the statement's rows (a page of a fill
# is one statement of 100 rooms), which costs about half of a row trigger writing the same
# rows one by one. An added room's key is new in its team (the key ends with the name), so
# its rows conflict with none.
ADDED_PG = f"""CREATE OR REPLACE FUNCTION rooms_mirroredroom_grams_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rooms_mirroredroom_grams (team_id, gram, privacy_rank, sort_key)
    SELECT DISTINCT r.team_id, g.gram, r.privacy_rank, r.sort_key
    FROM added r {_GRAMS};
    RETURN NULL;
END $$"""  # noqa: S608 (constants only)
REMOVED_PG = f"""CREATE OR REPLACE FUNCTION rooms_mirroredroom_grams_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM rooms_mirroredroom_grams k
    USING (SELECT r.team_id, g.gram, r.privacy_rank, r.sort_key FROM removed r {_GRAMS}) d
    WHERE k.team_id = d.team_id AND k.gram = d.gram AND k.privacy_rank = d.privacy_rank
      AND k.sort_key = d.sort_key;
    RETURN NULL;
END $$"""  # noqa: S608 (constants only)
# A room renamed or re-privacied: one by one (a trigger on some columns only gets no
# transition table).
SYNC_PG = f"""CREATE OR REPLACE FUNCTION rooms_mirroredroom_grams_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM rooms_mirroredroom_grams
        WHERE team_id = OLD.team_id AND privacy_rank = OLD.privacy_rank
          AND sort_key = OLD.sort_key
          AND gram = ANY (ARRAY(SELECT g.gram FROM (SELECT OLD.name) r(name) {_GRAMS}));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO rooms_mirroredroom_grams (team_id, gram, privacy_rank, sort_key)
        SELECT DISTINCT NEW.team_id, g.gram, NEW.privacy_rank, NEW.sort_key
        FROM (SELECT NEW.name) r(name) {_GRAMS}
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$"""  # noqa: S608 (constants only)
TRIGGERS_PG = [
    ADDED_PG,
    REMOVED_PG,
    SYNC_PG,
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_row ON rooms_mirroredroom",
    """CREATE TRIGGER rooms_mirroredroom_grams_added AFTER INSERT ON rooms_mirroredroom
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION rooms_mirroredroom_grams_added()""",
    """CREATE TRIGGER rooms_mirroredroom_grams_removed AFTER DELETE ON rooms_mirroredroom
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
    EXECUTE FUNCTION rooms_mirroredroom_grams_removed()""",
]
UNDO_TRIGGERS_PG = [
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_added ON rooms_mirroredroom",
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_removed ON rooms_mirroredroom",
    "DROP FUNCTION IF EXISTS rooms_mirroredroom_grams_added()",
    "DROP FUNCTION IF EXISTS rooms_mirroredroom_grams_removed()",
    "DROP TRIGGER IF EXISTS rooms_mirroredroom_grams_row ON rooms_mirroredroom",
    """CREATE TRIGGER rooms_mirroredroom_grams_row
    AFTER INSERT OR DELETE ON rooms_mirroredroom FOR EACH ROW
    EXECUTE FUNCTION rooms_mirroredroom_grams_sync()""",
]

# Migration 0007's function: trigrams only.
SYNC_PG_TRIGRAMS = import_module("rooms.migrations.0007_natural_sort_key").SYNC_PG

LETTERS_PG = """INSERT INTO rooms_mirroredroom_grams (team_id, gram, privacy_rank, sort_key)
SELECT DISTINCT r.team_id, substr(lower(r.name), n, 1), r.privacy_rank, r.sort_key
FROM rooms_mirroredroom r, generate_series(1, length(r.name)) n
ON CONFLICT DO NOTHING"""


def letters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in TRIGGERS_PG:
            schema_editor.execute(sql)
        schema_editor.execute(LETTERS_PG)
        schema_editor.execute("ANALYZE rooms_mirroredroom_grams")


def no_letters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in UNDO_TRIGGERS_PG:
            schema_editor.execute(sql)
        schema_editor.execute(SYNC_PG_TRIGRAMS)
        schema_editor.execute("DELETE FROM rooms_mirroredroom_grams WHERE length(gram) = 1")


class Migration(migrations.Migration):
    dependencies = [("rooms", "0007_natural_sort_key")]

    operations = [migrations.RunPython(letters, no_letters, elidable=False)]
