"""Reads of administrative units and agencies. Public reference data: no
selector here needs a user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from motcua.core.errors import NotFound
from motcua.core.text import fold, query_words, search_terms, spelling_variants
from motcua.units.models import AdministrativeUnit, Agency, Generation, Level, UnitSuccession

MAX_LIMIT = 100

_LEVEL_ORDER = Case(
    When(level=Level.PROVINCE, then=Value(0)),
    When(level=Level.DISTRICT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class UnitLink:
    """One side of a succession: the other unit and whether only part of the
    old unit's territory is concerned."""

    unit: AdministrativeUnit
    partial: bool


def _words_filter(field: str, terms: list[str]) -> Q:
    """Every term starts a word of ``field`` (which holds folded text)."""
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{field}__startswith": term}) | Q(**{f"{field}__contains": f" {term}"})
    return condition


def _rank(field: str, phrase: str) -> Case:
    """0: the whole name, or the name after its type ("Tỉnh", "Phường"), is the
    query; 1: the name contains the query as a phrase at a word start; 2: the
    words match elsewhere."""
    return Case(
        When(Q(**{field: phrase}) | Q(**{f"{field}__endswith": f" {phrase}"}), then=Value(0)),
        When(
            Q(**{f"{field}__startswith": phrase}) | Q(**{f"{field}__contains": f" {phrase}"}),
            then=Value(1),
        ),
        default=Value(2),
        output_field=IntegerField(),
    )


def unit_search(
    *,
    query: str,
    level: str | None = None,
    generation: str | None = Generation.CURRENT,
    province_code: str | None = None,
    limit: int = 20,
) -> list[AdministrativeUnit]:
    """Units whose name matches ``query`` with or without diacritics
    ("Vĩnh Long", "vinh long", "VĨNH LONG"): every word of the query must
    start a word of the name. Exact names rank first, then names that hold
    the query as a phrase, then the rest; provinces before communes.

    ``generation=None`` searches both lists; ``province_code`` is a code of
    the same generation (or of the current one when both are searched)."""
    limit = max(1, min(limit, MAX_LIMIT))
    units = AdministrativeUnit.objects.select_related("province")
    if generation is not None:
        units = units.filter(generation=generation)
    if level is not None:
        units = units.filter(level=level)
    if province_code is not None:
        units = units.filter(province__code=province_code)
        if generation is None:
            units = units.filter(province__generation=Generation.CURRENT)
    terms = search_terms(query)
    if not terms:
        return list(units.order_by(_LEVEL_ORDER, "code")[:limit])
    phrase = " ".join(terms)
    return list(
        units.filter(_words_filter("name_folded", terms))
        .annotate(rank=_rank("name_folded", phrase), level_order=_LEVEL_ORDER)
        .order_by("rank", "level_order", Length("name_folded"), "name_folded", "code")[:limit]
    )


def unit_get(*, generation: str, code: str) -> AdministrativeUnit:
    """The unit with ``code`` in list ``generation``; codes are zero-padded
    (province 2 digits, district 3, commune 5)."""
    try:
        return AdministrativeUnit.objects.select_related("parent", "province").get(
            generation=generation, code=code
        )
    except AdministrativeUnit.DoesNotExist:
        raise NotFound(f"Không tìm thấy đơn vị hành chính mã {code} ({generation}).") from None


def unit_successors(*, unit: AdministrativeUnit) -> list[UnitLink]:
    """The units that took over ``unit``'s territory (several when it was
    split), in code order."""
    rows = unit.successions_out.select_related("new__province").order_by("new__code")
    return [UnitLink(unit=row.new, partial=row.partial) for row in rows]


def unit_predecessors(*, unit: AdministrativeUnit) -> list[UnitLink]:
    """The units whose territory (all or part) went into ``unit``."""
    rows = unit.successions_in.select_related("old__province").order_by("old__code")
    return [UnitLink(unit=row.old, partial=row.partial) for row in rows]


def units_in_force_on(*, day: datetime.date) -> QuerySet[AdministrativeUnit]:
    """The units valid on ``day`` (pre-2025 ones up to 30/6/2025, the current
    ones from 1/7/2025)."""
    return AdministrativeUnit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )


def communes_of_province(
    *, code: str, generation: str = Generation.CURRENT
) -> QuerySet[AdministrativeUnit]:
    """The communes (xã, phường, thị trấn, đặc khu) of province ``code``."""
    province = unit_get(generation=generation, code=code)
    if province.level != Level.PROVINCE:
        raise NotFound(f"Mã {code} không phải mã tỉnh, thành phố.")
    return AdministrativeUnit.objects.filter(
        generation=generation, level=Level.COMMUNE, province=province
    ).order_by("code")


def units_without_successor(*, level: str = Level.COMMUNE) -> QuerySet[AdministrativeUnit]:
    """Pre-2025 units the conversion table does not map to any new unit (28
    communes in the 2026-09 data). Districts were abolished, not converted."""
    return AdministrativeUnit.objects.filter(
        generation=Generation.LEGACY, level=level, successions_out__isnull=True
    ).order_by("code")


def units_without_predecessor(*, level: str = Level.COMMUNE) -> QuerySet[AdministrativeUnit]:
    """Current units that no old unit maps to (the 5 island special zones)."""
    return AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, level=level, successions_in__isnull=True
    ).order_by("code")


def agency_search(
    *, query: str = "", province_code: str | None = None, limit: int = 20
) -> list[Agency]:
    """Agencies by name (with or without diacritics) or by electronic
    identifier; ``province_code`` is a current province code."""
    limit = max(1, min(limit, MAX_LIMIT))
    agencies = Agency.objects.filter(is_active=True).select_related("area", "province")
    if province_code is not None:
        agencies = agencies.filter(province__code=province_code)
    terms = search_terms(query)
    if not terms:
        return list(agencies.order_by("province__code", "kind", "name")[:limit])
    phrase = " ".join(terms)
    by_name = _words_filter("name_folded", terms)
    return list(
        agencies.filter(by_name | Q(e_identifier__iexact=query.strip()))
        .annotate(rank=_rank("name_folded", fold(phrase)))
        .order_by("rank", Length("name_folded"), "name")[:limit]
    )


def agencies_of_province(*, province: AdministrativeUnit) -> QuerySet[Agency]:
    """The active agencies of ``province`` (its own and its communes')."""
    return (
        Agency.objects.filter(province=province, is_active=True)
        .select_related("area")
        .order_by("kind", "name")
    )


# ------------------------------------------------- finding an agency by name

#: Ways people write "people's committee" and unit types before a name:
#: "UBND xã Phú Khương", "ủy ban nhân dân phường 1", "P. Long Châu".
_COMMITTEE_WORDS = (("uy", "ban", "nhan", "dan"), ("ubnd",), ("ub",), ("uy", "ban"))
_TYPE_WORDS = (
    ("thi", "tran"),
    ("dac", "khu"),
    ("thanh", "pho"),
    ("thi", "xa"),
    ("xa",),
    ("phuong",),
    ("tt",),
    ("tp",),
    ("p",),
    ("x",),
)


@dataclass(frozen=True)
class AgencyMatch:
    """An agency found by name; ``formerly`` names the pre-2025 unit the
    query named when the agency was found through the conversion table."""

    agency: Agency
    formerly: str = ""


def name_words(query: str) -> list[str]:
    """The words of a unit or agency name typed by a person, without the
    committee words and the unit type ("UBND xã Phú Khương" → ["phu",
    "khuong"]); punctuation and diacritics do not matter."""
    words = query_words(query)
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase in (*_COMMITTEE_WORDS, *_TYPE_WORDS):
            if tuple(words[i : i + len(phrase)]) == phrase and (
                # keep a type word that is the whole remaining name ("Phường 1" keeps "1")
                i + len(phrase) < len(words)
            ):
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _variant_words_filter(field: str, terms: list[str]) -> Q:
    """Every term (in one of its spellings) starts a word of ``field``."""
    condition = Q()
    for term in terms:
        either = Q()
        for variant in spelling_variants(term):
            either |= Q(**{f"{field}__startswith": variant}) | Q(
                **{f"{field}__contains": f" {variant}"}
            )
        condition &= either
    return condition


def agency_find(*, query: str, agencies: QuerySet[Agency], limit: int = 50) -> list[AgencyMatch]:
    """Agencies among ``agencies`` that a person means by ``query``: by their
    name ("UBND xã Phú Khương", "phu khuong", "Ủy ban nhân dân P. Long
    Châu"), by the current unit they serve, or by a pre-2025 commune name
    that the conversion table maps to the unit they serve now ("xã Tân
    Thanh Tây" → UBND xã Nhuận Phú Tân). Exact names first."""
    terms = name_words(query)
    if not terms:
        return []
    phrase = " ".join(terms)
    by_name = _variant_words_filter("name_folded", terms)
    units = AdministrativeUnit.objects.filter(by_name, level=Level.COMMUNE)
    current = units.filter(generation=Generation.CURRENT).values("pk")
    direct = list(
        agencies.filter(by_name | Q(area__in=current))
        .annotate(rank=_rank("name_folded", phrase))
        .order_by("rank", Length("name_folded"), "name")[:limit]
    )
    found = [AgencyMatch(agency=a) for a in direct]
    seen = {a.pk for a in direct}
    legacy = (
        units.filter(generation=Generation.LEGACY)
        .select_related("parent", "province")
        .annotate(rank=_rank("name_folded", phrase))
        .order_by("rank", "code")[:limit]
    )
    for old in legacy:
        successors = [link.unit.pk for link in unit_successors(unit=old)]
        where = ", ".join(u.name for u in (old.parent, old.province) if u is not None)
        formerly = f"{old.name} ({where})" if where else old.name
        for agency in agencies.filter(area__in=successors).order_by("name"):
            if agency.pk not in seen:
                seen.add(agency.pk)
                found.append(AgencyMatch(agency=agency, formerly=formerly))
    return found[:limit]


def legacy_unit_known(*, query: str) -> bool:
    """Whether ``query`` names any pre-2025 commune (to tell "unknown name"
    from "known name outside this province")."""
    terms = name_words(query)
    return (
        bool(terms)
        and AdministrativeUnit.objects.filter(
            _variant_words_filter("name_folded", terms), generation=Generation.LEGACY
        ).exists()
    )


@dataclass(frozen=True)
class CommuneChoice:
    """A current commune offered by the commune picker; ``former`` is the
    pre-2025 unit whose name matched, when the match came through the
    conversion table (:class:`~motcua.units.models.UnitSuccession`)."""

    unit: AdministrativeUnit
    former: AdministrativeUnit | None = None

    @property
    def label(self) -> str:
        where = f"{self.unit.name}, {self.unit.province.name}" if self.unit.province else ""
        text = where or self.unit.name
        if self.former is not None:
            text += f" (trước đây: {self.former.name})"
        return text


def commune_choices(
    *, query: str, province_code: str | None = None, limit: int = 10
) -> list[CommuneChoice]:
    """Current communes for the commune picker: those whose name matches
    ``query`` (with or without diacritics), then the successors of the
    pre-2025 communes whose name matches (a citizen who still writes the old
    name finds the unit that took it over). ``province_code`` (current)
    limits both to one province. An empty query finds nothing."""
    if not search_terms(query):
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    direct = unit_search(query=query, level=Level.COMMUNE, province_code=province_code, limit=limit)
    choices = [CommuneChoice(unit=unit) for unit in direct]
    seen = {unit.pk for unit in direct}
    if len(choices) < limit:
        former = unit_search(
            query=query, level=Level.COMMUNE, generation=Generation.LEGACY, limit=limit
        )
        links = (
            UnitSuccession.objects.filter(old__in=former, new__generation=Generation.CURRENT)
            .select_related("old", "new__province")
            .order_by("old__name_folded", "new__code")
        )
        if province_code is not None:
            links = links.filter(new__province__code=province_code)
        for link in links:
            if link.new_id not in seen and len(choices) < limit:
                seen.add(link.new_id)
                choices.append(CommuneChoice(unit=link.new, former=link.old))
    return choices


def commune_get(*, code: str) -> AdministrativeUnit | None:
    """The current commune with ``code`` (None when there is none)."""
    return (
        AdministrativeUnit.objects.select_related("province")
        .filter(generation=Generation.CURRENT, level=Level.COMMUNE, code=code)
        .first()
    )
