"""Fixtures shared by every app's tests (the project test base lives in
``motcua.testing``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from motcua.testing import (
    BROWSER_WAIT_MS,
    Personas,
    TestProvince,
    make_personas,
    make_province,
    new_browser_context,
)

# A test must never depend on the machine's speed: no Hypothesis deadline and
# no "too slow" health check (both failed property tests on a loaded CI
# runner). Loaded here, before any test module builds its @settings.
hypothesis_settings.register_profile(
    "motcua", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("motcua")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """With ``MOTCUA_DATABASE_TESTS_ONLY=1`` (CI's PostgreSQL stage) only the
    tests that use the database run: the others (pure functions, sandboxes,
    commands on their own SQLite file) give the same answer on any database,
    and the SQLite stage runs them already."""
    if os.environ.get("MOTCUA_DATABASE_TESTS_ONLY") != "1":
        return
    keep: list[Any] = []
    drop: list[Any] = []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or "django_db_setup" in (
            getattr(item, "fixturenames", ())
        )
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True, scope="session")
def _postgres_commits_without_waiting_for_the_disk() -> None:
    """On PostgreSQL, the test connections commit without waiting for the WAL
    to reach the disk (``synchronous_commit = off``): what a test sees is the
    same, the suite waits less on a shared CI disk. Production keeps the
    server's setting."""
    from django.db.backends.signals import connection_created

    def relaxed(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "postgresql":
            # The driver's own cursor: not counted by query-budget tests.
            with connection.connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")

    connection_created.connect(relaxed, weak=False, dispatch_uid="motcua-tests-sync-commit")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Personas create several accounts per test; the production hasher is
    slow on purpose, and the tests do not need it."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage() -> Iterator[None]:
    """Production serves static files from the collectstatic manifest
    (hashed names); tests render pages without collecting, so they use the
    plain compressed storage (test_static.py checks the manifest storage)."""
    from django.conf import settings
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True, scope="session")
def _watch_what_people_read() -> Iterator[None]:
    """Hand every rendered page and printed form to the English / raw-code
    scanner of ``motcua/core/tests/test_no_english.py``."""
    from django.core.handlers.base import BaseHandler

    from motcua.core.tests import test_no_english as scanner
    from motcua.documents import pdf

    get_response = BaseHandler.get_response
    render_form_html = pdf.render_form_html

    def watched_response(self: BaseHandler, request: Any) -> Any:
        response = get_response(self, request)
        path = request.path
        kind = response.get("Content-Type", "")
        if (
            kind.startswith("text/html")
            and not path.startswith(scanner.SKIPPED_PATHS)
            and not getattr(response, "streaming", False)
        ):
            body: bytes = response.content  # type: ignore[attr-defined]
            found = scanner.scan_html(body.decode("utf-8", "replace"))
            if found:
                scanner.FOUND.append(f"{path}: {', '.join(found)}")
        return response

    def watched_form(**kwargs: Any) -> str:
        html = render_form_html(**kwargs)
        found = scanner.scan_html(html)
        if found:
            scanner.FOUND.append(f"mẫu số {kwargs.get('form_no')}: {', '.join(found)}")
        return html

    BaseHandler.get_response = watched_response  # type: ignore[method-assign]
    pdf.render_form_html = watched_form
    try:
        yield
    finally:
        BaseHandler.get_response = get_response  # type: ignore[method-assign]
        pdf.render_form_html = render_form_html


@pytest.fixture(autouse=True)
def _no_oidc_provider_by_default(settings: Any) -> None:
    """National sign-on points at a port nothing listens on (the discard
    port), so a test never reaches a provider ``make run`` may have started;
    the ``oidc_provider`` fixture points it at its own provider."""
    settings.MOTCUA_OIDC_ISSUER = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _no_english_where_people_read() -> Iterator[None]:
    from motcua.core.tests.test_no_english import FOUND

    FOUND.clear()
    yield
    if FOUND:
        found = "; ".join(dict.fromkeys(FOUND))
        FOUND.clear()
        pytest.fail(f"English or raw codes where people read: {found}")


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
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_WAIT_MS)
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
    return new_browser_context(browser, live_server.url, width=width, height=height).new_page()


#: axe rules whose "needs review" (incomplete) results are real defects on
#: our pages, not a question for a human: an ARIA attribute with an invalid
#: value, e.g. ``aria-describedby`` naming an id that does not exist.
AXE_INCOMPLETE_DEFECTS = frozenset(
    {"aria-valid-attr-value", "aria-valid-attr", "aria-allowed-attr", "aria-prohibited-attr"}
)

_BROKEN_IDREFS = """() => {
  const out = [];
  const attrs = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"];
  for (const attr of attrs) {
    for (const el of document.querySelectorAll("[" + attr + "]")) {
      for (const ref of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(ref)) {
          out.push(attr + "=" + ref + " on #" + (el.id || el.tagName));
        }
      }
    }
  }
  return out;
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; return its
    violations, plus the "needs review" items of :data:`AXE_INCOMPLETE_DEFECTS`
    and every ARIA id reference that points at no element (axe only lists
    those as "needs review", so a gate on violations alone misses them)."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    page.evaluate(script)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag',"
        " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    found = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
    found += [
        {
            "id": f"{v['id']} (needs review)",
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result["incomplete"]
        if v["id"] in AXE_INCOMPLETE_DEFECTS
    ]
    broken = page.evaluate(_BROKEN_IDREFS)
    if broken:
        found.append(
            {"id": "broken-idref", "help": "ARIA id reference to nothing", "nodes": broken}
        )
    return found


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
