"""What the dashboard's pages read: the overview's figures, the users page, and how far
the worker has loaded a team (the rooms mirror's state in the pages' words)."""
