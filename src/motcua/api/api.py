"""The REST API, version 1. Each app contributes a router from its own
``api.py``; this module only assembles them."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from motcua import __version__
from motcua.api import errors, failures, openapi
from motcua.api.parser import CheckedParser


class MotcuaAPI(NinjaAPI):
    """The API, whose document also states every problem+json answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        openapi.document_input_rules(schema)
        openapi.document_problems(schema)
        return schema


api = MotcuaAPI(
    title="Một Cửa API",
    version=__version__,
    description=(
        "API của hệ thống một cửa điện tử: đơn vị, lịch làm việc, thủ tục, hồ sơ.\n\n"
        "**Xác thực**: `Authorization: Bearer <mã truy cập>`. Cán bộ tự cấp mã tại "
        "Một cửa điện tử → Mã truy cập API (mã bí mật chỉ hiện một lần); người vận hành "
        "dùng lệnh `motcua api_token issue|list|revoke`. Mã có thời hạn và phạm vi: "
        "`read` (mọi thao tác GET), `submit` (nộp hồ sơ, tải tệp lên), `act` (thao tác "
        "trên hồ sơ và mọi thao tác ghi khác). Thiếu phạm vi: 403 `insufficient_scope`; "
        "mã sai, hết hạn hoặc đã thu hồi: 401 `not_authenticated`.\n\n"
        "**Idempotency-Key** khi nộp hồ sơ: cùng khóa và cùng nội dung trả lại hồ sơ đã "
        "nộp; cùng khóa, nội dung khác: 409 `idempotency_key_reused`.\n\n"
        "**expected_version** trong mọi thao tác: phiên bản cũ là 409 "
        "`dossier_version_conflict`, trước mọi kiểm tra khác.\n\n"
        "Lỗi theo RFC 9457 (application/problem+json) với mã `code` ổn định."
    ),
    urls_namespace="api-v1",
    parser=CheckedParser(),
)
failures.install(api)
errors.install(api)

from motcua.accounts.api import router as accounts_router  # noqa: E402
from motcua.calendar.api import router as calendar_router  # noqa: E402
from motcua.catalog.api import router as catalog_router  # noqa: E402
from motcua.delivery.api import router as delivery_router  # noqa: E402
from motcua.documents.api import router as files_router  # noqa: E402
from motcua.dossiers.api import router as dossiers_router  # noqa: E402
from motcua.feedback.api import router as feedback_router  # noqa: E402
from motcua.payments.api import router as payments_router  # noqa: E402
from motcua.scorecards.api import router as open_data_router  # noqa: E402
from motcua.units.api import router as units_router  # noqa: E402

api.add_router("/accounts", accounts_router)
api.add_router("/units", units_router)
api.add_router("/calendar", calendar_router)
api.add_router("/catalog", catalog_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/files", files_router)
api.add_router("/payments", payments_router)
api.add_router("/delivery", delivery_router)
api.add_router("/feedback", feedback_router)
api.add_router("/open-data", open_data_router)
