"""Gunicorn's settings for the portal in production.

`gunicorn -c deploy/gunicorn.conf.py portal.wsgi` (what `.ci/start
--production` runs). Workers and threads follow the machine's cores: the
portal's requests spend part of their time waiting on PostgreSQL, Redis and
WeasyPrint, so each process serves a few threads, and there are as many
processes as cores plus one. Every figure can be set by an environment
variable (WEB_WORKERS, WEB_THREADS, WEB_BIND, WEB_TIMEOUT, WEB_ACCESS_LOG).

The access log leaves out query strings: they can carry the last digits of
a phone (`/api/v1/track/?phone_last4=`) or a slip's check code
(`/verify/…?k=`); see portal/logs.py.
"""

import multiprocessing
import os

_cores = multiprocessing.cpu_count()

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", _cores + 1))
threads = int(os.environ.get("WEB_THREADS", 4))
worker_class = "gthread"
# nginx answers a slow client: past 30 s a request is killed and logged (heavy
# work, the long registers, runs in the task cluster, not in a request).
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter so that they do
# not all restart together): memory a long life gathers is given back.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# WEB_ACCESS_LOG= (empty) turns it off.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
# The path without the query string, the status, the bytes and the seconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
# Gunicorn's control socket sits in the home folder by default, one path for
# every instance on the machine: off unless asked for (WEB_CONTROL_SOCKET).
control_socket = os.environ.get("WEB_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
# Behind nginx on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
