"""Database work for the proofs that run outside pytest's test database:
the kill test (``test_fault_kill.py``) and the backup drill
(``.ci/backup-drill``). Each command runs in its own process against the
database and files of the environment (``DATABASE_URL``,
``MOTCUA_DATA_DIR``) and prints one JSON line:

    python -m motcua.dossiers.tests.outside fault-seed     # flush, a small world, tokens
    python -m motcua.dossiers.tests.outside fault-check    # the invariants after the kills
    python -m motcua.dossiers.tests.outside drill-load     # dossiers in several states
    python -m motcua.dossiers.tests.outside drill-answers CODES.json  # public tracking answers
    python -m motcua.dossiers.tests.outside files          # every stored file vs its SHA-256

Kept apart from the tests so a test process never opens these databases
itself (pytest-django would point it at a test database).
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
    from motcua.dossiers.tests.factories import add_components, make_procedure
    from motcua.testing import make_citizen, make_personas

    call_command("flush", interactive=False, verbosity=0)
    personas = make_personas()
    procedure = make_procedure(personas.place.agency_a)
    components = add_components(procedure)
    # Ten citizens share the load, so a per-account submission limit sees six each.
    citizens = [personas.citizen] + [
        make_citizen(f"congdan_tai_{n}", f"0792000{n:05d}") for n in range(1, 10)
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


def drill_load() -> dict[str, Any]:
    """A small province with dossiers in several states, documents and a
    result; answers the codes and second factors to track them with."""
    from motcua.accounts.models import Applicant
    from motcua.documents.services import stored_file_create
    from motcua.documents.tests.factories import handmade_pdf, png_bytes
    from motcua.dossiers import services
    from motcua.dossiers.attachments import Attachment
    from motcua.dossiers.tests.factories import add_components, advance, local, make_procedure
    from motcua.testing import make_personas

    p = make_personas()
    procedure = make_procedure(p.place.agency_a)
    components = add_components(procedure)
    applicant = Applicant.objects.get(user=p.citizen)
    codes = []
    for n in range(6):  # 0: submitted … 4: result ready, 5: submitted again
        files = [
            stored_file_create(actor=p.citizen, content=handmade_pdf(), name="to-khai.pdf"),
            stored_file_create(actor=p.citizen, content=png_bytes((320, 240)), name="anh.png"),
        ]
        d = services.dossier_submit(
            actor=p.citizen,
            procedure=procedure,
            applicant=applicant,
            attachments=[
                Attachment(file=f, component_id=c.pk)
                for f, c in zip(files, components, strict=True)
            ],
            now=local(2026, 3, 2, 8 + n),
        )
        d = advance(d, p, n % 5)
        codes.append({"code": d.code, "factor": "0123", "token": d.tracking_token})
    return {"dossiers": codes}


def drill_answers(path: str) -> dict[str, Any]:
    """The public tracking API's answers (status and body) for each code,
    with the right factor, the QR token and a wrong factor."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    answers = {}
    for item in json.loads(Path(path).read_text())["dossiers"]:
        for label, factor in (
            ("factor", item["factor"]),
            ("token", item["token"]),
            ("wrong", "9999"),
        ):
            response = client.get(f"/api/v1/dossiers/track/{item['code']}", {"factor": factor})
            answers[f"{item['code']} {label}"] = [response.status_code, response.json()]
    return answers


def files() -> dict[str, Any]:
    """Every stored file's bytes against the SHA-256 recorded at upload."""
    import hashlib

    from django.conf import settings

    from motcua.documents.models import StoredFile

    media = Path(settings.MEDIA_ROOT)
    bad = []
    count = 0
    for name, sha in StoredFile.objects.values_list("file", "sha256"):
        count += 1
        path = media / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            bad.append(name)
    return {"files": count, "bad": bad}


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    command, *args = argv[1:]
    commands: dict[str, Any] = {
        "fault-seed": seed,
        "fault-check": check,
        "drill-load": drill_load,
        "drill-answers": drill_answers,
        "files": files,
    }
    result = commands[command](*args)
    sys.stdout.write(json.dumps(result, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
