# The akimat portal: one image for the web (gunicorn), the Celery worker and Celery beat.
#   docker build -t akimat .
#   docker run --env-file .env -p 8000:8000 akimat            # see .env.example for the variables
FROM python:3.11-slim

# PYTHONPATH=/app: the project runs from its source tree, because templates/, static/ and locale/
# sit beside the packages and are not part of the installed wheel (settings find them through
# BASE_DIR, the directory above akimat/).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    MEDIA_ROOT=/data/media

WORKDIR /app

RUN groupadd --system --gid 1000 akimat \
 && useradd --system --uid 1000 --gid akimat --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin akimat

# The dependencies first, in their own layer, so a change of code does not download them again.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Then the project itself: the runtime dependencies only, neither the dev nor the embedded extra.
COPY . .
RUN pip install --no-cache-dir . \
 && rm -rf build ./*.egg-info

# Settings must import to collect static files; these values exist for this one command only and
# nothing connects to them. The compiled translations (.mo) are committed, so no gettext here.
RUN DEBUG=false \
    SECRET_KEY=build-only \
    DATABASE_URL=postgresql://build@localhost/build \
    CELERY_BROKER_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# Uploaded attachments; mount a volume here. Created now so the volume starts owned by the user.
RUN mkdir -p /data/media && chown akimat:akimat /data/media

USER akimat

EXPOSE 8000

CMD ["gunicorn", "akimat.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
