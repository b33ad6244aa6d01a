"""The accountability tables as one registry: each report's Vietnamese title,
its columns, one page of rows for the screen and every row for the exports,
both from the selectors. The page and the files show the same rows, in the
same order, from the same function."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from motcua.accountability import selectors, statistics
from motcua.accountability.exports import Cell
from motcua.accountability.periods import Period
from motcua.accountability.selectors import Scope
from motcua.accounts.models import Role
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import QUEUE_STATES, State

#: Column kinds: how the page shows a cell (the files keep the raw value).
TEXT, DOSSIER, NUMBER, MOMENT, PERCENT = "text", "dossier", "number", "moment", "percent"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Context:
    scope: Scope
    period: Period
    now: datetime.datetime
    after: str = ""
    page_size: int = 50
    more_than: int = 2  # bounced: more than this many bounces
    at_least: int = 2  # repeated requests: at least this many


@dataclass
class Result:
    rows: list[Sequence[Cell]]
    next: str = ""
    total_row: Sequence[Cell] | None = None


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    intro: str
    columns: tuple[Column, ...]
    #: Every row, in order (the page is a keyset slice of the same rows,
    #: unless ``page`` reads one slice from the database itself).
    rows: Callable[[Context], Iterable[Sequence[Cell]]]
    count: Callable[[Context], int] | None = None
    page: Callable[[Context], Result] | None = None
    total_row: Callable[[Context], Sequence[Cell]] | None = None
    uses_period: bool = True
    filters: tuple[str, ...] = field(default=())


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def _step_names(dossier_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(dossier id, step key) → the step's name in the dossier's pinned
    workflow."""
    pairs = list(
        Dossier.objects.filter(id__in=list(dossier_ids)).values_list(
            "id", "configured_procedure_version_id"
        )
    )
    by_version = selectors.step_names({p[1] for p in pairs})
    out: dict[tuple[int, str], str] = {}
    for dossier_id, version in pairs:
        for (v, key), name in by_version.items():
            if v == version:
                out[(dossier_id, key)] = name
    return out


def _keyset(rows: list[Sequence[Cell]], ctx: Context) -> Result:
    """A page of an ordered list by position: the cursor is the number of
    rows already shown (the lists are computed for the period; their order
    is total, so the next page continues exactly where this one ended)."""
    try:
        start = max(0, int(ctx.after or 0))
    except ValueError:
        start = 0
    page = rows[start : start + ctx.page_size]
    more = start + ctx.page_size < len(rows)
    return Result(rows=page, next=str(start + ctx.page_size) if more else "")


# ------------------------------------------------------------------ rows


def _held_rows(ctx: Context, held: list[selectors.HeldRow]) -> list[Sequence[Cell]]:
    names = _step_names(h.dossier_id for h in held)
    return [
        (
            h.code,
            h.procedure,
            h.agency,
            role_label(h.role),
            h.holder,
            state_label(h.state),
            names.get((h.dossier_id, h.step), h.step) if h.step else "—",
            h.started_at,
            h.due_at,
            h.age_hours,
            h.budget_hours,
            h.over_hours,
        )
        for h in held
    ]


def _held_page(ctx: Context) -> Result:
    held, cursor = selectors.held_now(
        agency_ids=ctx.scope.agency_ids, now=ctx.now, after=ctx.after, limit=ctx.page_size
    )
    return Result(rows=_held_rows(ctx, held), next=cursor)


def _held_all(ctx: Context) -> Iterator[Sequence[Cell]]:
    after = ""
    while True:
        held, after = selectors.held_now(
            agency_ids=ctx.scope.agency_ids, now=ctx.now, after=after, limit=2000
        )
        yield from _held_rows(ctx, held)
        if not after:
            return


def _held_count(ctx: Context) -> int:
    return Dossier.objects.filter(
        state__in=sorted(QUEUE_STATES), holder_agency_id__in=ctx.scope.agency_ids
    ).count()


def _holders(ctx: Context) -> list[Sequence[Cell]]:
    return [
        (r.agency, role_label(r.role), r.holder, r.held, r.near_due, r.overdue)
        for r in selectors.held_by_holder(agency_ids=ctx.scope.agency_ids, now=ctx.now)
    ]


def _hold_times(ctx: Context) -> list[Sequence[Cell]]:
    return [
        (
            r.procedure_code,
            r.procedure,
            r.agency,
            r.step,
            r.runs,
            r.median_hours,
            r.p90_hours,
            r.late_runs,
        )
        for r in selectors.hold_times(agency_ids=ctx.scope.agency_ids, period=ctx.period)
    ]


def _bounced(ctx: Context) -> list[Sequence[Cell]]:
    return [
        (r.code, r.procedure, r.agency, r.send_backs, r.unit_moves, r.bounces)
        for r in selectors.bounced(
            agency_ids=ctx.scope.agency_ids, period=ctx.period, more_than=ctx.more_than
        )
    ]


def _repeated(ctx: Context) -> list[Sequence[Cell]]:
    return [
        (r.code, r.procedure, r.agency, r.requests, r.first_at, r.last_at)
        for r in selectors.repeated_requests(
            agency_ids=ctx.scope.agency_ids, period=ctx.period, at_least=ctx.at_least
        )
    ]


def _officers(ctx: Context) -> list[Sequence[Cell]]:
    return [
        (
            r.agency,
            role_label(r.role),
            r.officer,
            r.dossiers,
            r.refusals,
            r.refusal_rate,
            r.peer_refusal_rate,
            r.requests,
            r.request_rate,
            r.peer_request_rate,
            r.peers,
        )
        for r in selectors.officer_rates(agency_ids=ctx.scope.agency_ids, period=ctx.period)
    ]


def _late_receptions(ctx: Context) -> list[Sequence[Cell]]:
    return [
        (r.code, r.procedure, r.agency, r.officer, r.submitted_at, r.accepted_at)
        for r in selectors.late_receptions(agency_ids=ctx.scope.agency_ids, period=ctx.period)
    ]


def _apologies(ctx: Context) -> list[Sequence[Cell]]:
    return [
        (r.code, r.procedure, r.agency, r.officer, r.at, r.previous, r.new, r.reason)
        for r in selectors.apologies(agency_ids=ctx.scope.agency_ids, period=ctx.period)
    ]


def _stat_cells(r: statistics.StatRow) -> Sequence[Cell]:
    return (
        r.procedure_code,
        r.procedure,
        r.agency,
        r.carried_over,
        r.received,
        r.to_handle,
        r.early,
        r.on_time,
        r.late,
        r.withdrawn_or_stopped,
        r.open_within_time,
        r.open_overdue,
        r.on_time_rate,
    )


def _statistics(ctx: Context) -> list[Sequence[Cell]]:
    rows, _total = statistics.periodic_statistics(
        agency_ids=ctx.scope.agency_ids, period=ctx.period
    )
    return [_stat_cells(r) for r in rows]


def _statistics_total(ctx: Context) -> Sequence[Cell]:
    _rows, total = statistics.periodic_statistics(
        agency_ids=ctx.scope.agency_ids, period=ctx.period
    )
    cells = list(_stat_cells(total))
    cells[0], cells[1], cells[2] = "", str(_("Tổng cộng")), ""
    return cells


def _book_cells(n: int, r: statistics.BookRow) -> Sequence[Cell]:
    return (
        n,
        r.code,
        r.procedure,
        1,
        r.applicant,
        ", ".join(p for p in (r.address, r.phone) if p),
        r.processing_agency,
        r.submitted_at,
        r.appointment_at,
        r.transferred_at,
        r.result_at,
        r.returned_at,
        state_label(r.state),
    )


def _book_page(ctx: Context) -> Result:
    after, _sep, shown = (ctx.after or "0.0").partition(".")
    try:
        after_id, before = int(after), int(shown or 0)
    except ValueError:
        after_id, before = 0, 0
    rows, cursor = statistics.tracking_book(
        agency_ids=ctx.scope.agency_ids, period=ctx.period, after=after_id, limit=ctx.page_size
    )
    cells = [_book_cells(before + i, r) for i, r in enumerate(rows, start=1)]
    return Result(rows=cells, next=f"{cursor}.{before + len(rows)}" if cursor else "")


def _book_all(ctx: Context) -> Iterator[Sequence[Cell]]:
    rows = statistics.tracking_book_all(agency_ids=ctx.scope.agency_ids, period=ctx.period)
    for n, r in enumerate(rows, start=1):
        yield _book_cells(n, r)


def _book_count(ctx: Context) -> int:
    return statistics.tracking_book_count(agency_ids=ctx.scope.agency_ids, period=ctx.period)


# ---------------------------------------------------------- tracking book

#: The columns of the tracking book (sổ theo dõi hồ sơ, form 07 of Circular
#: 03/2025/TT-VPCP), in the form's order. Their official wording is not in
#: our sources: every label is a reading ("cách hiểu") of the predecessor,
#: form 06 of Circular 01/2018/TT-VPCP (decision 0042). The five date columns
#: sit under the form's "Ngày, tháng, năm" heading; the printable form
#: (``documents/forms/tracking_book.html``) uses the same labels.
TRACKING_BOOK_COLUMNS: tuple[Column, ...] = (
    Column(str(_("STT")), NUMBER),
    Column(str(_("Mã hồ sơ")), DOSSIER),
    Column(str(_("Tên thủ tục hành chính"))),
    Column(str(_("Số lượng hồ sơ (bộ)")), NUMBER),
    Column(str(_("Tên cá nhân, tổ chức"))),
    Column(str(_("Địa chỉ, số điện thoại"))),
    Column(str(_("Cơ quan chủ trì giải quyết"))),
    Column(str(_("Nhận hồ sơ")), MOMENT),
    Column(str(_("Hẹn trả kết quả")), MOMENT),
    Column(str(_("Chuyển hồ sơ đến cơ quan giải quyết")), MOMENT),
    Column(str(_("Nhận kết quả từ cơ quan giải quyết")), MOMENT),
    Column(str(_("Trả kết quả cho cá nhân, tổ chức")), MOMENT),
    Column(str(_("Ghi chú"))),
)
#: Which of :data:`TRACKING_BOOK_COLUMNS` sit under "Ngày, tháng, năm".
TRACKING_BOOK_DATES = slice(7, 12)

# -------------------------------------------------------------- registry

_C = Column
REPORTS: dict[str, Report] = {
    r.slug: r
    for r in (
        Report(
            slug="dang-giu",
            title=str(_("Hồ sơ đang giữ")),
            intro=str(
                _(
                    "Hồ sơ mỗi đơn vị, mỗi người đang giữ lúc này, thời gian đã giữ so với "
                    "thời hạn của bước; hồ sơ quá hạn lâu nhất ở đầu danh sách."
                )
            ),
            columns=(
                _C(str(_("Mã hồ sơ")), DOSSIER),
                _C(str(_("Thủ tục"))),
                _C(str(_("Đơn vị đang giữ"))),
                _C(str(_("Vai trò"))),
                _C(str(_("Người giữ"))),
                _C(str(_("Trạng thái"))),
                _C(str(_("Bước"))),
                _C(str(_("Bắt đầu bước")), MOMENT),
                _C(str(_("Hạn của bước")), MOMENT),
                _C(str(_("Đã giữ (giờ)")), NUMBER),
                _C(str(_("Thời hạn bước (giờ)")), NUMBER),
                _C(str(_("Quá hạn (giờ)")), NUMBER),
            ),
            rows=_held_all,
            count=_held_count,
            page=_held_page,
            uses_period=False,
        ),
        Report(
            slug="nguoi-giu",
            title=str(_("Số hồ sơ theo người giữ")),
            intro=str(
                _(
                    "Mỗi người (hoặc vai trò chưa giao người cụ thể) đang giữ bao nhiêu hồ sơ, "
                    "bao nhiêu sắp đến hạn trong 24 giờ và bao nhiêu đã quá hạn."
                )
            ),
            columns=(
                _C(str(_("Đơn vị"))),
                _C(str(_("Vai trò"))),
                _C(str(_("Người giữ"))),
                _C(str(_("Đang giữ")), NUMBER),
                _C(str(_("Sắp đến hạn (24 giờ)")), NUMBER),
                _C(str(_("Quá hạn")), NUMBER),
            ),
            rows=_holders,
            uses_period=False,
        ),
        Report(
            slug="thoi-gian-giu",
            title=str(_("Thời gian giữ hồ sơ theo bước")),
            intro=str(
                _(
                    "Giờ làm việc mỗi bước đã dùng (không tính thời gian tạm dừng), trung vị và "
                    "phân vị 90, theo thủ tục, đơn vị và bước, cho các lượt kết thúc trong kỳ."
                )
            ),
            columns=(
                _C(str(_("Mã thủ tục"))),
                _C(str(_("Thủ tục"))),
                _C(str(_("Đơn vị"))),
                _C(str(_("Bước"))),
                _C(str(_("Số lượt")), NUMBER),
                _C(str(_("Trung vị (giờ làm việc)")), NUMBER),
                _C(str(_("Phân vị 90 (giờ làm việc)")), NUMBER),
                _C(str(_("Số lượt quá hạn bước")), NUMBER),
            ),
            rows=_hold_times,
        ),
        Report(
            slug="chuyen-qua-lai",
            title=str(_("Hồ sơ bị trả lại, chuyển qua lại")),
            intro=str(
                _(
                    "Hồ sơ nộp trong kỳ bị trả lại bước trước hoặc chuyển từ đơn vị này sang "
                    "đơn vị khác nhiều hơn số lần đã chọn."
                )
            ),
            columns=(
                _C(str(_("Mã hồ sơ")), DOSSIER),
                _C(str(_("Thủ tục"))),
                _C(str(_("Đơn vị xử lý"))),
                _C(str(_("Số lần trả lại")), NUMBER),
                _C(str(_("Số lần chuyển đơn vị")), NUMBER),
                _C(str(_("Tổng số lần")), NUMBER),
            ),
            rows=_bounced,
            filters=("more_than",),
        ),
        Report(
            slug="yeu-cau-bo-sung",
            title=str(_("Hồ sơ bị yêu cầu bổ sung nhiều lần")),
            intro=str(
                _(
                    "Quy định chỉ cho yêu cầu bổ sung, hoàn thiện hồ sơ một lần: đây là các hồ sơ "
                    "bị yêu cầu từ số lần đã chọn trở lên trong kỳ."
                )
            ),
            columns=(
                _C(str(_("Mã hồ sơ")), DOSSIER),
                _C(str(_("Thủ tục"))),
                _C(str(_("Đơn vị xử lý"))),
                _C(str(_("Số lần yêu cầu")), NUMBER),
                _C(str(_("Lần đầu")), MOMENT),
                _C(str(_("Lần cuối")), MOMENT),
            ),
            rows=_repeated,
            filters=("at_least",),
        ),
        Report(
            slug="ty-le-can-bo",
            title=str(_("Tỷ lệ từ chối, yêu cầu bổ sung của cán bộ")),
            intro=str(
                _(
                    "Với mỗi cán bộ: số hồ sơ đã thao tác trong kỳ, tỷ lệ từ chối và tỷ lệ yêu cầu "
                    "bổ sung, đặt cạnh tỷ lệ chung của những người cùng vai trò trong đơn vị."
                )
            ),
            columns=(
                _C(str(_("Đơn vị"))),
                _C(str(_("Vai trò"))),
                _C(str(_("Cán bộ"))),
                _C(str(_("Số hồ sơ đã thao tác")), NUMBER),
                _C(str(_("Số lần từ chối")), NUMBER),
                _C(str(_("Tỷ lệ từ chối (%)")), PERCENT),
                _C(str(_("Tỷ lệ từ chối của người cùng vai trò (%)")), PERCENT),
                _C(str(_("Số lần yêu cầu bổ sung")), NUMBER),
                _C(str(_("Tỷ lệ yêu cầu bổ sung (%)")), PERCENT),
                _C(str(_("Tỷ lệ yêu cầu bổ sung của người cùng vai trò (%)")), PERCENT),
                _C(str(_("Số người cùng vai trò")), NUMBER),
            ),
            rows=_officers,
        ),
        Report(
            slug="tiep-nhan-muon",
            title=str(_("Hồ sơ tiếp nhận muộn")),
            intro=str(
                _(
                    "Hồ sơ trực tuyến được tiếp nhận trong kỳ sau thời hạn tiếp nhận "
                    "(mặc định 8 giờ làm việc)."
                )
            ),
            columns=(
                _C(str(_("Mã hồ sơ")), DOSSIER),
                _C(str(_("Thủ tục"))),
                _C(str(_("Đơn vị tiếp nhận"))),
                _C(str(_("Cán bộ tiếp nhận"))),
                _C(str(_("Thời điểm nộp")), MOMENT),
                _C(str(_("Thời điểm tiếp nhận")), MOMENT),
            ),
            rows=_late_receptions,
        ),
        Report(
            slug="xin-loi",
            title=str(_("Văn bản xin lỗi, hẹn lại ngày trả kết quả")),
            intro=str(
                _(
                    "Các lần đổi ngày hẹn vì giải quyết quá hạn (văn bản xin lỗi) trong kỳ, "
                    "với ngày hẹn cũ, ngày hẹn mới và lý do."
                )
            ),
            columns=(
                _C(str(_("Mã hồ sơ")), DOSSIER),
                _C(str(_("Thủ tục"))),
                _C(str(_("Đơn vị xử lý"))),
                _C(str(_("Người thực hiện"))),
                _C(str(_("Thời điểm")), MOMENT),
                _C(str(_("Ngày hẹn cũ")), MOMENT),
                _C(str(_("Ngày hẹn mới")), MOMENT),
                _C(str(_("Lý do"))),
            ),
            rows=_apologies,
        ),
        Report(
            slug="so-theo-doi",
            title=str(_("Sổ theo dõi hồ sơ (Mẫu số 07)")),
            intro=str(
                _(
                    "Sổ theo dõi hồ sơ theo Mẫu số 07 Thông tư 03/2025/TT-VPCP: các hồ sơ đơn vị "
                    "tiếp nhận trong kỳ, theo thứ tự nhận. Tên và thứ tự các cột là cách hiểu "
                    "theo mẫu sổ trước đó (Mẫu số 06 Thông tư 01/2018/TT-VPCP); chưa đối chiếu "
                    "với bản chính thức của Thông tư 03/2025. Năm cột ngày, tháng, năm: nhận hồ "
                    "sơ, hẹn trả kết quả, chuyển hồ sơ, nhận kết quả, trả kết quả."
                )
            ),
            columns=TRACKING_BOOK_COLUMNS,
            rows=_book_all,
            count=_book_count,
            page=_book_page,
        ),
        Report(
            slug="thong-ke",
            title=str(_("Báo cáo thống kê kết quả giải quyết hồ sơ")),
            intro=str(
                _(
                    "Theo thủ tục và đơn vị xử lý: hồ sơ kỳ trước chuyển sang, tiếp nhận trong kỳ, "
                    "đã giải quyết (trước hạn, đúng hạn, quá hạn so với ngày hẹn đầu tiên), rút "
                    "hoặc dừng, và đang giải quyết cuối kỳ (trong hạn, quá hạn)."
                )
            ),
            columns=(
                _C(str(_("Mã thủ tục"))),
                _C(str(_("Thủ tục"))),
                _C(str(_("Đơn vị xử lý"))),
                _C(str(_("Kỳ trước chuyển sang")), NUMBER),
                _C(str(_("Tiếp nhận trong kỳ")), NUMBER),
                _C(str(_("Tổng số phải giải quyết")), NUMBER),
                _C(str(_("Giải quyết trước hạn")), NUMBER),
                _C(str(_("Giải quyết đúng hạn")), NUMBER),
                _C(str(_("Giải quyết quá hạn")), NUMBER),
                _C(str(_("Rút hồ sơ, dừng giải quyết")), NUMBER),
                _C(str(_("Đang giải quyết trong hạn")), NUMBER),
                _C(str(_("Đang giải quyết quá hạn")), NUMBER),
                _C(str(_("Tỷ lệ đúng hạn (%)")), PERCENT),
            ),
            rows=_statistics,
            total_row=_statistics_total,
        ),
    )
}


def report_page(report: Report, ctx: Context) -> Result:
    """One page of ``report`` for the screen."""
    result = report.page(ctx) if report.page is not None else _keyset(list(report.rows(ctx)), ctx)
    if report.total_row is not None and not result.next:
        result.total_row = report.total_row(ctx)
    return result


def report_count(report: Report, ctx: Context) -> tuple[int, Iterable[Sequence[Cell]]]:
    """How many rows an export would write, and the rows (computed once)."""
    if report.count is not None:
        return report.count(ctx), report.rows(ctx)
    rows = list(report.rows(ctx))
    if report.total_row is not None:
        rows.append(report.total_row(ctx))
    return len(rows), rows
