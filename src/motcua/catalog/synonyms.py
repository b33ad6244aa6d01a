"""Search synonyms loaded from their data file (decision 0018)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError


def synonyms_load(*, path: Path) -> int:
    """Replace the search synonyms with the rows of the CSV at ``path``
    (columns ``cum_tu``, ``thay_bang``, optional ``ghi_chu``), all or
    nothing; returns the number of rows. Phrases are stored folded."""
    import csv

    from motcua.catalog.models import SearchSynonym
    from motcua.core.text import query_words

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"cum_tu", "thay_bang"} <= set(reader.fieldnames):
                raise DomainError(
                    _("Tệp %(path)s phải có các cột cum_tu, thay_bang.") % {"path": path},
                    code="synonyms_header",
                )
            rows: dict[str, SearchSynonym] = {}
            for line, raw in enumerate(reader, start=2):
                phrase = " ".join(query_words(raw.get("cum_tu") or ""))
                if not phrase:
                    raise DomainError(
                        _("Dòng %(n)d: cụm từ trống.") % {"n": line}, code="synonyms_row"
                    )
                if phrase in rows:
                    raise DomainError(
                        _("Dòng %(n)d: cụm từ “%(p)s” đã có ở dòng trước.")
                        % {"n": line, "p": phrase},
                        code="synonyms_row",
                    )
                rows[phrase] = SearchSynonym(
                    phrase=phrase,
                    replacement=" ".join(query_words(raw.get("thay_bang") or "")),
                    note=(raw.get("ghi_chu") or "").strip()[:200],
                )
    except OSError as exc:
        raise DomainError(
            _("Không đọc được tệp %(path)s: %(err)s") % {"path": path, "err": exc.strerror},
            code="synonyms_file",
        ) from exc
    with transaction.atomic():
        SearchSynonym.objects.all().delete()
        SearchSynonym.objects.bulk_create(rows.values())
    return len(rows)
