from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from motcua.payments.fees import Rule, fee_quote_compute
from motcua.payments.tests.conftest import FEES


def test_channel_and_unset_amounts() -> None:
    online = fee_quote_compute(fees=FEES, channel="online", form_data={})
    assert [line.name for line in online.lines] == ["Lệ phí cấp bản sao"]
    assert online.total_vnd == 20000
    counter = fee_quote_compute(fees=FEES, channel="counter", form_data={})
    assert counter.total_vnd == 25000


def test_exemption_reduction_and_online_discount() -> None:
    rules = [
        Rule(label="Người có công", kind="exempt", percent=100, field="doi_tuong", value="nco"),
        Rule(label="Hộ nghèo", kind="reduce", percent=50, field="ho_ngheo", value="co"),
    ]
    exempt = fee_quote_compute(
        fees=FEES, channel="online", form_data={"doi_tuong": "nco"}, rules=rules
    )
    assert exempt.total_vnd == 0 and exempt.lines[0].notes == ("Miễn: Người có công",)
    reduced = fee_quote_compute(
        fees=FEES,
        channel="online",
        form_data={"ho_ngheo": "co"},
        rules=rules,
        online_discount_percent=10,
    )
    # 20 000 less 50 % = 10 000, less 10 % online = 9 000.
    assert reduced.total_vnd == 9000
    assert len(reduced.lines[0].notes) == 2
    plain = fee_quote_compute(
        fees=FEES, channel="counter", form_data={}, online_discount_percent=10
    )
    assert plain.total_vnd == 25000  # no online discount at the counter


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=5),
    reduce=st.integers(min_value=0, max_value=100),
    discount=st.integers(min_value=0, max_value=100),
)
def test_never_negative_never_above_base(amounts: list[int], reduce: int, discount: int) -> None:
    fees = [{"name": f"Phí {i}", "amount_vnd": a} for i, a in enumerate(amounts)]
    rules = [Rule(label="Giảm", kind="reduce", percent=reduce, field="x", value="1")]
    quote = fee_quote_compute(
        fees=fees,
        channel="online",
        form_data={"x": "1"},
        rules=rules,
        online_discount_percent=discount,
    )
    assert 0 <= quote.total_vnd <= sum(amounts)
    for line in quote.lines:
        assert 0 <= line.amount_vnd <= line.base_vnd
