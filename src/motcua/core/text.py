"""Vietnamese text helpers: folding diacritics for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so that
    "Vĩnh Long", "VINH LONG" and "vinh  long" all fold to "vinh long"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def search_terms(query: str) -> list[str]:
    """Folded words of a search query, empty words dropped."""
    return [word for word in fold(query).split(" ") if word]
