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
        openapi.document_problems(schema)
        return schema


api = MotcuaAPI(
    title="Một Cửa API",
    version=__version__,
    description="API của hệ thống một cửa điện tử: đơn vị, lịch làm việc, thủ tục, hồ sơ.",
    urls_namespace="api-v1",
    parser=CheckedParser(),
)
failures.install(api)
errors.install(api)

from motcua.accounts.api import router as accounts_router  # noqa: E402
from motcua.calendar.api import router as calendar_router  # noqa: E402
from motcua.catalog.api import router as catalog_router  # noqa: E402
from motcua.documents.api import router as files_router  # noqa: E402
from motcua.dossiers.api import router as dossiers_router  # noqa: E402
from motcua.units.api import router as units_router  # noqa: E402

api.add_router("/accounts", accounts_router)
api.add_router("/units", units_router)
api.add_router("/calendar", calendar_router)
api.add_router("/catalog", catalog_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/files", files_router)
