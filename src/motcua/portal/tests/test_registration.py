import pytest

from motcua.accounts.models import Applicant, User

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "citizen",
    "name": "Nguyễn Thị Hoa",
    "identifier": "086195001122",
    "phone": "0912345678",
    "email": "",
    "password": "Song-Tien-2026",
    "password2": "Song-Tien-2026",
}


def test_citizen_registers_and_is_signed_in(client):
    resp = client.post("/dang-ky/", GOOD)
    assert resp.status_code == 302
    assert resp["Location"] == "/tai-khoan/"
    user = User.objects.get(username="086195001122")
    assert user.check_password("Song-Tien-2026")
    assert user.applicant.personal_id == "086195001122"
    assert user.applicant.kind == "citizen"
    page = client.get("/tai-khoan/").content.decode()
    assert "Nguyễn Thị Hoa" in page


def test_organisation_registers_with_tax_code(client):
    resp = client.post(
        "/dang-ky/",
        {**GOOD, "kind": "organisation", "name": "Công ty TNHH A", "identifier": "1500987650"},
    )
    assert resp.status_code == 302
    assert Applicant.objects.get(tax_code="1500987650").kind == "organisation"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"identifier": "12345"}, "phải gồm đúng 12 chữ số"),
        ({"kind": "organisation", "identifier": "1500987651"}, "sai chữ số kiểm tra"),
        ({"password2": "khac-hoan-toan-99"}, "Hai lần nhập mật khẩu không giống nhau"),
        ({"password": "12345678", "password2": "12345678"}, "password"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_stores_nothing(client, changes, message):
    resp = client.post("/dang-ky/", {**GOOD, **changes})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Có lỗi cần sửa" in body
    if message != "password":
        assert message in body
    assert not User.objects.exists()
    assert not Applicant.objects.exists()


def test_existing_identifier_is_refused(client):
    client.post("/dang-ky/", GOOD)
    client.logout()
    resp = client.post("/dang-ky/", {**GOOD, "name": "Người khác"})
    assert "Số này đã có tài khoản" in resp.content.decode()
    assert User.objects.count() == 1


def test_after_login_sends_staff_to_back_office(client, personas):
    from motcua.testing import PASSWORD

    client.login(username="motcua_a", password=PASSWORD)
    assert client.get("/sau-dang-nhap/")["Location"] == "/can-bo/"
    client.login(username="congdan", password=PASSWORD)
    assert client.get("/sau-dang-nhap/")["Location"] == "/tai-khoan/"
