"""Test support: a running national-portal simulator on a free port of this
integration's range, with the site's settings pointed at it (real sockets)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.integrations.national_portal.simulator import NationalPortalSimulator, load_catalog

#: The ports these tests may listen on.
PORTS = range(19400, 19450)


def started_simulator(**kwargs: Any) -> NationalPortalSimulator:
    from motcua.integrations.smtp.testing import free_ports

    for _attempt in range(5):
        simulator = NationalPortalSimulator(port=free_ports(1, PORTS)[0], **kwargs)
        try:
            return simulator.start()
        except OSError:
            with contextlib.suppress(Exception):
                simulator.stop()
    raise RuntimeError("no free port for the national-portal simulator")


@pytest.fixture
def national_portal(settings: Any) -> Iterator[NationalPortalSimulator]:
    catalog = load_catalog(Path(settings.SEED_DIR) / "procedures" / "catalog.json")
    simulator = started_simulator(
        username="tinh-thu",
        password="mat-khau-thu",  # noqa: S106 - sandbox credentials
        catalog=catalog,
    )
    settings.MOTCUA_NATIONAL_PORTAL_URL = simulator.url
    settings.MOTCUA_NATIONAL_PORTAL_USERNAME = "tinh-thu"
    settings.MOTCUA_NATIONAL_PORTAL_PASSWORD = "mat-khau-thu"  # noqa: S105
    settings.MOTCUA_EMC_EVENTS_URL = f"{simulator.url}/TrackingMCDT"
    settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS = 2
    from motcua.national import gateway

    gateway.forget()
    yield simulator
    simulator.stop()
    gateway.forget()


__all__ = ["national_portal", "started_simulator"]
