"""Reading what a person types into the procedure search.

A query is folded (case and diacritics do not matter) and cut into words
(punctuation does not matter); everyday phrases are rewritten through the
synonyms table (:class:`motcua.catalog.models.SearchSynonym`, kept as data in
``data/search/synonyms.csv``): "làm giấy khai sinh" → "khai sinh", "ubnd" →
"uy ban nhan dan", filler words ("thủ tục", "xin", "làm") dropped. Each
remaining word matches in either spelling of the i/y family ("kí"/"ký").

Procedures matching every word come first, the name holding the words as a
phrase before the others, shorter (more general) names before longer ones.
When nothing matches every word, the procedures matching most of them are
offered as "gần đúng" (approximate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Length

from motcua.core.text import query_words, spelling_variants

M = TypeVar("M", bound=Model)

#: A procedure code as printed in the national catalogue ("1.001193").
PROCEDURE_CODE = re.compile(r"^\s*(\d\.\d{6})\s*$")


@dataclass(frozen=True)
class ParsedQuery:
    """``words``: what was typed, folded; ``terms``: what is searched for
    after the synonyms; ``code``: a procedure code typed as such."""

    text: str
    words: tuple[str, ...]
    terms: tuple[str, ...]
    code: str = ""
    rewritten: bool = field(default=False)

    @property
    def blank(self) -> bool:
        """Typed something, but nothing to search for (only punctuation)."""
        return bool(self.text.strip()) and not self.words and not self.code


def _canon(word: str) -> str:
    return min(spelling_variants(word))


Synonyms = list[tuple[tuple[str, ...], tuple[str, ...]]]


def synonyms_table() -> Synonyms:
    """The synonyms as (phrase words, replacement words), longest phrase
    first, words in canonical spelling."""
    from motcua.catalog.models import SearchSynonym

    rows = [
        (
            tuple(_canon(w) for w in query_words(phrase)),
            tuple(query_words(replacement)),
        )
        for phrase, replacement in SearchSynonym.objects.values_list("phrase", "replacement")
    ]
    rows = [row for row in rows if row[0]]
    rows.sort(key=lambda row: (-len(row[0]), row[0]))
    return rows


def query_parse(text: str, *, synonyms: Synonyms | None = None) -> ParsedQuery:
    """``text`` as words and search terms (see the module docstring)."""
    code = PROCEDURE_CODE.match(text)
    if code:
        return ParsedQuery(text=text, words=(), terms=(), code=code.group(1))
    words = tuple(query_words(text))
    if not words:
        return ParsedQuery(text=text, words=(), terms=())
    table = synonyms_table() if synonyms is None else synonyms
    canon = [_canon(w) for w in words]
    terms: list[str] = []
    i = 0
    rewritten = False
    while i < len(words):
        for phrase, replacement in table:
            if tuple(canon[i : i + len(phrase)]) == phrase:
                terms.extend(replacement)
                i += len(phrase)
                rewritten = True
                break
        else:
            terms.append(words[i])
            i += 1
    unique = tuple(dict.fromkeys(terms))
    return ParsedQuery(text=text, words=words, terms=unique, rewritten=rewritten)


def _term_q(field_name: str, term: str) -> Q:
    """``term`` in either spelling: at a word start when short (so "ky" does
    not match inside other words), anywhere when longer."""
    condition = Q()
    for variant in spelling_variants(term):
        if len(variant) <= 2:
            condition |= Q(**{f"{field_name}__startswith": f"{variant}"}) | Q(
                **{f"{field_name}__contains": f" {variant}"}
            )
        else:
            condition |= Q(**{f"{field_name}__contains": variant})
    return condition


def _phrases(terms: tuple[str, ...], limit: int = 8) -> list[str]:
    """The terms as a phrase in each combination of spellings (at most
    ``limit`` of them)."""
    phrases = [""]
    for term in terms:
        phrases = [f"{p} {v}".strip() for p in phrases for v in spelling_variants(term)][:limit]
    return phrases


def filter_by_query(
    qs: QuerySet[M], *, query: ParsedQuery, text_field: str, name_field: str, code_field: str
) -> tuple[QuerySet[M], bool]:
    """``qs`` narrowed to ``query`` and ranked; the flag is True when the
    result is approximate (no row matched every term)."""
    if query.code:
        return qs.filter(**{code_field: query.code}), False
    if not query.terms:
        return (qs.none() if query.text.strip() else qs.order_by(code_field)), False
    as_phrase = Q()
    for phrase in _phrases(query.terms):
        as_phrase |= Q(**{f"{text_field}__contains": phrase})
    ranked = qs.annotate(
        search_rank=Case(
            When(as_phrase, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    )
    every = Q()
    for term in query.terms:
        every &= _term_q(text_field, term)
    exact = ranked.filter(every).order_by("search_rank", Length(name_field), code_field)
    if len(query.terms) < 2 or exact.exists():
        return exact, False
    hits = sum(
        (
            Case(
                When(_term_q(text_field, t), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for t in query.terms
        ),
        Value(0),
    )
    enough = max(1, (len(query.terms) + 1) // 2)
    approximate = (
        ranked.annotate(search_hits=hits)
        .filter(search_hits__gte=enough)
        .order_by("-search_hits", "search_rank", Length(name_field), code_field)
    )
    return approximate, True
