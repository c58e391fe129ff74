"""Participant-seconds in the report summaries (the usage page: people and guests), and the
longest guest session; the summaries filled again (attendance.rollups.rebuild)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from attendance import rollups

    Meeting = apps.get_model("attendance", "Meeting")
    teams = Meeting.objects.filter(summarised=True).values_list("team_id", flat=True).distinct()
    for team_id in teams.order_by("team_id"):
        rollups.rebuild(team_id)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0007_people_probe"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingfigures",
            name="participant_seconds",
            field=models.FloatField(
                default=0,
                help_text="Participant-seconds: its people's merged seconds (MeetingPresence)"
                " and its guest sessions' seconds.",
            ),
        ),
        migrations.AddField(
            model_name="meetingfigures",
            name="longest_guest",
            field=models.FloatField(default=0, help_text="The longest guest session's seconds."),
        ),
        migrations.AddField(
            model_name="roomperiod",
            name="participant_seconds",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="roomperiod",
            name="longest_guest",
            field=models.FloatField(default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
