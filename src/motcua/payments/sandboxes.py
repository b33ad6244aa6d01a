"""Build a payment-gateway sandbox with the site's own partner codes and
secrets (the command, ``make run``, the tests and the benchmark use it)."""

from __future__ import annotations

from django.conf import settings

from motcua.integrations import payment_sandbox as base


def sandbox_build(*, which: str, host: str, port: int, site: str) -> base.RunningSandbox:
    if which == "national":
        from motcua.integrations.national_pay.sandbox import build as build_national

        return build_national(
            host=host,
            port=port,
            partner=settings.MOTCUA_PAY_NATIONAL_PARTNER,
            secret=settings.MOTCUA_PAY_NATIONAL_SECRET,
        )
    from motcua.integrations.vnpay.sandbox import build as build_vnpay

    return build_vnpay(
        host=host,
        port=port,
        tmn_code=settings.MOTCUA_PAY_VNPAY_TMN_CODE,
        secret=settings.MOTCUA_PAY_VNPAY_SECRET,
        ipn_url=f"{site.rstrip('/')}/thanh-toan/thong-bao/vnpay/",
    )
