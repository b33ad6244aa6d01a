from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_due_operator_example() -> None:
    out = run("due", "--start", "2026-02-13 16:00", "--days", "3")
    assert out.splitlines() == [
        "Tiếp nhận: 16:00 thứ Sáu, 13/02/2026",
        "Thời hạn: 3 ngày làm việc",
        "Hạn giải quyết: 16:00 thứ Tư, 25/02/2026",
        "ISO: 2026-02-25T16:00:00+07:00",
    ]


def test_due_hours_and_calendar_days() -> None:
    out = run("due", "--start", "2026-02-13 16:00", "--hours", "2")
    assert "Hạn giải quyết: 08:00 thứ Hai, 23/02/2026" in out
    out = run("due", "--start", "2026-02-10 09:00", "--days", "5", "--calendar-days")
    assert "Thời hạn: 5 ngày (ngày lịch)" in out
    assert "ISO: 2026-02-23T07:00:00+07:00" in out


def test_due_errors() -> None:
    with pytest.raises(CommandError, match="Ngày giờ không hợp lệ"):
        run("due", "--start", "2026-02-30 16:00", "--days", "3")
    with pytest.raises(CommandError, match="Số không hợp lệ"):
        run("due", "--start", "2026-02-13 16:00", "--days", "ba")
    with pytest.raises(CommandError, match="không âm"):
        run("due", "--start", "2026-02-13 16:00", "--days", "-1")


def test_calendar_show_2026() -> None:
    out = run("calendar_show", "--year", "2026")
    lines = out.splitlines()
    assert lines[0] == "Ngày thường được nghỉ năm 2026:"
    assert any(
        line.startswith("  02/01/2026 (thứ Sáu):") and "9441/TB-BNV" in line for line in lines
    )
    assert "  24/11/2026 (thứ Ba): Ngày Văn hóa Việt Nam [thư viện holidays]" in lines
    worked = lines[lines.index("Ngày cuối tuần phải làm việc năm 2026:") + 1 :]
    assert [line[:28] for line in worked] == [
        "  10/01/2026 (thứ Bảy): Làm ",
        "  22/08/2026 (thứ Bảy): Ngày",
    ]
    with pytest.raises(CommandError, match="Năm phải"):
        run("calendar_show", "--year", "99")
