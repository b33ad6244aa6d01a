"""Timings of the documents app: rendering a form to PDF and checking
uploads. Standalone: ``python bench/bench_documents.py [--runs N]``.

Prints, for example::

    render form 01: 95 ms (median of 15)
    check 2 MB JPEG: 40 ms (median of 15)
    check 5 MB PDF: 12 ms (median of 15)
"""

from __future__ import annotations

import argparse
import base64
import datetime
import functools
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()

import weasyprint  # type: ignore[import-untyped]  # noqa: E402
from PIL import Image  # noqa: E402

from motcua.documents.checks import check_upload  # noqa: E402
from motcua.documents.pdf import ControlStep, FormContext, render_form_pdf  # noqa: E402


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: fonts, templates, caches
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def noisy_jpeg(target: int, *, seed: int = 0) -> bytes:
    """A photo-like JPEG of at least ``target`` bytes (noise compresses badly)."""
    side = 512
    while True:
        image = Image.effect_noise((side, side), 60 + seed).convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=92)
        if out.tell() >= target:
            return out.getvalue()
        side = int(side * 1.05)


def scanned_pdf(target: int) -> bytes:
    """A PDF of at least ``target`` bytes made of scanned-page-like JPEGs."""
    uris = [
        "data:image/jpeg;base64," + base64.b64encode(noisy_jpeg(target // 4, seed=i)).decode()
        for i in range(4)
    ]
    pages = "".join(f'<img src="{uri}" style="width:100%;page-break-after:always">' for uri in uris)
    html = f"<html><body style='margin:0'>{pages}</body></html>"
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    now = datetime.datetime.now(datetime.UTC)
    context = FormContext(
        dossier_code="000.00.01.H62-261126-0001",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Nguyễn Thị Ánh Tuyết",
        applicant_address="Ấp Phú Hòa, xã Đông Hòa, tỉnh Vĩnh Long",
        parent_agency="UBND tỉnh Vĩnh Long",
        receiving_unit="Trung tâm Phục vụ hành chính công",
        processing_unit="Sở Tư pháp",
        received_at=now,
        appointment=now + datetime.timedelta(days=5),
        submitted_documents=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        steps=[ControlStep(name="Tiếp nhận hồ sơ", unit="Bộ phận Một cửa", due=now)],
        officer_name="Trần Thu Hà",
        tracking_url="https://dichvucong.vinhlong.gov.vn/tra-cuu/000.00.01.H62-261126-0001",
    )
    for form_no in ("01", "06"):
        ms = median_ms(
            functools.partial(render_form_pdf, form_set="2025", form_no=form_no, context=context),
            runs,
        )
        print(f"render form {form_no}: {ms:.0f} ms (median of {runs})")

    jpeg = noisy_jpeg(2 * 1024 * 1024)
    ms = median_ms(lambda: check_upload(content=jpeg, name="anh.jpg"), runs)
    print(f"check 2 MB JPEG: {ms:.0f} ms (median of {runs}; {len(jpeg) / 1e6:.1f} MB)")

    pdf = scanned_pdf(5 * 1024 * 1024)
    ms = median_ms(lambda: check_upload(content=pdf, name="hoso.pdf"), runs)
    print(f"check 5 MB PDF: {ms:.0f} ms (median of {runs}; {len(pdf) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
