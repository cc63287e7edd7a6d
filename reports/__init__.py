"""Reports: the one-page plan and the support document, rendered to PDF by Celery."""
