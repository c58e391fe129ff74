"""The report summaries of meetings summarised before they existed, filled once.

Runs the same set-based fill the app uses (attendance.rollups.rebuild: raw SQL on the
tables of 0005, no model class), team by team. Reversing leaves the tables to 0005's
reverse, which drops them.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from attendance import rollups

    Meeting = apps.get_model("attendance", "Meeting")
    teams = Meeting.objects.filter(summarised=True).values_list("team_id", flat=True).distinct()
    for team_id in teams.order_by("team_id"):
        rollups.rebuild(team_id)


class Migration(migrations.Migration):
    dependencies = [("attendance", "0005_report_rollups")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
