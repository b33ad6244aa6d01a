"""A VietQR (NAPAS 247, EMVCo merchant-presented) payload for a bank
transfer of a fixed amount: tag-length-value fields, the NAPAS GUID
``A000000727`` with the beneficiary bank's BIN and account, service
``QRIBFTTA`` (transfer to an account), currency 704, country VN, the
purpose in field 62.08, and the CRC-16/CCITT-FALSE checksum (field 63)."""

from __future__ import annotations


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} too long")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def vietqr_payload(*, bank_bin: str, account: str, amount_vnd: int, purpose: str) -> str:
    """The string to encode in the QR code (dynamic: amount set)."""
    if not (bank_bin.isdigit() and len(bank_bin) == 6) or not account.isalnum():
        raise ValueError("bank BIN is 6 digits; account alphanumeric")
    if amount_vnd <= 0:
        raise ValueError("amount must be positive")
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant = _tlv("00", "A000000727") + _tlv("01", beneficiary) + _tlv("02", "QRIBFTTA")
    ascii_purpose = "".join(ch for ch in purpose if 32 <= ord(ch) < 127)[:50]
    body = (
        _tlv("00", "01")
        + _tlv("01", "12")
        + _tlv("38", merchant)
        + _tlv("53", "704")
        + _tlv("54", str(amount_vnd))
        + _tlv("58", "VN")
        + _tlv("62", _tlv("08", ascii_purpose))
        + "6304"
    )
    return body + f"{crc16_ccitt(body.encode()):04X}"
