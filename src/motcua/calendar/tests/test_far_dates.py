"""Dates near the ends of the calendar (year 1, year 9999) are refused alike
by every endpoint that takes a moment or a year: 400 ``year_out_of_range``,
never 500."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.testing import assert_problem

FAR = [
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31 23:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01",
    "2500-01-01T08:00:00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", FAR)
@pytest.mark.parametrize(
    "url",
    ["/api/v1/calendar/due?days=1&start={}", "/api/v1/calendar/working-time?at={}"],
)
def test_far_moments_are_refused_alike(client: Any, url: str, moment: str) -> None:
    from urllib.parse import quote

    response = client.get(url.format(quote(moment)))
    assert_problem(response, status=400, code="year_out_of_range")


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["1", "9999", "99999999999999999999999", "-5"])
def test_far_years_are_refused_alike(client: Any, year: str) -> None:
    response = client.get(f"/api/v1/calendar/days-off?year={year}")
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
@pytest.mark.parametrize("moment", FAR[:4])
def test_the_catalogue_estimate_refuses_far_moments(client: Any, moment: str) -> None:
    from urllib.parse import quote

    response = client.get(f"/api/v1/catalog/procedures/1.000001/estimate?at={quote(moment)}")
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/problem+json")
