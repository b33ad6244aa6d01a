import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.validators import (
    personal_id_birth_year,
    tax_check_digit,
    validate_personal_id,
    validate_tax_code,
)


@pytest.mark.parametrize("value", ["086190000123", "001099012345", "083205001234"])
def test_valid_personal_ids(value):
    validate_personal_id(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("08619000012", "personal_id_format"),  # 11 digits
        ("0861900001234", "personal_id_format"),  # 13 digits
        ("08619000012a", "personal_id_format"),
        (" 086190000123", "personal_id_format"),
        ("003190000123", "personal_id_province"),  # 003 is no province code
        ("099190000123", "personal_id_province"),
        ("086399000123", "personal_id_year"),  # century digit 3 → 2099
    ],
)
def test_invalid_personal_ids(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_personal_id(value)
    assert exc.value.code == code
    assert "định danh" in exc.value.messages[0]


def test_birth_year_from_century_digit():
    assert personal_id_birth_year("086190000123") == 1990
    assert personal_id_birth_year("086205000123") == 2005
    assert personal_id_birth_year("086305000123") == 2005  # female, 21st century


def test_tax_code_check_digit_of_a_real_company():
    # 0100109106: Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel).
    assert tax_check_digit("010010910") == 6
    validate_tax_code("0100109106")
    validate_tax_code("0100109106-001")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0100109107", "tax_code_checksum"),
        ("010010910", "tax_code_format"),
        ("0100109106-01", "tax_code_format"),
        ("01001091O6", "tax_code_format"),
    ],
)
def test_invalid_tax_codes(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_tax_code(value)
    assert exc.value.code == code
