"""Rooms views, one module per page family: list (+ row actions), detail, bulk, tokens."""
