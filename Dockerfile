FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY dailyadmin dailyadmin
COPY daily daily
COPY teams teams
COPY rooms rooms
COPY attendance attendance
COPY simulator simulator
COPY templates templates
COPY static static
COPY manage.py ./
RUN pip install --no-cache-dir . \
 && DEBUG=0 SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=build-only \
    python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "dailyadmin.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2"]
