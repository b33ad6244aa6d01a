"""Validation of Vietnamese identity numbers.

* Personal identification number (số định danh cá nhân, the number on the
  chip-based citizen ID card): 12 digits. Digits 1-3 are the province code of
  birth registration (001-096, with GSO province codes), digit 4 encodes
  century and sex (0-9), digits 5-6 the last two digits of the birth year,
  digits 7-12 a random sequence. (Circular 59/2021/TT-BCA, Art. 7.)
* Tax code of an organisation (mã số thuế): 10 digits, the 10th a check digit
  over the first nine with weights 31, 29, 23, 19, 17, 13, 7, 5, 3
  (10 - sum mod 11); a branch adds ``-NNN`` (13 digits).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Province codes used in personal identification numbers: the 63 pre-2025
# GSO province codes (the birth-registration place keeps its old code).
_ID_PROVINCE_CODES = frozenset(
    {
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31,
        33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60,
        62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91,
        92, 93, 94, 95, 96,
    }
)  # fmt: skip
_PERSONAL_ID = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def personal_id_birth_year(value: str) -> int:
    century_digit = int(value[3])
    century = 1900 + 100 * (century_digit // 2)
    return century + int(value[4:6])


def validate_personal_id(value: str) -> None:
    if not _PERSONAL_ID.match(value):
        raise ValidationError(
            _("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="personal_id_format"
        )
    if int(value[:3]) not in _ID_PROVINCE_CODES:
        raise ValidationError(
            _("Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh hợp lệ."),
            code="personal_id_province",
        )
    if personal_id_birth_year(value) > datetime.date.today().year:
        raise ValidationError(
            _("Năm sinh trong số định danh cá nhân nằm ở tương lai."),
            code="personal_id_year",
        )


def tax_check_digit(first_nine: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True))
    return (10 - total % 11) % 11


def validate_tax_code(value: str) -> None:
    match = _TAX_CODE.match(value)
    if not match:
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số."),
            code="tax_code_format",
        )
    digits = match.group(1)
    check = tax_check_digit(digits[:9])
    if check == 10 or check != int(digits[9]):
        raise ValidationError(
            _("Mã số thuế không đúng (sai chữ số kiểm tra)."), code="tax_code_checksum"
        )
