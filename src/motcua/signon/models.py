"""The national identity an account signed in with (OpenID Connect)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignOnIdentity(models.Model):
    """``user`` signed in through ``issuer`` as ``subject``, whose verified
    personal identification number is ``personal_id``. ``verified_at`` is
    the first verified sign-in: dossiers the account filed from then on are
    identity-verified (see :func:`motcua.signon.selectors.dossier_identity_verified`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signon_identity"
    )
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=300)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, db_index=True)
    verified_at = models.DateTimeField(_("xác thực lần đầu"))
    last_sign_in_at = models.DateTimeField(_("đăng nhập gần nhất"))

    class Meta:
        verbose_name = _("định danh điện tử")
        verbose_name_plural = _("định danh điện tử")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="signon_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.personal_id} ({self.issuer})"
