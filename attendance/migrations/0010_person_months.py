"""Month rows of people in the report summaries (RoomPersonPeriod, Grain.MONTH), with the
first and last start of each person's meetings in the month: the usage page counts a
month's distinct people (team's time zone) from them. Filled from MeetingPresence."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from attendance import rollups

    Meeting = apps.get_model("attendance", "Meeting")
    teams = Meeting.objects.filter(summarised=True).values_list("team_id", flat=True).distinct()
    with schema_editor.connection.cursor() as cursor:
        for team_id in teams.order_by("team_id"):
            cursor.execute(
                "DELETE FROM attendance_roompersonperiod WHERE team_id = %s AND grain = %s",
                [team_id, 2],
            )
            for sql, params in rollups.person_months(team_id):
                cursor.execute(sql, params)
        if schema_editor.connection.vendor == "postgresql":
            # The rows' deferred team checks now: the index below cannot be built on a
            # table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ANALYZE attendance_roompersonperiod")


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0009_week_periods"),
    ]

    operations = [
        migrations.AddField(
            model_name="roompersonperiod",
            name="first_start",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="roompersonperiod",
            name="last_start",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # After the fill: one index build instead of an index insert per row.
        migrations.AddIndex(
            model_name="roompersonperiod",
            index=models.Index(
                condition=models.Q(("grain", 2)),
                fields=["team", "grain", "start", "identity"],
                name="roomperson_month",
            ),
        ),
    ]
