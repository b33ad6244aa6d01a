"""The input checks of ``core.limits``: text, JSON structure, integers."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.limits import (
    InputRejected,
    clean_json,
    clean_text,
    parse_json_body,
    posted_int,
    safe_field,
    text_problem,
)


def _clean(value: Any) -> Any:
    return clean_json(value, max_keys=100, max_depth=5, max_string=50)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a\x00b", "control_character"),
        ("a\x1bb", "control_character"),
        ("a\x85b", "control_character"),
        ("a\ud800b", "invalid_unicode"),
        ("a\udfffb", "invalid_unicode"),
        ("Nguyễn\tVăn\nAn\r", None),
    ],
)
def test_text_problems(text: str, code: str | None) -> None:
    assert text_problem(text) == code


def test_single_line_values_refuse_line_breaks() -> None:
    assert text_problem("a\nb", multiline=False) == "control_character"


def test_clean_text_normalises_to_nfc_and_bounds_length() -> None:
    assert clean_text(unicodedata.normalize("NFD", "Hòa")) == "Hòa"
    with pytest.raises(InputRejected) as exc:
        clean_text("x" * 11, max_length=10, field="ten")
    assert exc.value.code == "string_too_long" and exc.value.errors[0]["field"] == "ten"


def test_a_hostile_nesting_depth_is_refused_without_recursion() -> None:
    value: Any = 1
    for _ in range(100_000):
        value = [value]
    with pytest.raises(InputRejected) as exc:
        _clean(value)
    assert exc.value.code == "too_deep"


def test_json_limits() -> None:
    with pytest.raises(InputRejected, match="quá nhiều"):
        _clean({str(i): i for i in range(101)})
    with pytest.raises(InputRejected) as exc:
        _clean({"n": [2**63]})
    assert exc.value.code == "integer_out_of_range"
    assert _clean({"n": [2**63 - 1, -(2**63)]}) == {"n": [2**63 - 1, -(2**63)]}


def test_json_body_errors_have_their_codes() -> None:
    for body, code in [
        (b"{", "invalid_json"),
        (b"\xff\xfe{}", "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
        (b'{"a": "\\u0000"}', "control_character"),
    ]:
        with pytest.raises(InputRejected) as exc:
            parse_json_body(body)
        assert exc.value.code == code, body[:20]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 7), (None, 7), (" 12 ", 12), ("0", 0)],
)
def test_posted_int_accepts(value: str | None, expected: int) -> None:
    assert posted_int(value, field="v", default=7) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("abc", "invalid_integer"),
        ("²", "invalid_integer"),
        ("١٢", "invalid_integer"),
        ("9" * 30, "invalid_integer"),
        ("9" * 19, "integer_out_of_range"),
        ("-1", "integer_out_of_range"),
    ],
)
def test_posted_int_refuses(value: str, code: str) -> None:
    with pytest.raises(InputRejected) as exc:
        posted_int(value, field="v", default=0)
    assert exc.value.code == code


def test_field_names_echoed_in_errors_are_safe() -> None:
    assert safe_field("a\x00\ud800b") == "a\\x00\\ud800b"
    safe_field("x" * 1000).encode("utf-8")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=30,
)


@given(json_values)
def test_clean_json_refuses_or_returns_storable_nfc(value: Any) -> None:
    """Whatever JSON arrives, the answer is a refusal with a code or a
    value every string of which is NFC and encodable (storable)."""
    try:
        cleaned = clean_json(value, max_keys=1000, max_depth=10, max_string=1000)
    except InputRejected as exc:
        assert exc.code
        return
    stack = [cleaned]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            assert unicodedata.is_normalized("NFC", item)
            item.encode("utf-8")
            assert "\x00" not in item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def test_property_tests_never_depend_on_the_machines_speed() -> None:
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    current = hypothesis_settings.default
    assert current is not None and current.deadline is None
    assert HealthCheck.too_slow in current.suppress_health_check
