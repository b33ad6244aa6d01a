"""Weight of each step of filing a dossier online: bytes a browser transfers
per page (the HTML plus every stylesheet and script it does not hold in its
cache yet), as served after ``collectstatic`` with WhiteNoise's compressed
manifest storage.

    python bench/bench_page_weight.py

Runs in-process (Django's test client, no server) on a throw-away SQLite
database and static folder in a temporary directory, with the test
province, a citizen and the portal tests' procedure (an e-form, two
document components). A browser that accepts Brotli keeps an asset while
its ``Cache-Control`` allows: a hashed, ``immutable`` name is never asked
for again; a short ``max-age`` (the former 60 s) is fetched again on a step
reached after it expired — the case of a citizen filling a form on a phone,
modelled as every later step.

Output: ``page_weight_<step>: <bytes> B`` (HTML / assets) and the maximum over
the steps after the first (target ≤ 25 KB). Nothing is asserted.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

_ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
LONG_CACHE = 24 * 3600


def _max_age(cache_control: str) -> int:
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="motcua-weight-"))
    os.environ["MOTCUA_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'weight.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)

    from motcua.portal.tests.helpers import make_portal_procedure
    from motcua.testing import make_personas

    personas = make_personas()
    procedure = make_portal_procedure(personas.place.agency_a)
    base = f"/nop-ho-so/{procedure.public_id}/"
    steps = [
        ("1_chon_co_quan", "/nop-ho-so/?q=dong+hoa"),
        ("2_chon_thu_tuc", f"/nop-ho-so/?don-vi={personas.place.agency_a.public_id}"),
        ("3_to_khai", f"{base}?buoc=to-khai"),
        ("4_giay_to", f"{base}?buoc=giay-to"),
        ("5_nhan_ket_qua", f"{base}?buoc=nhan-ket-qua"),
        ("6_xem_lai", f"{base}?buoc=xem-lai"),
    ]
    client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    client.force_login(personas.citizen)
    cached: dict[str, bool] = {}  # url → still fresh on a later step
    later: list[int] = []
    for index, (name, url) in enumerate(steps):
        response = client.get(url)
        html = response.content
        assets = 0
        for asset in dict.fromkeys(_ASSET.findall(html.decode())):
            if cached.get(asset):
                continue
            got = client.get(asset)
            body = b"".join(got.streaming_content) if got.streaming else got.content  # type: ignore[attr-defined]
            assets += len(body)
            cached[asset] = _max_age(got.get("Cache-Control", "")) >= LONG_CACHE
        total = len(html) + assets
        print(f"page_weight_{name}: {total} B (html {len(html)} B, assets {assets} B)")
        if index:
            later.append(total)
    print(f"page_weight_later_steps_max: {max(later)} B (target ≤ 25600 B)")


if __name__ == "__main__":
    main()
