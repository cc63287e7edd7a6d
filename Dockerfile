# The image for web, worker and beat in docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never PATH=/opt/venv/bin:$PATH

# WeasyPrint needs Pango, HarfBuzz (its subsetter keeps PDF fonts small, fast) and fonts with wide
# glyph coverage; psycopg's binary wheel brings libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --python /usr/local/bin/python
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --create-home aligned && mkdir -p /app/var /var/lib/aligned \
    && chown aligned /app/var /var/lib/aligned
USER aligned
EXPOSE 8000
# Threaded workers, 3 x 8 threads, and the garbage-collector setting of config/gunicorn.py.
CMD ["gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
