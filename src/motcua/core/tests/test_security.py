"""Production safety: the secret-key guard, `check --deploy` with the
documented production settings, response headers (CSP without
'unsafe-inline', Permissions-Policy, Referrer-Policy, no-store on personal
data), templates free of inline script and style, no server banner."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from motcua.core.security import secrets_at_their_default
from motcua.testing import Personas

REPO = Path(__file__).resolve().parents[4]
SRC = REPO / "src" / "motcua"

#: The production settings documented in docs/developers/security.md.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "dichvucong.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://dichvucong.example.gov.vn",
    "SESSION_COOKIE_SECURE": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "MOTCUA_BEHIND_TLS_PROXY": "1",
}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it in this process;
        # the deploy check warns about it, and production never has it.
        if not k.startswith(
            (
                "SECRET_KEY",
                "DEBUG",
                "SECURE_",
                "DJANGO_SETTINGS",
                "DATABASE_URL",
                "DJANGO_ALLOW_ASYNC_UNSAFE",
            )
        )
    }
    env.update(MOTCUA_DATA_DIR=str(tmp_path), PYTHONPATH=str(REPO / "src"), **extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=1200, check=False
    )


def _provider_secrets() -> dict[str, str]:
    """A value of its own for every outside system's secret."""
    return {name: secrets.token_urlsafe(20) for name in secrets_at_their_default()}


def test_check_deploy_is_clean_with_the_production_settings(tmp_path: Path) -> None:
    env = _env(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION_ENV, **_provider_secrets()
    )
    done = _run(["-m", "motcua", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_on_the_built_in_key(tmp_path: Path) -> None:
    done = _run(["-m", "motcua", "check", "--deploy"], _env(tmp_path, **PRODUCTION_ENV))
    assert done.returncode != 0
    assert "motcua.E001" in done.stderr + done.stdout


def test_check_deploy_refuses_a_secret_left_at_the_sandbox_value(tmp_path: Path) -> None:
    provider = _provider_secrets()
    assert "MOTCUA_PAY_VNPAY_SECRET" in provider and "VNPOST_WEBHOOK_SECRET" in provider
    del provider["MOTCUA_PAY_VNPAY_SECRET"]
    env = _env(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION_ENV, **provider)
    done = _run(["-m", "motcua", "check", "--deploy"], env)
    assert done.returncode != 0
    out = done.stderr + done.stdout
    assert "motcua.E002" in out and "MOTCUA_PAY_VNPAY_SECRET" in out
    assert "VNPOST_WEBHOOK_SECRET" not in out


def test_secret_files_writes_a_random_file_per_sandbox_secret(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    env = _env(tmp_path)
    first = _run(["-m", "motcua", "secret_files", "--dir", str(folder)], env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.split()
    assert f"MOTCUA_PAY_VNPAY_SECRET_FILE={folder / 'motcua_pay_vnpay_secret'}" in lines
    value = (folder / "motcua_pay_vnpay_secret").read_text().strip()
    assert len(value) >= 32 and "sandbox" not in value
    assert (folder / "motcua_pay_vnpay_secret").stat().st_mode & 0o077 == 0
    # Run again: the files are kept, the same lines printed.
    again = _run(["-m", "motcua", "secret_files", "--dir", str(folder)], env)
    assert again.stdout.split() == lines
    assert (folder / "motcua_pay_vnpay_secret").read_text().strip() == value
    # With the files configured, the deploy check no longer names them.
    configured = dict(line.split("=", 1) for line in lines)
    env = _env(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION_ENV, **configured)
    done = _run(["-m", "motcua", "check", "--deploy"], env)
    assert "motcua.E002" not in done.stderr + done.stdout, done.stderr


@pytest.mark.parametrize(
    ("extra", "starts"),
    [
        ({"DEBUG": "0"}, False),
        ({"DEBUG": "1"}, True),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 60}, True),
    ],
)
def test_the_wsgi_server_refuses_the_built_in_key_without_debug(
    tmp_path: Path, extra: dict[str, str], starts: bool
) -> None:
    done = _run(["-c", "import motcua.wsgi"], _env(tmp_path, **extra))
    assert (done.returncode == 0) is starts, done.stderr
    if not starts:
        assert "SECRET_KEY is not set" in done.stderr


def _csp(response: Any) -> str:
    return str(response["Content-Security-Policy"])


@pytest.mark.parametrize("url", ["/", "/tra-cuu/", "/dang-nhap/", "/admin/login/", "/thu-tuc/"])
def test_pages_carry_the_security_headers(db: None, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    csp = _csp(response)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_personal_pages_and_api_answers_are_not_stored(personas: Personas, client: Client) -> None:
    client.force_login(personas.citizen)
    for url in ("/ho-so-cua-toi/", "/tai-khoan/", "/api/v1/dossiers?mine=1"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    anonymous = Client().get("/api/v1/dossiers/track/X", {"factor": "0000"})
    assert "no-store" in anonymous["Cache-Control"]


def test_static_files_keep_their_caching(db: None, client: Client) -> None:
    response = client.get("/static/motcua/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


_WEB_TEMPLATES = sorted(
    p for p in SRC.rglob("templates/**/*.html") if "documents/forms" not in p.as_posix()
)
_INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "on…= handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\shx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_web_templates_have_no_inline_script_or_style() -> None:
    """Every template a browser receives (the PDF forms under
    documents/forms are rendered by WeasyPrint only, never served)."""
    assert len(_WEB_TEMPLATES) > 20
    found = [
        f"{p.relative_to(SRC)}: {what}"
        for p in _WEB_TEMPLATES
        for what, pattern in _INLINE.items()
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []


def _free_port() -> int:
    for port in range(18100, 18200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18100-18199")


@pytest.fixture
def gunicorn_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = _env(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), GUNICORN_WORKERS="1")
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/static/motcua/site.css"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail((tmp_path / "gunicorn.log").read_text())
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_gunicorn_sends_no_server_banner(gunicorn_url: str) -> None:
    with urllib.request.urlopen(gunicorn_url, timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert response.headers.get("Server") is None


def test_migrate_creates_the_cache_table(tmp_path: Path) -> None:
    """The database cache needs its table wherever `migrate` runs."""
    import sqlite3

    done = _run(["-m", "motcua", "migrate", "--noinput", "-v", "0"], _env(tmp_path))
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "motcua.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "motcua_cache" in tables


def test_https_settings_redirect_and_send_hsts(db: None, client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    plain = client.get("/tra-cuu/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/tra-cuu/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
