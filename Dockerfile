# The dashboard's image: web (gunicorn), worker and beat all run from it (docker-compose.yml).
# Python 3.12; dependencies installed from the lock with their hashes, then the project
# itself without dependencies, so the image holds exactly what requirements.lock pins.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    DAILYADMIN_VAR_DIR=/app/var \
    PROMETHEUS_MULTIPROC_DIR=/app/var/metrics

WORKDIR /app

# The lock first: this layer is rebuilt only when a dependency changes.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
# Static files are collected at build time (whitenoise serves them with hashed names); the
# build needs placeholder secrets only because the settings refuse to load without them.
RUN pip install --no-deps . \
 && SECRET_KEY=build-only-not-a-secret-0123456789-0123456789-0123456789 \
    FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDEyMzQ1Njc= \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --create-home --home-dir /home/app app \
 && mkdir -p /app/var/metrics /app/var/beat \
 && chown -R app:app /app/var

USER app
EXPOSE 8000

# Readiness: the database, cache, broker and migrations (dailyadmin/health.py). The probe
# sends the first ALLOWED_HOSTS name and X-Forwarded-Proto as the proxy would.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["python", "-m", "dailyadmin.probe", "http://127.0.0.1:8000/readyz"]

# Threads: a page view waits on Daily's API, so a worker process serves other requests
# meanwhile (docs/operations.md, "Sizing").
CMD ["gunicorn", "dailyadmin.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--timeout", "60"]
