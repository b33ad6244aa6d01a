"""Errors raised by services and selectors. Each carries a stable machine
code (for the API's problem+json) and a message in Vietnamese (for the UIs)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"
    title = "Yêu cầu không hợp lệ"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.errors = errors or []


class NotFound(DomainError):
    """Missing and forbidden look the same to the caller."""

    status = 404
    code = "not_found"
    title = "Không tìm thấy"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    title = "Không có quyền"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Xung đột dữ liệu"
