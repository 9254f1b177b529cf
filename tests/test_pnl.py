"""Human-layer P&L (driftlab.pnl): a position through trades, settlement against the P&L pool, expiry and
prediction markets; hand values, the program's numbers, agreement with the exact layer within its rounding
(tolerances derived per test), and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.pnl as pnl

Q = ex.QUOTE_PRECISION
R = ex.AMM_RESERVE_PRECISION
SBP = ex.SPOT_BALANCE_PRECISION
CASES = json.loads((Path(__file__).parent / "data" / "program_cases.json").read_text())["cases"]


def example_trades() -> pd.DataFrame:
    return pd.DataFrame({"base": [1.0, 1.0, -0.5, -2.0, 1.5, 0.0],
                         "price": [100.0, 110.0, 120.0, 90.0, 95.0, 100.0],
                         "fee": [0.1, 0.1, 0.05, 0.2, 0.1, 0.0],
                         "funding": [0.0, 0.0, -0.2, 0.1, 0.0, 0.0]})


# ------------------------------------------------------------------------------------------- the ledger by hand


def test_ledger_by_hand() -> None:
    ledger = pnl.position_ledger(example_trades())
    assert list(ledger.columns) == list(pnl.LEDGER_COLUMNS)
    assert list(ledger["trade"]) == ["open", "increase", "reduce", "flip", "flip", "none"]
    assert np.allclose(ledger["position"], [1, 2, 1.5, -0.5, 1, 1])
    # entry: -100, -210 (price 105); the reduce keeps 1.5/2 of it, -157.5; the flip to -0.5 enters at 180*0.5/2
    assert np.allclose(ledger["quote_entry_amount"], [-100, -210, -157.5, 45, -95, -95])
    assert np.allclose(ledger["entry_price"], [100, 105, 105, 90, 95, 95])
    # realised: sell 0.5 at 120 against entry 105 = +7.5; the flip closes 1.5 at 90: -157.5 + 180*1.5/2 = -22.5;
    # the second flip closes 0.5 short at 95 vs 90: 45 - 142.5/3 = -2.5
    assert np.allclose(ledger["realized_pnl"], [0, 0, 7.5, -22.5, -2.5, 0])
    # break-even: fees and funding of the open position; the reduce keeps 3/4 of (-210.2 - 0.2), then the fee
    assert np.allclose(ledger["quote_break_even_amount"], [-100.1, -210.2, -157.85, 44.8, -95.1, -95.1])
    assert np.allclose(ledger["break_even_price"], [100.1, 105.1, 157.85 / 1.5, 89.6, 95.1, 95.1])
    # the program's quote amount: every fill, less fees, plus funding
    assert np.allclose(ledger["quote_asset_amount"], [-100.1, -210.2, -150.45, 29.45, -113.15, -113.15])
    last = ledger.iloc[-1]
    # three P&Ls at a mark of 100: the price move since entry 95 (+5, what a UI shows), after fees (+4.9), and
    # the program's unrealised P&L, which still carries -17.5 realised, -0.55 fees and -0.1 funding: -13.15
    assert (last["price_pnl"], last["break_even_pnl"]) == (pytest.approx(5.0), pytest.approx(4.9))
    assert last["unrealized_pnl"] == pytest.approx(5.0 - 17.5 - 0.55 - 0.1)
    assert last["cumulative_realized_pnl"] == pytest.approx(-17.5)


def test_ledger_matches_the_exact_ledger_on_the_example() -> None:
    human = pnl.position_ledger(example_trades())
    exact = pnl.exact_position_ledger(example_trades())
    assert list(exact["trade"]) == list(human["trade"])
    for column in ("position", "quote_asset_amount", "quote_entry_amount", "quote_break_even_amount",
                   "realized_pnl"):
        assert np.allclose(exact[column], human[column], atol=1e-6), column


def test_ledger_accepts_quote_and_marks() -> None:
    trades = pd.DataFrame({"base": [2.0, -2.0], "quote": [-200.000001, 210.0], "mark": [101.0, 102.0]})
    ledger = pnl.position_ledger(trades)
    assert ledger["trade"].tolist() == ["open", "close"]
    assert ledger["price_pnl"].iloc[0] == pytest.approx(2 * 101 - 200.000001)
    assert ledger["realized_pnl"].iloc[1] == pytest.approx(9.999999)
    assert math.isnan(ledger["entry_price"].iloc[1])  # flat: undefined (the program's helper says 0)
    # no price or mark: the fill price values the position, carried forward over a funding-only row
    carried = pnl.position_ledger(pd.DataFrame({"base": [-1.0, 0.0], "quote": [50.0, 0.0], "funding": [0.0, 1.0]}))
    assert carried["mark"].tolist() == [50.0, 50.0]
    assert carried["unrealized_pnl"].iloc[1] == pytest.approx(1.0)


def test_base_is_rounded_to_the_program_precision_so_sequences_close() -> None:
    trades = pd.DataFrame({"base": [0.1, 0.2, -0.3], "price": [10.0, 10.0, 12.0]})
    ledger = pnl.position_ledger(trades)
    assert ledger["trade"].iloc[-1] == "close" and ledger["position"].iloc[-1] == 0.0
    assert ledger["realized_pnl"].iloc[-1] == pytest.approx(0.6)


@pytest.mark.parametrize(
    "trades, name",
    [
        (pd.DataFrame({"price": [1.0]}), "'base'"),
        (pd.DataFrame({"base": [1.0]}), "'price' or a 'quote'"),
        (pd.DataFrame({"base": [1.0], "price": [0.0]}), "price"),
        (pd.DataFrame({"base": [1.0], "quote": [5.0]}), "opposite sign"),
        (pd.DataFrame({"base": [0.0], "quote": [5.0]}), "quote"),
        (pd.DataFrame({"base": [1.0], "price": [1.0], "fee": [-1.0]}), "fee"),
        (pd.DataFrame({"base": [1.0], "price": [1.0], "funding": [1.0]}), "funding"),
        (pd.DataFrame({"base": [math.nan], "price": [1.0]}), "base"),
        (pd.DataFrame({"base": [1e10], "price": [1.0]}), "base"),
        (pd.DataFrame({"base": [], "price": []}), "at least one row"),
        ([1.0, 2.0], "DataFrame"),
    ],
)
def test_ledger_bad_input_names_the_column(trades, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        pnl.position_ledger(trades)


# ------------------------------------------------------------------------------ the ledger against the program

fills = st.lists(st.tuples(st.integers(-(10**13), 10**13), st.integers(10**4, 10**10), st.integers(0, 10**6),
                           st.integers(-(10**6), 10**6)), min_size=1, max_size=12)


def _trades(rows: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    """Integer fills (base 1e-9, price 1e-6, fee and funding 1e-6) as a trades frame; funding only when open."""
    base, quote, fee, funding, position = [], [], [], [], 0
    for b, price, f, fund in rows:
        q = 0 if b == 0 else -(1 if b > 0 else -1) * max(1, abs(b) * price // 10**9)
        base.append(b / R)
        quote.append(q / Q)
        fee.append(f / Q)
        funding.append(fund / Q if position else 0.0)
        position += b
    return pd.DataFrame({"base": base, "quote": quote, "fee": fee, "funding": funding})


@settings(deadline=None)
@given(fills)
def test_ledger_agrees_with_the_program(rows: list[tuple[int, int, int, int]]) -> None:
    trades = _trades(rows)
    human = pnl.position_ledger(trades)
    exact = pnl.exact_position_ledger(trades)
    assert list(human["trade"]) == list(exact["trade"])
    assert np.array_equal(human["position"], exact["position"])
    gross = np.cumsum(np.abs(trades["quote"]) + trades["fee"] + np.abs(trades["funding"])) * Q
    float_error = 1e-12 * gross + 1e-9
    # each reduce, close or flip truncates the entry and break-even amounts once (< 1 quote unit); a reduce keeps
    # |B_new|/|B_old| of the earlier error: bound_k = kept_k * bound_{k-1} + 1
    bound = 0.0
    before = 0
    for k, row in enumerate(human.itertuples()):
        closing = row.trade in ("reduce", "close", "flip")
        # a reduce's P&L is entry * |d|/|B| (truncated) + quote; a flip's, entry + quote * |B|/|d| (truncated)
        assert abs(exact["realized_pnl"].iloc[k] - row.realized_pnl) * Q <= bound + 1 + float_error[k]
        if closing:
            kept = abs(row.position) / abs(before) if row.trade == "reduce" else 0.0
            bound = kept * bound + 1
        for column in ("quote_entry_amount", "quote_break_even_amount"):
            assert abs(exact[column].iloc[k] - getattr(row, column)) * Q <= bound + float_error[k], column
        assert abs(exact["quote_asset_amount"].iloc[k] - row.quote_asset_amount) * Q <= float_error[k]
        if row.position:
            # prices (1e-6 units): the amount's error (quote units) over the base, plus the helper's truncation
            tolerance = (bound + float_error[k]) / abs(row.position) + 1 + 1e-9 * abs(row.entry_price) * Q
            assert abs(exact["entry_price"].iloc[k] - row.entry_price) * Q <= tolerance
        before = row.position


@given(st.lists(st.tuples(st.integers(-(10**12), 10**12).filter(bool), st.integers(1, 10**9)), min_size=1,
                max_size=10))
def test_a_full_close_realises_exactly_the_pnl_of_the_trades(rows: list[tuple[int, int]]) -> None:
    base = [b / R for b, _ in rows]
    price = [p / Q for _, p in rows]
    position = sum(b for b, _ in rows)
    if position:
        base.append(-position / R)
        price.append(123.0)
    trades = pd.DataFrame({"base": base, "price": price, "fee": 0.01})
    ledger = pnl.position_ledger(trades)
    cash = -(trades["base"] * trades["price"]).sum()
    scale = 1e-12 * (trades["base"].abs() * trades["price"]).sum()
    assert ledger["position"].iloc[-1] == 0.0
    assert ledger["cumulative_realized_pnl"].iloc[-1] == pytest.approx(cash, abs=scale + 1e-12)
    assert ledger["quote_asset_amount"].iloc[-1] == pytest.approx(cash - 0.01 * len(trades), abs=scale + 1e-12)
    assert ledger["quote_entry_amount"].iloc[-1] == 0.0 and ledger["quote_break_even_amount"].iloc[-1] == 0.0


# ------------------------------------------------------------------------------------------------ settlement


def test_settleable_pnl_by_hand() -> None:
    # a winner up $500, $100 of it realised; the pool holds $300 and all users together are up $400
    s = pnl.settleable_pnl(500.0, 100.0, 300.0, 400.0)
    assert s.pool_excess == 0.0 and s.claimable == 100.0 and s.settle_now == 100.0 and s.waiting == 400.0
    assert s.reason == "realised + excess"
    # losers settled: the pool holds $900 against net user P&L $400, $500 in excess: all of it is claimable
    s = pnl.settleable_pnl(500.0, 100.0, 900.0, 400.0)
    assert (s.pool_excess, s.claimable, s.settle_now, s.reason) == (500.0, 500.0, 500.0, "in full")
    # claimable but the pool runs dry: realised $500, pool $200
    s = pnl.settleable_pnl(500.0, 500.0, 200.0, 400.0)
    assert (s.claimable, s.settle_now, s.waiting, s.reason) == (500.0, 200.0, 300.0, "pool balance")
    # a fifth of the fee pool counts toward the excess (not toward what is paid)
    s = pnl.settleable_pnl(500.0, 0.0, 300.0, 300.0, fee_pool=1_000.0)
    assert s.pool_excess == pytest.approx(200.0) and s.settle_now == pytest.approx(200.0)
    # a loss settles whole
    s = pnl.settleable_pnl(-50.0, 0.0, 0.0, 0.0)
    assert (s.claimable, s.settle_now, s.waiting, s.reason) == (-50.0, -50.0, 0.0, "loss")
    # arrays: one reason per element
    many = pnl.settleable_pnl(np.array([500.0, -1.0]), 100.0, 300.0, 400.0)
    assert list(many.reason) == ["realised + excess", "loss"]


def test_pool_after_settlement_by_hand() -> None:
    assert pnl.pool_after_settlement(100.0, 300.0, 50.0) == (200.0, 50.0)
    # a $100 loss: $1 tops up the fee pool, $99 into the P&L pool (all of it once the fee pool is full)
    assert pnl.pool_after_settlement(-100.0, 300.0, 50.0) == (399.0, 51.0)
    assert pnl.pool_after_settlement(-100.0, 300.0, 50.0, fee_pool_full=True) == (400.0, 50.0)
    with pytest.raises(ValueError, match="settled"):
        pnl.pool_after_settlement(400.0, 300.0, 50.0)


def test_unrealized_pnl_max_imbalance_discounts_winners() -> None:
    # the program's calculate_net_user_pnl_test market at $17,501: users up $1,499; cap $1,000 (as
    # tests/exact/test_pnl.py::test_unrealized_pnl_max_imbalance_discounts_winners): weight 10000 * 1000 // 1499
    assert pnl.unrealized_pnl_weight(1_499.0, 1_000.0) * 1e4 == pytest.approx(10_000 * 1_000 / 1_499)
    assert abs(pnl.unrealized_pnl_weight(1_499.0, 1_000.0) * 1e4 - 10_000 * 1_000 // 1_499) < 1
    assert pnl.unrealized_pnl_weight(-400.0, 1_000.0) == 1.0  # users down: no discount
    assert pnl.unrealized_pnl_weight(5_000.0, 0.0, 0.8) == 0.8  # no cap set


def _program_settle(upnl: int, realized: int, pnl_pool: int, fee_pool: int, net_user_pnl: int) -> tuple[int, ...]:
    """controller/pnl.rs::settle_pnl's amounts, from the exact layer's pieces: the pool excess (pnl pool + fee
    pool / 5 over net user P&L), ``get_claimable_pnl``, then ``update_pool_balances``; returns
    ``(claimable, settled, pnl_pool after, fee_pool after)``."""
    oracle = 100 * Q
    position = ex.PerpPosition(base_asset_amount=R, quote_asset_amount=upnl - oracle,
                               quote_entry_amount=upnl - oracle - realized)
    amm = ex.AMM(quote_asset_amount=net_user_pnl, total_fee_minus_distributions=fee_pool + 10**12,
                 fee_pool=ex.PoolBalance(scaled_balance=fee_pool * SBP // Q))
    market = ex.PerpMarket(amm=amm, pnl_pool=ex.PoolBalance(scaled_balance=pnl_pool * SBP // Q))
    spot = ex.SpotMarket(decimals=6, cumulative_deposit_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
                         cumulative_borrow_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
                         deposit_balance=(pnl_pool + fee_pool + 10**15) * SBP // Q)
    pool_tokens = ex.get_token_amount(market.pnl_pool.scaled_balance, spot, ex.SpotBalanceType.Deposit)
    fee_tokens = ex.get_token_amount(amm.fee_pool.scaled_balance, spot, ex.SpotBalanceType.Deposit)
    available = pool_tokens + fee_tokens // 5
    net = ex.calculate_net_user_pnl(amm, oracle)
    excess = available - max(net, 0) if net < available else 0
    claimable = position.get_claimable_pnl(oracle, excess)
    settled = ex.update_pool_balances(market, spot, 10**15, claimable, 0)
    return (claimable, settled, ex.get_token_amount(market.pnl_pool.scaled_balance, spot, ex.SpotBalanceType.Deposit),
            ex.get_token_amount(amm.fee_pool.scaled_balance, spot, ex.SpotBalanceType.Deposit))


@settings(deadline=None)
@given(upnl=st.integers(-(10**12), 10**12), realized=st.integers(-(10**12), 10**12),
       pnl_pool=st.integers(0, 10**12), fee_pool=st.integers(0, 10**12), net=st.integers(-(10**12), 10**12))
def test_settlement_agrees_with_the_program(upnl: int, realized: int, pnl_pool: int, fee_pool: int,
                                            net: int) -> None:
    claimable, settled, pool_after, fee_after = _program_settle(upnl, realized, pnl_pool, fee_pool, net)
    human = pnl.settleable_pnl(upnl / Q, realized / Q, pnl_pool / Q, net / Q, fee_pool=fee_pool / Q)
    # every amount is whole quote units in both; the only rounding is fee_pool // 5 (< 1 unit), plus float
    tolerance = 1 + 1e-12 * (abs(upnl) + abs(realized) + pnl_pool + fee_pool + abs(net))
    assert abs(claimable - human.claimable * Q) <= tolerance
    assert abs(settled - human.settle_now * Q) <= tolerance
    pool, fees = pnl.pool_after_settlement(settled / Q, pnl_pool / Q, fee_pool / Q)
    # the loss's 1/100 to the fee pool is truncated: one more unit
    assert abs(pool_after - pool * Q) <= 1 + tolerance and abs(fee_after - fees * Q) <= 1 + tolerance


@given(net=st.integers(-(10**12), 10**12), cap=st.integers(0, 10**12), weight=st.integers(0, 10_000))
def test_unrealized_pnl_weight_agrees_with_the_program(net: int, cap: int, weight: int) -> None:
    amm = ex.AMM(quote_asset_amount=net, historical_oracle_data=ex.HistoricalOracleData(last_oracle_price=Q))
    market = ex.PerpMarket(amm=amm, unrealized_pnl_initial_asset_weight=weight, unrealized_pnl_max_imbalance=cap)
    exact = market.get_unrealized_asset_weight(Q, ex.MarginRequirementType.Initial)
    human = pnl.unrealized_pnl_weight(net / Q, cap / Q, weight / 1e4)
    assert abs(exact - human * 1e4) <= 1 + 1e-9 * weight  # the scaled weight is truncated to 1e-4


# ------------------------------------------------------------------------------------------------ contracts


@pytest.mark.parametrize("case", [c for c in CASES if c["fn"] == "calculate_expiry_price"],
                         ids=lambda c: c["test"].rsplit("::", 1)[-1])
def test_expiry_price_program_cases(case: dict) -> None:  # type: ignore[type-arg]
    amm, target, excess = case["args"]
    base = int(amm.get("base_asset_amount_with_amm", 0))
    quote = int(amm.get("quote_asset_amount", 0))
    step = int(amm.get("order_step_size", 0))
    human = pnl.expiry_price(int(target) / Q, base / R, quote / Q, int(excess) / Q,
                             order_step_size=max(step, 1) / R)
    # best is truncated to one price unit; plus float
    assert abs(int(case["expected"]) - human * Q) <= 1 + 1e-9 * int(case["expected"])


@given(target=st.integers(1, 10**11), base=st.integers(-(10**13), 10**13), quote=st.integers(-(10**13), 10**13),
       excess=st.integers(0, 10**13), step=st.integers(1, 10**7))
def test_expiry_price_agrees_with_the_program(target: int, base: int, quote: int, excess: int, step: int) -> None:
    amm = ex.AMM(base_asset_amount_with_amm=base, quote_asset_amount=quote, order_step_size=step)
    try:
        exact = ex.calculate_expiry_price(amm, target, excess)
    except ex.DriftError:  # the program's i64 cast fails for a near-zero net base with a large gap
        return
    human = pnl.expiry_price(target / Q, base / R, quote / Q, excess / Q, order_step_size=step / R)
    assert abs(exact - human * Q) <= 1 + 1e-12 * abs(exact) + 1e-3


def test_settle_expired_future_by_hand() -> None:
    # tests/exact/test_pnl.py::test_settle_expired_market_by_hand (PerpMarket::default_btc_test): users net short
    # 1 BTC sold for $19,000, target $19,400, empty pools: best = $19,000, shorts settle at max(...) + 1e-6
    price = pnl.expiry_price(19_400.0, -1.0, 19_000.0, 0.0)
    assert price == pytest.approx(19_400.000001)
    assert pnl.expiry_settlement(-1.0, 19_000.0, price) == pytest.approx(-400.000001)
    # a funded pool: the net long settles at the target less one unit; unfunded, at what the shorts paid in
    assert pnl.expiry_price(0.6, 10.0, -4.0, 100.0, contract_type="prediction") == pytest.approx(0.6 - 1e-6)
    assert pnl.expiry_price(1.0, 10.0, -4.0, 0.0, contract_type="prediction") == pytest.approx(0.4 - 1e-6)
    assert pnl.expiry_settlement(2.0, -100.0, 60.0, fee_rate=0.001) == pytest.approx(20.0 - 0.12)
    assert pnl.expiry_price(50.0, 1e-10, 5.0, 0.0) == 50.0  # under one step: the target


@given(base=st.integers(-(10**13), 10**13), price=st.integers(0, 10**6),
       kind=st.sampled_from(list(ex.ContractType)))
def test_liability_value_agrees_with_the_program(base: int, price: int, kind: ex.ContractType) -> None:
    exact = ex.calculate_perp_liability_value(base, price, kind)
    human = pnl.liability_value(base / R, price / Q, contract_type=kind)
    assert abs(exact - human * Q) <= 1 + 1e-12 * exact  # truncated to one quote unit


def test_prediction_market_liability_and_bounds() -> None:
    # a share at $0.30: a long risks 0.30, a short 0.70 (it pays 1 if the event happens)
    assert pnl.liability_value(10.0, 0.3, contract_type="prediction") == pytest.approx(3.0)
    assert pnl.liability_value(-10.0, 0.3, contract_type="prediction") == pytest.approx(7.0)
    assert pnl.liability_value(-10.0, 0.3) == pytest.approx(3.0)
    with pytest.raises(ValueError, match=r"price must be in \[0, 1\]"):
        pnl.liability_value(1.0, 1.5, contract_type="prediction")
    with pytest.raises(ValueError, match="target_price"):
        pnl.expiry_price(1.2, 1.0, 0.0, 0.0, contract_type="prediction")


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: pnl.settleable_pnl(1.0, 0.0, -1.0, 0.0), "pnl_pool"),
        (lambda: pnl.settleable_pnl(1.0, 0.0, 1.0, 0.0, fee_pool=-1.0), "fee_pool"),
        (lambda: pnl.settleable_pnl(math.inf, 0.0, 1.0, 0.0), "unrealized_pnl"),
        (lambda: pnl.unrealized_pnl_weight(1.0, -1.0), "max_imbalance"),
        (lambda: pnl.unrealized_pnl_weight(1.0, 1.0, 2.0), "initial_weight"),
        (lambda: pnl.expiry_price(0.0, 1.0, 0.0, 0.0), "target_price"),
        (lambda: pnl.expiry_price(1.0, 1.0, 0.0, -1.0), "excess_balance"),
        (lambda: pnl.expiry_price(1.0, 1.0, 0.0, 0.0, contract_type="perpetual"), "contract_type"),
        (lambda: pnl.expiry_price(1.0, 1.0, 0.0, 0.0, contract_type="swap"), "contract_type"),
        (lambda: pnl.liability_value(1.0, -1.0), "price"),
        (lambda: pnl.expiry_settlement(1.0, 0.0, 1.0, fee_rate=2.0), "fee_rate"),
    ],
)
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()
