from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from motcua.accounts.models import ApplicantKind, User
from motcua.accounts.validators import validate_personal_id, validate_tax_code
from motcua.units.models import AdministrativeUnit

LOGIN_KEY_RULES = (
    "Mật khẩu có ít nhất 8 ký tự, không chỉ gồm chữ số, "
    "không quá giống họ tên hay số giấy tờ, và không phải mật khẩu phổ biến."
)


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label="Bạn đăng ký với tư cách",
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Họ và tên (hoặc tên tổ chức)", max_length=200)
    identifier = forms.CharField(
        label="Số định danh cá nhân (12 số) hoặc mã số thuế",
        max_length=14,
        help_text="Số định danh cá nhân in trên thẻ căn cước. Tổ chức nhập mã số thuế.",
    )
    phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử (không bắt buộc)", required=False)
    password = forms.CharField(
        label="Mật khẩu", widget=forms.PasswordInput, help_text=LOGIN_KEY_RULES, strip=False
    )
    password2 = forms.CharField(label="Nhập lại mật khẩu", widget=forms.PasswordInput, strip=False)

    def clean_identifier(self) -> str:
        value: str = self.cleaned_data["identifier"].strip().replace(" ", "")
        validator = (
            validate_tax_code
            if self.data.get("kind") == ApplicantKind.ORGANISATION
            else validate_personal_id
        )
        validator(value)
        if User.objects.filter(username=value).exists():
            raise ValidationError(
                "Số này đã có tài khoản. Hãy đăng nhập, hoặc liên hệ bộ phận một cửa nếu "
                "bạn không đăng ký."
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, password2 = data.get("password"), data.get("password2")
        if password and password2 and password != password2:
            self.add_error("password2", "Hai lần nhập mật khẩu không giống nhau.")
        elif password:
            probe = User(username=data.get("identifier", ""), full_name=data.get("name", ""))
            try:
                validate_password(password, user=probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class LoginForm(AuthenticationForm):
    """Sign-in with the personal ID, tax code or user name (the backend
    accepts each); messages in plain Vietnamese."""

    error_messages = {
        "invalid_login": (
            "Số định danh, tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu "
            "phân biệt chữ hoa, chữ thường."
        ),
        "inactive": "Tài khoản này đang bị khóa. Hãy liên hệ bộ phận một cửa.",
    }


class ContactForm(forms.Form):
    """The applicant's contact details, prefilled into their e-forms. The
    commune is typed by name (or chosen with the picker, which puts its
    code) and resolved to one current commune."""

    phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        help_text="Dùng để nhận thông báo và lấy lại mật khẩu khi quên.",
    )
    address = forms.CharField(label="Số nhà, đường, thôn, ấp", max_length=300, required=False)
    commune = forms.CharField(
        label="Xã, phường, đặc khu",
        max_length=120,
        required=False,
        help_text=(
            "Gõ tên xã, phường (có dấu hoặc không; tên trước năm 2025 cũng được) "
            "rồi chọn trong danh sách, hoặc gõ mã 5 chữ số."
        ),
    )

    def __init__(self, *args: Any, picker_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if picker_url:
            self.fields["commune"].widget.attrs.update(
                {
                    "autocomplete": "off",
                    "data-commune-input": "",
                    "hx-get": picker_url,
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#id_commune-options",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )

    def clean_commune(self) -> AdministrativeUnit | None:
        from motcua.units.selectors import commune_choices, commune_get

        text: str = self.cleaned_data["commune"].strip()
        if not text:
            return None
        if text.isdigit():
            unit = commune_get(code=text)
            if unit is None:
                raise ValidationError(f"Mã xã, phường “{text}” không tồn tại.")
            return unit
        found = commune_choices(query=text, limit=2)
        if len(found) != 1:
            raise ValidationError(
                f"Không tìm được đúng một xã, phường tên “{text}”. Hãy gõ rõ hơn "
                "và chọn trong danh sách."
            )
        return found[0].unit


class RecoveryForm(PasswordResetForm):
    """Password recovery: the address given at registration."""

    email = forms.EmailField(
        label="Thư điện tử đã khai khi đăng ký",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
