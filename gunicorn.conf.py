"""gunicorn settings for Một Cửa (read from the working directory, or pass
``-c gunicorn.conf.py``). See docs/installation.md and
docs/developers/security.md.

    gunicorn motcua.wsgi -c gunicorn.conf.py

Every value can still be overridden on the command line."""

from __future__ import annotations

import os

import gunicorn.http.wsgi

wsgi_app = "motcua.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = 60
# Behind the TLS proxy: trust its X-Forwarded-* only from the proxy itself.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Bounded request lines and headers (gunicorn's defaults, stated).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# No "Server: gunicorn" banner: gunicorn has no setting for it, so drop the
# line from the default headers it writes (patched here, in the master,
# before the workers are forked).
_default_headers = gunicorn.http.wsgi.Response.default_headers


def _headers_without_server(self: gunicorn.http.wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


gunicorn.http.wsgi.Response.default_headers = _headers_without_server
