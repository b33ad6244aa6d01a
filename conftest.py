"""Fixtures shared by every app's tests (the project test base lives in
``motcua.core.testing``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from motcua.core.testing import Personas, TestProvince, make_personas, make_province

# A test must never depend on the machine's speed: no Hypothesis deadline and
# no "too slow" health check (both failed property tests on a loaded CI
# runner). Loaded here, before any test module builds its @settings.
hypothesis_settings.register_profile(
    "motcua", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("motcua")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Personas create several accounts per test; the production hasher is
    slow on purpose, and the tests do not need it."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def memory_cache(settings: Any) -> None:
    """The cache in process memory, like Redis in production a store that
    costs no database query: for tests that count queries (the rate
    limiter's counters would otherwise be counted as database work)."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()


@pytest.fixture
def province(db: None) -> TestProvince:
    return make_province()


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


# --- Browser journeys (Playwright driving Debian's Chromium) ----------------

import os  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = _chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium); browser journeys skipped."
        if os.environ.get("MOTCUA_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the Django
    # test code that runs beside it is synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page (360×740, like a mid-range Android) on the live server."""
    pg = new_page(browser, live_server, width=360, height=740)
    yield pg
    pg.context.close()


@pytest.fixture
def desktop_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page the size of an officer's desktop screen (1366×768)."""
    pg = new_page(browser, live_server, width=1366, height=768)
    yield pg
    pg.context.close()


def new_page(browser: Any, live_server: Any, *, width: int, height: int) -> Any:
    """A page of ``width``×``height`` on the live server, in Vietnamese and
    Vietnam's time zone (close it with ``page.context.close()``)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; return violations."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    page.evaluate(script)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag',"
        " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


@pytest.fixture
def axe() -> Any:
    return axe_violations


@pytest.fixture
def csp_errors(page: Any) -> list[str]:
    """Content-Security-Policy violations the browser reports on ``page``
    (Chromium logs each one to the console): a journey asserts none."""
    errors: list[str] = []

    def seen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", seen)
    return errors


# --- Figures some tests report (the authorisation matrix's size) ------------


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the figures tests recorded with ``record_property`` under a
    name in ``REPORTED`` (this runs in the controller, so it works with
    xdist too)."""
    reported = ("authorisation_matrix", "fault_test")
    lines = []
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name in reported and report.when == "call":
                lines.append(f"{name}: {value}")
    for line in sorted(set(lines)):
        terminalreporter.write_line(line)
