"""Officers' journeys in a real Chromium on a phone-sized screen, with
axe-core (WCAG 2.1 AA) on every page."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.accounts.models import Applicant
from motcua.core.text import fold
from motcua.documents.tests.factories import handmade_pdf
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import add_components, make_procedure, upload
from motcua.testing import PASSWORD, Personas, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

H = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _fresh_component_cache() -> None:
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()


def login(page: Any, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{next_url}")


def act(page: Any, summary: str) -> Any:
    """Open an action's panel on the dossier page; return its form."""
    page.locator("summary", has_text=summary).click()
    return page.locator("details[open] form")


def status_text(page: Any) -> str:
    return str(page.get_by_role("status").first.inner_text())


def online(p: Personas, **kw: Any) -> tuple[Dossier, Any]:
    procedure = make_procedure(p.place.agency_a, **kw)
    applicant = Applicant.objects.get(user=p.citizen)
    d = services.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, now=timezone.now() - 2 * H
    )
    return d, procedure


def test_counter_intake_then_receipt(page: Any, axe: Any, csp_errors: list[str]) -> None:
    p = make_personas()
    procedure = make_procedure(p.place.agency_a)
    components = add_components(procedure)
    login(page, "motcua_a", "/can-bo/ho-so/")
    assert axe(page) == []
    page.get_by_role("link", name="Tiếp nhận hồ sơ tại quầy").click()
    assert axe(page) == []
    # The picker searches as the officer types, without diacritics, and
    # preselects nothing.
    assert procedure.current_version is not None
    name = procedure.current_version.procedure_version.name
    assert page.locator("select").count() == 0
    page.get_by_label(re.compile("^Tìm thủ tục")).fill(fold(name).split()[-1])
    page.locator("#danh-sach-thu-tuc").get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(r"thu_tuc="))
    assert axe(page) == []
    ident = page.get_by_label("Số định danh cá nhân / mã số thuế")
    check = page.locator("#nn-id-kiem-tra")
    # Checked as typed, beside the field.
    ident.fill("08619000")
    check.get_by_text("phải gồm đúng 12 chữ số").wait_for()
    # The lookup fills in a known applicant.
    ident.fill("086190000123")
    check.get_by_text("Đã có trong hệ thống").wait_for()
    page.get_by_role("button", name="Tìm người nộp").click()
    assert page.get_by_label("Họ và tên / tên tổ chức").input_value() == "Nguyễn Văn An"
    assert axe(page) == []
    ident = page.get_by_label("Số định danh cá nhân / mã số thuế")
    ident.fill("086190000777")
    page.locator("#nn-id-kiem-tra").get_by_text("Hợp lệ. Chưa có trong hệ thống").wait_for()
    page.get_by_label("Họ và tên / tên tổ chức").fill("Phạm Văn Dũng")
    scan = {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": handmade_pdf()}
    page.get_by_label("Tờ khai theo mẫu (bắt buộc)").set_input_files(scan)
    # The applicant wants the result by post; the address typed is not enough.
    page.get_by_label("Hình thức nhận kết quả").select_option(label="Nhận qua dịch vụ bưu chính")
    expect(page.locator("#buu-chinh")).to_contain_text("Cước phí dự kiến: 25.000")
    page.get_by_label("Số điện thoại người nhận").fill("0912345678")
    page.get_by_label("Địa chỉ nhận kết quả").fill("xã A")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    address = page.get_by_label("Địa chỉ nhận kết quả")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#bc-dia-chi-loi")).to_contain_text("chưa đủ để bưu điện giao")
    expect(page.get_by_role("alert")).to_contain_text("nhận kết quả qua bưu chính chưa đúng")
    assert axe(page) == []
    assert not Dossier.objects.filter(applicant__personal_id="086190000777").exists()
    address.fill("Số 7, thôn Bắc, xã A")
    page.get_by_label("Tờ khai theo mẫu (bắt buộc)").set_input_files(scan)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.wait_for_url(re.compile(r"/can-bo/ho-so/[^/]+/#in-phieu$"))
    assert "Đã tiếp nhận hồ sơ" in status_text(page)
    assert axe(page) == []
    d = Dossier.objects.get(applicant__personal_id="086190000777")
    assert d.state == State.PROCESSING and d.channel == "counter"
    assert d.documents.filter(component=components[0]).exists()
    # Filed with the dossier: the result goes by post to that address.
    assert d.result_delivery == "post"
    expect(page.get_by_text("Số 7, thôn Bắc, xã A")).to_be_visible()
    link = page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    assert csp_errors == []  # htmx's live checks run under the Content-Security-Policy


def test_online_dossier_accept_forward_decide_hand_over(page: Any, axe: Any) -> None:
    p = make_personas()
    d, _procedure = online(p)
    url = f"/can-bo/ho-so/{d.code}/"
    login(page, "motcua_a", "/can-bo/ho-so/")
    page.get_by_role("link", name=d.code).click()
    assert axe(page) == []
    act(page, "Tiếp nhận hồ sơ").get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert "Đã thực hiện: Tiếp nhận hồ sơ." in status_text(page)
    assert axe(page) == []
    form = act(page, "Chuyển bước tiếp theo")
    form.get_by_role("button", name="Chuyển bước tiếp theo").click()
    assert "Đã thực hiện: Chuyển bước tiếp theo." in status_text(page)

    login(page, "chuyenvien_a", "/can-bo/ho-so/")
    expect(page.get_by_role("link", name=d.code)).to_be_visible()
    page.get_by_role("link", name=d.code).click()
    form = act(page, "Chuyển bước tiếp theo")
    form.get_by_label("Ghi chú").fill("Hồ sơ đủ điều kiện")
    form.get_by_role("button", name="Chuyển bước tiếp theo").click()
    assert "Đã thực hiện" in status_text(page)

    login(page, "lanhdao_a", url)
    form = act(page, "Ghi nhận kết quả giải quyết")
    assert axe(page) == []
    form.get_by_label("Tệp kết quả đã ký số (PDF)").set_input_files(
        {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": handmade_pdf()}
    )
    form.get_by_label("Tên kết quả").fill("Bản sao trích lục")
    form.get_by_role("button", name="Ghi nhận kết quả giải quyết").click()
    assert "Đã thực hiện" in status_text(page)
    assert Dossier.objects.get(pk=d.pk).state == State.RESULT_READY

    login(page, "motcua_a", url)
    form = act(page, "Trả kết quả")
    form.get_by_label("Người nhận kết quả (tại quầy) hoặc mã vận đơn bưu chính").fill(
        "Nguyễn Văn An"
    )
    form.get_by_role("button", name="Trả kết quả").click()
    assert "Đã thực hiện: Trả kết quả." in status_text(page)
    assert axe(page) == []
    assert Dossier.objects.get(pk=d.pk).state == State.RETURNED
    expect(page.get_by_role("link", name="Bản sao trích lục")).to_be_visible()


def test_supplementation_pauses_the_clock(page: Any, axe: Any) -> None:
    p = make_personas()
    procedure = make_procedure(p.place.agency_a)
    components = add_components(procedure)
    applicant = Applicant.objects.get(user=p.citizen)
    start = timezone.now() - 3 * H
    d = services.dossier_submit(
        actor=p.citizen,
        procedure=procedure,
        applicant=applicant,
        attachments=[Attachment(file=upload(p.citizen), component_id=components[0].pk)],
        now=start,
    )
    d = services.dossier_accept(dossier=d, actor=p.officer, expected_version=1, now=start + H)
    d = services.dossier_forward(dossier=d, actor=p.officer, expected_version=2, now=start + 2 * H)
    url = f"/can-bo/ho-so/{d.code}/"
    login(page, "chuyenvien_a", url)
    before = page.locator("#hen-hien-tai").inner_text()
    form = act(page, "Yêu cầu bổ sung hồ sơ")
    form.get_by_label("Lý do yêu cầu bổ sung").fill("Bản sao giấy tờ bị mờ")
    form.locator("select[name='part-0-component']").select_option(str(components[1].pk))
    form.locator("select[name='part-0-reason']").select_option("illegible")
    form.locator("input[name='part-0-text']").fill("Chụp lại rõ nét")
    assert axe(page) == []
    form.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
    assert "Đã thực hiện: Yêu cầu bổ sung hồ sơ." in status_text(page)
    d = Dossier.objects.get(pk=d.pk)
    assert d.state == State.SUPPLEMENTING
    pdf = page.request.get(f"{url}in/bo-sung/")
    assert pdf.body().startswith(b"%PDF")

    # The applicant supplements a working day later (through the service).
    services.dossier_supplement(
        dossier=d,
        actor=p.citizen,
        expected_version=d.version,
        attachments=[Attachment(file=upload(p.citizen), component_id=components[1].pk)],
        now=timezone.now() + datetime.timedelta(days=1),
    )
    page.goto(url)
    after = page.locator("#hen-hien-tai").inner_text()
    assert after != before
    assert "lùi do tạm dừng" in page.content()
    assert axe(page) == []


def test_refusal(page: Any, axe: Any) -> None:
    p = make_personas()
    d, _procedure = online(p)
    login(page, "motcua_a", f"/can-bo/ho-so/{d.code}/")
    form = act(page, "Từ chối tiếp nhận")
    form.get_by_role("button", name="Từ chối tiếp nhận").click()
    assert "Vui lòng nêu rõ lý do." in page.get_by_role("alert").inner_text()
    assert axe(page) == []
    form = page.locator("details[open] form")
    form.get_by_label("Lý do từ chối (mỗi lý do một dòng)").fill("Không thuộc thẩm quyền")
    form.get_by_role("button", name="Từ chối tiếp nhận").click()
    assert "Đã thực hiện: Từ chối tiếp nhận." in status_text(page)
    assert Dossier.objects.get(pk=d.pk).state == State.REFUSED
    link = page.get_by_role("link", name="Phiếu từ chối tiếp nhận giải quyết hồ sơ (PDF)")
    assert page.request.get(link.get_attribute("href")).body().startswith(b"%PDF")


def test_apology_when_late(page: Any, axe: Any) -> None:
    p = make_personas()
    procedure = make_procedure(p.place.agency_a, days=1)
    applicant = Applicant.objects.get(user=p.citizen)
    start = timezone.now() - 7 * H
    d = services.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, now=start
    )
    d = services.dossier_accept(dossier=d, actor=p.officer, expected_version=1, now=start + H)
    d = services.dossier_forward(dossier=d, actor=p.officer, expected_version=2, now=start + 2 * H)
    assert d.appointment_at is not None and d.appointment_at > timezone.now()
    new = timezone.localtime(d.appointment_at + datetime.timedelta(days=5)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    login(page, "chuyenvien_a", f"/can-bo/ho-so/{d.code}/")
    form = act(page, "Xin lỗi và hẹn lại ngày trả kết quả")
    form.get_by_label("Ngày giờ hẹn mới").fill(new.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Lý do chậm trễ").fill("Cần xác minh với cơ quan khác")
    form.get_by_role("button", name="Xin lỗi và hẹn lại ngày trả kết quả").click()
    assert "Đã thực hiện" in status_text(page)
    assert "Trễ hẹn, đã xin lỗi" in page.content()
    assert page.locator("#hen-hien-tai").inner_text() == new.strftime("%H:%M %d/%m/%Y")
    assert axe(page) == []
    assert Dossier.objects.get(pk=d.pk).appointment_at == new


def test_two_officers_at_once(browser: Any, live_server: Any, axe: Any) -> None:
    p = make_personas()
    d, _procedure = online(p)
    from motcua.accounts.models import Role
    from motcua.testing import make_staff, new_browser_context

    make_staff("motcua_a2", (p.place.agency_a, Role.ONE_STOP_OFFICER))
    pages = []
    for username in ("motcua_a", "motcua_a2"):
        pg = new_browser_context(browser, live_server.url, width=360, height=740).new_page()
        login(pg, username, f"/can-bo/ho-so/{d.code}/")
        pages.append(pg)
    first, second = pages
    act(second, "Từ chối tiếp nhận").get_by_label("Lý do từ chối (mỗi lý do một dòng)").fill(
        "Thiếu giấy tờ"
    )
    act(first, "Tiếp nhận hồ sơ").get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert "Đã thực hiện" in status_text(first)
    second.locator("details[open] form").get_by_role("button", name="Từ chối tiếp nhận").click()
    alert = second.get_by_role("alert").inner_text()
    assert "Hồ sơ vừa được người khác cập nhật" in alert
    assert axe(second) == []
    assert Dossier.objects.get(pk=d.pk).state == State.PROCESSING
    for pg in pages:
        pg.context.close()


def test_leader_at_a_desktop_screen_counts_filters_and_wide_tables(
    desktop_page: Any, axe: Any
) -> None:
    p = make_personas()
    procedure = make_procedure(p.place.agency_a)
    applicant = Applicant.objects.get(user=p.citizen)
    for _ in range(3):
        services.dossier_submit(actor=p.citizen, procedure=procedure, applicant=applicant)
    late = Dossier.objects.order_by("id").first()
    assert late is not None
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - H)
    page = desktop_page
    login(page, "lanhdao_a", "/can-bo/")
    assert axe(page) == []
    page.get_by_role("link", name=re.compile("^1 hồ sơ quá hạn")).click()
    page.wait_for_url(re.compile(r"due=overdue"))
    assert axe(page) == []
    codes = page.locator('td[data-label="Mã hồ sơ"]')
    assert codes.count() == 1 and codes.first.inner_text() == late.code
    # The table uses the screen: the main column is wide and no code wraps.
    width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert width > 1200
    cell = page.evaluate(
        "(() => { const c = document.querySelector('td[data-label=\"Mã hồ sơ\"] a');"
        " const r = c.getClientRects(); return r.length; })()"
    )
    assert cell == 1  # one line box: the code did not wrap
    page.get_by_label("Trạng thái").select_option("submitted")
    page.get_by_role("button", name="Lọc").click()
    assert page.locator('td[data-label="Mã hồ sơ"]').count() == 1
    page.get_by_role("link", name="Bỏ lọc").click()
    assert page.locator('td[data-label="Mã hồ sơ"]').count() == 3
    assert axe(page) == []
