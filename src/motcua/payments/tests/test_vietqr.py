from __future__ import annotations

import pytest

from motcua.payments.vietqr import crc16_ccitt, vietqr_payload


def test_crc_check_value() -> None:
    # The CRC-16/CCITT-FALSE check value of "123456789".
    assert crc16_ccitt(b"123456789") == 0x29B1


def test_payload_fields_and_checksum() -> None:
    payload = vietqr_payload(
        bank_bin="970436", account="0011001234567", amount_vnd=20000, purpose="Phi ho so 001"
    )
    assert payload.startswith("000201010212")
    assert "0010A000000727" in payload and "0208QRIBFTTA" in payload
    assert "5303704" in payload and "540520000" in payload and "5802VN" in payload
    body, crc = payload[:-4], payload[-4:]
    assert body.endswith("6304") and crc == f"{crc16_ccitt(body.encode()):04X}"


def test_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        vietqr_payload(bank_bin="97", account="1", amount_vnd=1, purpose="")
    with pytest.raises(ValueError):
        vietqr_payload(bank_bin="970436", account="1", amount_vnd=0, purpose="")
