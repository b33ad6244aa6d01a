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


_NOT_WORD = re.compile(r"[^0-9a-z]+")
#: A syllable ending in "i" or "y" after consonants only ("ki"/"ky",
#: "li"/"ly", "mi"/"my", "qui"/"quy"): the two spellings are both in use.
_I_Y_END = re.compile(r"^(qu|[bcdghklmnpqrstvx]{1,3})[iy]$")


def query_words(query: str) -> list[str]:
    """Folded words of a query with punctuation dropped ("Ký, chứng-thực!"
    → ["ky", "chung", "thuc"]); empty when nothing but punctuation."""
    return [word for word in _NOT_WORD.split(fold(query)) if word]


def spelling_variants(word: str) -> list[str]:
    """``word`` (folded) and its other accepted spelling, for the i/y
    family: "ky" ↔ "ki", "ly" ↔ "li", "quy" ↔ "qui"."""
    match = _I_Y_END.match(word)
    if match is None:
        return [word]
    stem = match.group(1)
    return [word, stem + ("i" if word.endswith("y") else "y")]
