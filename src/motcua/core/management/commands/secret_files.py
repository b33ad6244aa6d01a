"""One file per outside system's secret that is still the sandbox's committed
value: ``motcua secret_files --dir /srv/motcua/secrets >> motcua.env``.

Each new file holds a random value (mode 600) and is never overwritten; the
command prints the ``NAME_FILE=path`` lines for the configuration. The
operator then replaces each file's content with the secret the provider
issued (payment gateway, carrier, identity provider, ...). The deploy check
(``motcua.E002``) refuses a secret left at its committed value."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.security import secrets_at_their_default


class Command(BaseCommand):
    help = (
        "Write a random file for every secret still at the sandbox's value; print NAME_FILE= lines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["dir"]
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in secrets_at_their_default():
            path = folder / name.lower()
            if not path.exists():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(secrets.token_urlsafe(32) + "\n")
            self.stdout.write(f"{name}_FILE={path}")
