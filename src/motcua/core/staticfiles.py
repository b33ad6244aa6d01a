"""The static files storage: WhiteNoise's compressed manifest storage
(content-hashed names, gzip and Brotli copies, cached for a year), which
falls back to the plain name for a file the manifest does not list — a
checkout where ``collectstatic`` never ran, or a file added since — instead
of failing the page (WhiteNoise serves plain names through the finders)."""

from __future__ import annotations

from whitenoise.storage import (  # type: ignore[import-untyped]  # no type information shipped
    CompressedManifestStaticFilesStorage,
)


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not in the manifest
            return name
