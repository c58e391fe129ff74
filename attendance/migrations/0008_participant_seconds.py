"""Participant-seconds in the report summaries (the usage page: people and guests), and the
longest guest session; filled by 0009 (with the week rows), once."""

from django.db import migrations, models


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
    ]
