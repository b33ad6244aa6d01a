"""Search that understands people: synonyms kept as data, i/y spellings,
filler words, only-punctuation input, approximate results, the no-result
page, and the measure over the realistic queries (≥ 95 % in the top 3)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.catalog.models import SearchSynonym
from motcua.catalog.search import query_parse
from motcua.catalog.selectors import procedure_find
from motcua.core.text import query_words, spelling_variants

SYNONYMS = settings.SEED_DIR / "search" / "synonyms.csv"


@pytest.fixture
def synonyms(db: None) -> None:
    call_command("load_synonyms", stdout=io.StringIO())


def _top(q: str, n: int = 3) -> list[str]:
    return [v.procedure.code for v in procedure_find(q=q).results[:n]]


def test_words_and_spellings() -> None:
    assert query_words("Ký, chứng-thực!!") == ["ky", "chung", "thuc"]
    assert query_words("?!… ---") == []
    assert spelling_variants("ki") == ["ki", "ky"]
    assert spelling_variants("quy") == ["quy", "qui"]
    assert spelling_variants("tay") == ["tay"]  # "tay" and "tai" are different words


def test_synonyms_rewrite_everyday_phrases() -> None:
    table = [
        (("lam", "giay", "khai", "sinh"), ("dang", "ky", "khai", "sinh")),
        (("chung", "chu", "ki"), ("chung", "thuc", "chu", "ky")),
        (("xin",), ()),
    ]
    parsed = query_parse("Xin làm giấy khai sinh", synonyms=table)
    assert parsed.terms == ("dang", "ky", "khai", "sinh") and parsed.rewritten
    # the i/y spelling typed does not matter ("ký" ~ "kí")
    assert query_parse("chứng chữ ký", synonyms=table).terms == ("chung", "thuc", "chu", "ky")
    assert query_parse("!!!", synonyms=table).blank
    assert query_parse("1.001193", synonyms=table).code == "1.001193"


def test_load_synonyms_reloads_all_or_nothing(synonyms: None, tmp_path: Path) -> None:
    count = SearchSynonym.objects.count()
    assert count >= 100
    assert SearchSynonym.objects.get(phrase="lam giay khai sinh").replacement == "dang ky khai sinh"
    broken = tmp_path / "s.csv"
    broken.write_text("cum_tu,thay_bang\nsổ đỏ,a\nSO DO,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 3"):
        call_command("load_synonyms", str(broken), stdout=io.StringIO())
    assert SearchSynonym.objects.count() == count  # nothing half-loaded
    good = tmp_path / "g.csv"
    good.write_text("cum_tu,thay_bang,ghi_chu\nSổ đỏ,giấy chứng nhận,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_synonyms", str(good), stdout=out)
    assert "1 từ đồng nghĩa" in out.getvalue()
    assert list(SearchSynonym.objects.values_list("phrase", "replacement")) == [
        ("so do", "giay chung nhan")
    ]


def test_procedure_search_understands_people(catalog: None, synonyms: None) -> None:
    assert _top("làm giấy khai sinh", 1) == ["1.001193"]
    assert _top("đăng kí khai sinh", 1) == ["1.001193"]  # kí = ký
    assert "2.000884" in _top("chứng thực chữ kí")
    assert "1.004222" in _top("nhập hộ khẩu")
    assert _top("1.001193") == ["1.001193"]
    blank = procedure_find(q="?!...")
    assert blank.query.blank and not blank.results.exists()
    approx = procedure_find(q="khai sinh quả táo")
    assert approx.approximate and approx.results.exists()


def test_no_result_page_helps(catalog: None, synonyms: None, client: Client) -> None:
    page = client.get("/thu-tuc/", {"q": "qwzx plonk"}).content.decode()
    assert "Không tìm thấy thủ tục phù hợp" in page
    assert "Người dân thường tìm" in page and "?q=khai%20sinh" in page
    page = client.get("/thu-tuc/", {"q": "!!! ..."}).content.decode()
    assert "chỉ có dấu câu" in page


def test_a_unit_name_typed_in_the_procedure_search(
    catalog: None, synonyms: None, client: Client, personas: Any, settings: Any
) -> None:
    from motcua.catalog.services import configured_procedure_configure, workflow_templates_seed

    settings.PROVINCE_CODE = personas.place.province.code
    agency = personas.place.agency_a
    version = procedure_find(q="1.001193").results.get()
    workflow_templates_seed(actor=None)
    configured_procedure_configure(actor=None, agency=agency, procedure_version=version)
    page = client.get("/thu-tuc/", {"q": "UBND xã Đông Hòa"}).content.decode()
    assert "Có phải bạn đang tìm cơ quan?" in page
    assert f"?don-vi={agency.public_id}" in page


def test_search_quality_on_the_demo_catalogue(django_db_setup: None, db: None) -> None:
    """The measure the closing note reports: real units, sample catalogue,
    demo province, the synonyms, the queries kept in the repo."""
    from motcua.catalog.search_quality import default_queries_path, queries_read, search_quality

    call_command("demo", "--no-history", stdout=io.StringIO(), stderr=io.StringIO())
    cases = queries_read(path=default_queries_path())
    assert len(cases) >= 60
    assert {c.kind for c in cases} == {"thu_tuc", "co_quan"}
    report = search_quality(cases=cases, province_code="86")
    assert report.cases == len(cases)
    assert report.share >= 0.95, report.misses
    out = io.StringIO()
    call_command("search_quality", stdout=out)
    assert "Tìm thấy trong 3 kết quả đầu" in out.getvalue()
