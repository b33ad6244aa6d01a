"""The site's stylesheet is served (by WhiteNoise) to the browser."""

import urllib.request

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_site_css_is_served(live_server):
    with urllib.request.urlopen(live_server.url + "/static/motcua/site.css") as response:  # noqa: S310
        assert response.status == 200
        assert b"--accent" in response.read()


def test_site_css_is_served_by_the_app(client):
    response = client.get("/static/motcua/site.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)


MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "motcua.core.staticfiles.ManifestStaticStorage"},
}


def test_production_storage_hashes_compresses_and_caches_for_long(tmp_path, settings):
    """What `make run` and a deployment serve after collectstatic: hashed
    names cached for a year, gzip and Brotli copies of htmx and the CSS."""
    import io

    from django.core.management import call_command
    from django.templatetags.static import static
    from django.test import Client
    from django.test.utils import override_settings

    from motcua.settings import STORAGES

    assert STORAGES["staticfiles"] == MANIFEST["staticfiles"]  # the production setting
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST, DEBUG=False):
        # before collectstatic: plain names, the page does not fail
        assert static("portal/htmx.min.js") == "/static/portal/htmx.min.js"
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
        url = static("portal/htmx.min.js")
        assert url != "/static/portal/htmx.min.js"  # a content hash in the name
        assert url.startswith("/static/portal/htmx.min.") and url.endswith(".js")
        name = url.removeprefix("/static/")
        for suffix in ("", ".gz", ".br"):
            assert (tmp_path / (name + suffix)).exists(), suffix
        brotli = (tmp_path / (name + ".br")).stat().st_size
        assert brotli < 20_000 < 52_000  # ~52 KB raw
        response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "br"
        cache = response["Cache-Control"]
        assert "immutable" in cache and "max-age=315360000" in cache
        css = Client().get(static("motcua/site.css"), HTTP_ACCEPT_ENCODING="gzip")
        assert css["Content-Encoding"] == "gzip" and "immutable" in css["Cache-Control"]
