# Gunicorn settings for production (docker-compose `web`).
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
accesslog = "-"
errorlog = "-"
# %(U)s is the path without its query string: search terms (children's names) never reach the logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
