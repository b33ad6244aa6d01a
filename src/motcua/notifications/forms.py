from __future__ import annotations

from django import forms

CONTACT_KINDS = [("phone", "Số điện thoại"), ("email", "Thư điện tử")]


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label="Thư điện tử", required=False)
    sms = forms.BooleanField(label="Tin nhắn SMS", required=False)
    zalo = forms.BooleanField(label="Zalo (tin nhắn mẫu gửi tới số điện thoại)", required=False)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại địa chỉ", choices=CONTACT_KINDS, widget=forms.RadioSelect, initial="phone"
    )
    value = forms.CharField(
        label="Số điện thoại hoặc địa chỉ thư điện tử",
        max_length=254,
        help_text="Chúng tôi gửi một mã gồm 6 chữ số tới địa chỉ này để xác nhận.",
    )


class VerifyForm(forms.Form):
    contact = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    code = forms.CharField(label="Mã xác nhận", max_length=6, min_length=6)
