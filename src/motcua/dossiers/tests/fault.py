"""The database side of the kill test (``test_fault_kill.py``), run as a
separate process against the test's own database (``DATABASE_URL`` and
``MOTCUA_DATA_DIR`` in the environment):

    python -m motcua.dossiers.tests.fault seed    # flush, then a small world; prints JSON
    python -m motcua.dossiers.tests.fault check   # the invariants after the kills; prints JSON

Kept apart from the test so the test process never opens the server's
database itself (pytest-django would point it at a test database).
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def seed() -> dict[str, Any]:
    from django.core.management import call_command

    from motcua.accounts.services import api_token_issue
    from motcua.core.testing import make_citizen, make_personas
    from motcua.dossiers.tests.factories import add_components, make_procedure

    call_command("flush", interactive=False, verbosity=0)
    personas = make_personas()
    procedure = make_procedure(personas.place.agency_a)
    components = add_components(procedure)
    citizens = [personas.citizen] + [
        make_citizen(f"congdan_tai_{n}", f"0792000{n:05d}") for n in range(1, 4)
    ]
    return {
        "procedure": str(procedure.public_id),
        "component": components[0].pk,
        "citizens": [api_token_issue(user=c, name="kiểm thử lỗi")[1] for c in citizens],
        "officer": api_token_issue(user=personas.officer, name="kiểm thử lỗi")[1],
    }


def check() -> dict[str, Any]:
    """Codes without gaps or doubles, one dossier per idempotency key,
    every referenced file on disk, and the files on disk nobody references."""
    from django.conf import settings

    from motcua.documents.models import StoredFile
    from motcua.dossiers.models import Dossier, DossierDocument

    codes = list(Dossier.objects.values_list("code", flat=True))
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for code in codes:
        prefix, number = code.rsplit("-", 1)
        by_prefix[prefix].append(int(number))
    gaps = {
        prefix: sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        for prefix, numbers in by_prefix.items()
        if sorted(numbers) != list(range(1, len(numbers) + 1))
    }
    keys: dict[str, int] = defaultdict(int)
    for key in Dossier.objects.exclude(idempotency_key=None).values_list(
        "idempotency_key", flat=True
    ):
        keys[str(key)] += 1
    media = Path(settings.MEDIA_ROOT)
    referenced: set[str] = set()
    for name, thumb in StoredFile.objects.values_list("file", "thumbnail"):
        referenced.update(n for n in (name, thumb) if n)
    missing = [
        doc.file.file.name
        for doc in DossierDocument.objects.select_related("file")
        if not (media / doc.file.file.name).exists()
    ]
    on_disk = (
        {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
        if media.exists()
        else set()
    )
    return {
        "dossiers": len(codes),
        "doubled": len(codes) - len(set(codes)),
        "gaps": gaps,
        "keys": dict(keys),
        "missing_files": missing,
        "orphan_files": sorted(on_disk - referenced),
        "documents": DossierDocument.objects.count(),
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    result = seed() if argv[1:] == ["seed"] else check()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv)
