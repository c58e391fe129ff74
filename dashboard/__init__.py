"""The pages that compose several apps: a team's overview and its live tile, the users
page, the team navigation, and `make run` (the `demo` command). The top of the apps: it
may import any of them; none of them imports it (tests/test_architecture.py)."""
