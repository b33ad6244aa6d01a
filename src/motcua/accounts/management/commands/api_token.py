"""Operators' API tokens: ``motcua api_token issue|list|revoke``.

    motcua api_token issue --user tichhop --name "Cổng tỉnh" --scopes read,submit --days 90
    motcua api_token list [--user tichhop] [--all]
    motcua api_token revoke 12

``issue`` prints the secret once (only its SHA-256 is stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.accounts.models import ApiScope, ApiToken, User
from motcua.accounts.services import api_token_issue, api_token_revoke
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = "Cấp, liệt kê, thu hồi mã truy cập API (phạm vi: read, act, submit)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        issue = sub.add_parser("issue", help="Cấp mã mới (in mã bí mật một lần).")
        issue.add_argument("--user", required=True, help="Tên đăng nhập của tài khoản.")
        issue.add_argument("--name", required=True, help="Tên gợi nhớ của mã.")
        issue.add_argument(
            "--scopes",
            default=",".join(ApiScope.values),
            help="Phạm vi, cách nhau bởi dấu phẩy: read, act, submit (mặc định: cả ba).",
        )
        issue.add_argument(
            "--days",
            type=int,
            default=None,
            help="Số ngày hiệu lực (mặc định MOTCUA_API_TOKEN_DAYS; 0: không hết hạn).",
        )
        listing = sub.add_parser("list", help="Liệt kê các mã.")
        listing.add_argument("--user", default="", help="Chỉ mã của tài khoản này.")
        listing.add_argument("--all", action="store_true", help="Cả mã đã thu hồi.")
        revoke = sub.add_parser("revoke", help="Thu hồi một mã theo số thứ tự (cột id).")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        try:
            if verb == "issue":
                self._issue(options)
            elif verb == "list":
                self._list(options)
            else:
                self._revoke(options)
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from None

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        return user

    def _issue(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        scopes = [s.strip() for s in str(options["scopes"]).split(",") if s.strip()]
        token, raw = api_token_issue(
            user=user, name=options["name"], scopes=scopes, days=options["days"]
        )
        expiry = timezone.localtime(token.expires_at).isoformat() if token.expires_at else "không"
        self.stdout.write(f"id={token.pk} phạm vi={','.join(token.scopes)} hết hạn={expiry}")
        self.stdout.write("Mã bí mật (chỉ hiện một lần, hãy lưu lại ngay):")
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        qs = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if options["user"]:
            qs = qs.filter(user=self._user(options["user"]))
        if not options["all"]:
            qs = qs.filter(revoked_at__isnull=True)
        now = timezone.now()
        for t in qs:
            if t.revoked_at is not None:
                status = "đã thu hồi"
            elif t.expires_at is not None and t.expires_at <= now:
                status = "hết hạn"
            else:
                status = "còn hiệu lực"
            expiry = timezone.localtime(t.expires_at).date().isoformat() if t.expires_at else "-"
            self.stdout.write(
                f"{t.pk}\t{t.user.username}\t{t.prefix}…\t{t.name}\t"
                f"{','.join(t.scopes)}\t{expiry}\t{status}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"Không có mã truy cập id={options['id']}.")
        # The operator acts as the token's owner (the command is trusted).
        api_token_revoke(actor=token.user, token=token)
        self.stdout.write(f"Đã thu hồi mã {token.prefix}… ({token.name}).")
