"""The Celery app, configured from Django settings (the ``CELERY_`` names)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailyadmin.settings")

app = Celery("dailyadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _django_logging(**kwargs: Any) -> None:
    """The worker and beat log as the web server does (settings.LOGGING: JSON or text),
    instead of Celery replacing the root logger's handlers with its own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@task_prerun.connect
def _bind_task(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    from dailyadmin import logs

    logs.start_task(getattr(task, "name", ""), task_id)


@task_postrun.connect
def _unbind_task(**kwargs: Any) -> None:
    from dailyadmin import logs

    logs.end_task()
