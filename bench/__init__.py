"""`make bench`: MET Hub measured at the size of a whole region (issue 14).

Bench-only code, never imported by the product: the synthetic region (fill.py), the settings and
URLconf that add an empty view as the baseline (settings.py, urls.py), the in-process steps
(tasks.py) and the driver that ties them to PostgreSQL, gunicorn and wrk (run.py).
"""
