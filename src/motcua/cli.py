"""``motcua``: the operators' command line, a thin wrapper over Django's
management commands with the project's settings preselected.

    motcua migrate
    motcua import_units
    motcua demo
    motcua due --start "2026-02-13 16:00" --days 3
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["motcua", *argv])
    if len(args) == 1:
        args.append("help")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
