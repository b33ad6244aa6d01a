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
