"""Shared by the commands that write a generated file and, with --check,
fail when the committed copy has drifted from the code."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, OutputWrapper


def write_or_check(*, path: Path, content: str, check: bool, stdout: OutputWrapper) -> None:
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != content:
            raise CommandError(
                f"{path} is out of date with the code; run the command without --check "
                "and commit the result."
            )
        stdout.write(f"{path}: up to date")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    stdout.write(f"{path}: written")
