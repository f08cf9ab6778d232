FROM python:3.11-slim-bookworm

# WeasyPrint draws PDFs with Pango and HarfBuzz (subset: embedded fonts hold only the glyphs used;
# WeasyPrint warns without it, and says future versions will require it); fonts so that reports render the same everywhere.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MET_VAR_DIR=/app/var
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings, not secrets: a throwaway key is enough at build time.
RUN DJANGO_SECRET_KEY=build-only-not-used-at-runtime python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 met && mkdir -p /app/var && chown -R met /app/var
USER met
EXPOSE 8000
CMD ["gunicorn", "met.wsgi:application", "-c", "gunicorn.conf.py"]
