"""``motcua oidc_provider --port 8070``: run the local OpenID Connect
provider (demo identities, two published keys) until interrupted. The site
signs in against it with ``MOTCUA_OIDC_ISSUER=http://127.0.0.1:8070``."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.oidc_provider.provider import OidcProvider


def site_uris(site: str) -> tuple[list[str], list[str]]:
    """The callback and post-logout addresses of the site at ``site`` (and of
    its ``localhost`` / ``127.0.0.1`` twin)."""
    sites = {site.rstrip("/")}
    for a, b in (("127.0.0.1", "localhost"), ("localhost", "127.0.0.1")):
        if f"//{a}" in site:
            sites.add(site.rstrip("/").replace(f"//{a}", f"//{b}"))
    ordered = sorted(sites)
    return [f"{s}/dang-nhap/vneid/ve/" for s in ordered], [f"{s}/" for s in ordered]


class Command(BaseCommand):
    help = "Chạy máy chủ định danh OpenID Connect thử nghiệm (danh tính công dân demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=8070, help="Cổng.")
        parser.add_argument(
            "--site", default="http://127.0.0.1:8000", help="Địa chỉ cổng dịch vụ công."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        redirect_uris, logout_uris = site_uris(options["site"])
        provider = OidcProvider(
            host=options["host"],
            port=options["port"],
            client_id=str(settings.MOTCUA_OIDC_CLIENT_ID),
            client_secret=str(settings.MOTCUA_OIDC_CLIENT_SECRET),
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=logout_uris,
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        provider.start()
        self.stdout.write(f"Máy chủ định danh thử nghiệm: {provider.issuer}")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            provider.stop()
