"""Week rows in the report summaries (Grain.WEEK, Monday to Monday UTC, from the days): a
30-day range reads about 4 weeks a room instead of 30 days. The summaries filled again
(attendance.rollups.rebuild), with 0008's participant-seconds."""

from django.db import migrations, models

CHOICES = [(0, "15 minutes"), (1, "day"), (2, "month"), (3, "all time"), (4, "week")]


def fill(apps, schema_editor):
    from attendance import rollups

    Meeting = apps.get_model("attendance", "Meeting")
    teams = Meeting.objects.filter(summarised=True).values_list("team_id", flat=True).distinct()
    for team_id in teams.order_by("team_id"):
        rollups.rebuild(team_id)
    if schema_editor.connection.vendor == "postgresql":
        # Every row written anew: plans made on the old statistics read the week rows as
        # absent (a 30-day rooms report took 854 ms instead of 57 until analysed).
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE attendance_meetingfigures, attendance_roomperiod,"
                " attendance_roompersonperiod"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0008_participant_seconds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="roomperiod",
            name="grain",
            field=models.PositiveSmallIntegerField(choices=CHOICES),
        ),
        migrations.AlterField(
            model_name="roompersonperiod",
            name="grain",
            field=models.PositiveSmallIntegerField(choices=CHOICES),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
