"""Human-layer liquidation (driftlab.liquidation): liquidation prices (the docs' example, the exact layer's sign
change around them, the SDK's first-order form and the gap), each sizing and fee function against the exact layer
within the program's rounding (tolerances derived per function), the program's own test numbers, a liquidation
step never leaving the account worse off, bankruptcy, the liquidation path, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.liquidation as lq
import driftlab.margin as mg
from driftlab.exact import MarginContext, MarginRequirementType
from tests.margin_tolerances import account_tolerance

MAINTENANCE = MarginRequirementType.Maintenance
W = ex.SPOT_WEIGHT_PRECISION
ONE = ex.BASE_PRECISION
FEE = ex.LIQUIDATION_FEE_PRECISION  # 1e6
USD = ex.QUOTE_PRECISION


def docs_account(maintenance: float = 0.05) -> mg.Account:
    """drift-docs-digest.md (g) Liquidation: "You deposit 500 USDC and you long 200 SOL-PERP at $25"."""
    return mg.Account(spot=(mg.SpotHolding("USDC", 500.0, oracle=mg.QUOTE, decimals=6),),
                      perps=(mg.PerpHolding("SOL-PERP", 200.0, 25.0, 25.0, 0.1, maintenance, liquidator_fee=0.01,
                                            if_liquidation_fee=0.01),))


def meets_maintenance(account: mg.Account, prices: dict[str, float]) -> bool:
    user, perp_map, spot_map, oracles = account.with_prices(prices).to_exact()
    return ex.meets_maintenance_margin_requirement(user, perp_map, spot_map, oracles)


# --------------------------------------------------------------------------- liquidation price


def test_docs_liquidation_example() -> None:
    # drift-docs-digest.md (g): "liquidated if the price of SOL decreases by 5.28% to $23.6825"; [CALC] the exact
    # threshold of 500 + 200(P - 25) = 10P is P = 4500/190 = 23.6842 (-5.263%)
    account = docs_account()
    assert lq.liquidation_price(account, "SOL-PERP") == pytest.approx(4500 / 190, rel=1e-12)
    assert lq.liquidation_price_first_order(account, "SOL-PERP") == pytest.approx(4500 / 190, rel=1e-12)
    assert abs(lq.liquidation_price_gap(account, "SOL-PERP")) < 1e-9
    # the program: above the threshold the account meets maintenance, at the docs' $23.6825 it does not
    assert meets_maintenance(account, {"SOL-PERP": 23.6843})
    assert not meets_maintenance(account, {"SOL-PERP": 23.6841})
    assert not meets_maintenance(account, {"SOL-PERP": 23.6825})
    # the docs' numbers at $23.6825: collateral $236.5 (they round the move to -5.27%), requirement $236.825
    state = account.evaluate({"SOL-PERP": 23.6825})
    assert state.total_collateral_maintenance == pytest.approx(236.5)
    assert state.maintenance_requirement == pytest.approx(236.825)


def test_docs_current_page_says_three_percent() -> None:
    # drift-docs-digest.md (H) row 15: the current page says SOL-PERP's maintenance is 3% but computes with 5%.
    # With 3% the threshold 500 + 200(P - 25) = 6P is P = 4500/194
    assert lq.liquidation_price(docs_account(0.03), "SOL-PERP") == pytest.approx(4500 / 194, rel=1e-12)


def test_short_and_spot_borrow_liquidation_prices() -> None:
    short = docs_account().replace_holding("SOL-PERP", base=-200.0)
    assert lq.liquidation_price(short, "SOL-PERP") == pytest.approx(5500 / 210, rel=1e-12)
    assert lq.liquidation_price_first_order(short, "SOL-PERP") == pytest.approx(5500 / 210, rel=1e-12)
    # $1,000 of USDC against a 10-SOL borrow at $50 (110% maintenance liability): 1000 = 1.1 * 10 * P
    borrow = mg.Account(spot=(mg.SpotHolding("USDC", 1000.0, oracle=mg.QUOTE),
                              mg.SpotHolding("SOL", -10.0, 50.0, 0.8, 0.9, 1.2, 1.1)))
    assert lq.liquidation_price(borrow, "SOL") == pytest.approx(1000 / 11, rel=1e-12)
    assert lq.liquidation_price_first_order(borrow, "SOL") == pytest.approx(1000 / 11, rel=1e-12)
    assert meets_maintenance(borrow, {"SOL": 90.90}) and not meets_maintenance(borrow, {"SOL": 90.92})


def test_fully_collateralised_and_already_liquidatable() -> None:
    safe = docs_account().replace_holding("USDC", amount=5000.0)  # backs the whole notional at entry
    assert math.isnan(lq.liquidation_price(safe, "SOL-PERP"))
    under = docs_account().with_prices({"SOL-PERP": 23.0})
    assert lq.liquidation_price(under, "SOL-PERP") == 23.0
    assert lq.liquidation_price_first_order(under, "SOL-PERP") == 23.0  # free collateral floored at 0
    flat = docs_account().replace_holding("SOL-PERP", base=0.0)
    assert math.isnan(lq.liquidation_price(flat, "SOL-PERP"))
    assert math.isnan(lq.liquidation_price_first_order(flat, "SOL-PERP"))


def test_gap_when_profit_weighs_less_than_one() -> None:
    # long 10 from $100, now $150, positive P&L weighed 50% in maintenance, $200 of USDC: above the entry the
    # excess is 200 + 0.5*10*(P - 100) - 0.05*10*P, zero at P = 300/4.5 < 100: below the entry, where the
    # P&L counts in full: 200 + 10(P - 100) = 0.5P -> P = 800/9.5. The SDK's linearisation uses the
    # full-weight slope from today's free collateral.
    account = mg.Account(spot=(mg.SpotHolding("USDC", 200.0, oracle=mg.QUOTE),),
                         perps=(mg.PerpHolding("P", 10.0, 100.0, 150.0, 0.1, 0.05,
                                               unrealized_pnl_maintenance_asset_weight=0.5),))
    exact = lq.liquidation_price(account, "P")
    assert exact == pytest.approx(800 / 9.5, rel=1e-12)
    free = 200 + 0.5 * 10 * 50 - 0.05 * 10 * 150
    assert lq.liquidation_price_first_order(account, "P") == pytest.approx(150 - free / 9.5)
    assert lq.liquidation_price_gap(account, "P") == pytest.approx(800 / 9.5 - (150 - free / 9.5))
    # for the Initial check the $100 cap makes the excess non-linear: the search still finds where it is zero
    initial = lq.liquidation_price(account, "P", margin_type="initial")
    assert abs(float(account.evaluate({"P": initial}).excess("initial"))) < 1e-9


def test_liquidation_price_is_vectorised() -> None:
    account = docs_account().replace_holding("USDC", amount=np.array([300.0, 400.0, 500.0, 1000.0]))
    prices = lq.liquidation_price(account, "SOL-PERP")
    assert prices.shape == (4,)
    assert np.allclose(prices, (5000 - np.array([300.0, 400.0, 500.0, 1000.0])) / 190)
    assert np.allclose(lq.liquidation_price_first_order(account, "SOL-PERP"), prices)


def test_same_oracle_spot_moves_with_the_perp() -> None:
    # a SOL deposit on the perp's oracle adds aw * tokens to the slope (the SDK's "spot market with the same oracle")
    account = mg.Account(spot=(mg.SpotHolding("USDC", 400.0, oracle=mg.QUOTE),
                               mg.SpotHolding("SOL", 2.0, 25.0, 0.8, 0.9, 1.2, 1.1)),
                         perps=(mg.PerpHolding("SOL-PERP", 200.0, 25.0, 25.0, 0.1, 0.05, oracle="SOL"),))
    # 400 + 0.9*2*P + 200(P - 25) = 0.05*200*P -> P = 4600 / 191.8
    assert lq.liquidation_price(account, "SOL-PERP") == pytest.approx(4600 / 191.8, rel=1e-12)
    assert lq.liquidation_price(account, "SOL") == pytest.approx(4600 / 191.8, rel=1e-12)
    assert lq.liquidation_price_first_order(account, "SOL-PERP") == pytest.approx(4600 / 191.8, rel=1e-12)


@st.composite
def levered_accounts(draw: st.DrawFn) -> mg.Account:
    """USDC, a SOL balance and a SOL-PERP position on one oracle, and a small BTC-PERP held fixed; the USDC covers
    the BTC-PERP and a share of the SOL-PERP's notional, so the account starts above maintenance."""
    price = draw(st.integers(10**6, 10**9)) / 1e6
    base = round(draw(st.floats(100.0, 1e7)) / price, 9) * draw(st.sampled_from([1, -1]))
    notional = abs(base) * price
    mrm = draw(st.integers(100, 1000))
    usdc = round((mrm / W + draw(st.floats(0.02, 0.7))) * notional + 10.0, 6)
    sol = round(draw(st.floats(-0.3, 0.3)) * usdc / price, 9)
    imf = draw(st.integers(0, 10**4))
    return mg.Account(
        spot=(mg.SpotHolding("USDC", usdc, oracle=mg.QUOTE, decimals=6),
              mg.SpotHolding("SOL", sol, price, 0.8, 0.9, 1.2, 1.1, imf_factor=0.001)),
        perps=(mg.PerpHolding("SOL-PERP", base, price, price, min(2 * mrm, W) / W, mrm / W, imf_factor=imf / 1e6,
                              oracle="SOL"),
               mg.PerpHolding("BTC-PERP", 0.0001, 60_000.0, 61_000.0, 0.1, 0.05, oracle="BTC")))


@settings(max_examples=150, deadline=None)
@given(account=levered_accounts())
def test_liquidation_price_is_where_the_program_flips(account: mg.Account) -> None:
    sol = account.holding("SOL")
    assume(abs(float(sol.amount)) * float(sol.price) > 0.01)
    assume(float(account.evaluate().maintenance_excess) > account_tolerance(account))  # not already liquidatable
    price = lq.liquidation_price(account, "SOL-PERP")
    assume(np.isfinite(price) and price > 0.01)
    # the model's excess is within `tol` of the program's (tests/test_margin.py::_account_tolerance); it moves
    # `slope` USD per $, so the program's threshold is within tol/|slope| of the model's, plus the 1e-6 price grid
    moved = account.with_prices({"SOL": float(price)})
    tol = account_tolerance(moved) + 1e-9 * float(moved.evaluate().liability_value)
    h = 1e-6 * price
    slope = (float(account.evaluate({"SOL": price + h}).maintenance_excess)
             - float(account.evaluate({"SOL": price - h}).maintenance_excess)) / (2 * h)
    assume(abs(slope) > 1e-6)
    delta = 2 * tol / abs(slope) + 2e-6
    direction = 1.0 if slope > 0 else -1.0  # the safe side is above the price for a long
    safe = round(price + direction * delta, 6) + direction * 1e-6
    unsafe = round(price - direction * delta, 6) - direction * 1e-6
    low = min(safe, unsafe)
    assume(low > 0.01 and (float(sol.amount) == 0 or abs(float(sol.amount)) * low > 0.01))  # no dust values
    assert meets_maintenance(account, {"SOL": safe})
    assert not meets_maintenance(account, {"SOL": unsafe})


# --------------------------------------------------------------------------- the program's test numbers


@pytest.mark.parametrize("shortage, ratio, fee, if_fee, quote, expected", [
    # programs/drift/src/math/liquidation/tests.rs::calculate_base_asset_amount_to_cover_margin_shortage::*
    (10, 0.1, 0, 0, 1.0, 1000000000), (10, 0.1, 0, 0, 0.99, 1010101010), (10, 0.1, 0, 0, 1.01, 990099009),
    (10, 0.1, 0.01, 0, 1.0, 1111111111), (10, 0.1, 0.01, 0.01, 1.0, 1250000000),
])
def test_base_to_cover_program_tests(shortage: float, ratio: float, fee: float, if_fee: float, quote: float,
                                     expected: int) -> None:
    human = lq.base_to_cover_shortage(shortage, 100.0, ratio, fee, if_fee, quote)
    assert abs(human * ONE - expected) <= 1


@pytest.mark.parametrize("alm, llm, if_fee, expected", [
    # ...::calculate_liability_transfer_to_cover_margin_shortage::* ($10 shortage, 80%/120%, SOL at $100)
    (1.0, 1.0, 0.0, 250000000), (1.1, 0.9, 0.0, 449984250), (1.0, 1.0, 0.01, 257731958),
    (1.1, 0.9, 0.01, 475669504),
])
def test_liability_to_cover_program_tests(alm: float, llm: float, if_fee: float, expected: int) -> None:
    human = lq.liability_to_cover_shortage(10.0, 100.0, 1.2, 0.8, alm, llm, if_fee)
    # the program floors 10*aw*alm/llm (97777.8 -> 97777 for 10%/10%): see test_liability_to_cover_agrees
    price, lw = 100 * 10**6, 12_000
    den_real = price * (10 * lw - 10 * 8000 * alm / llm) - price * if_fee * lw * 10
    num = 10 * USD * 10**3 * 1e6 * W * 10
    assert abs(human * 1e9 - expected) <= 2 + num * (price + 10 * lw) / den_real**2
    # ...::liability_weight_component_less_than_asset_weight_component: no transfer helps
    assert lq.liability_to_cover_shortage(10.0, 100.0, 1.0, 1.0, 1.0, 0.75) == math.inf


def test_transfer_and_fee_program_tests() -> None:
    # ...::calculate_liability_transfer_implied_by_asset_amount::* : $10 of USDC buys 0.1 SOL, 0.0980198 at 1%
    assert lq.liability_implied_by_asset(10.0, 1.0, 100.0, 1.0, 1.0) == pytest.approx(0.1)
    assert abs(lq.liability_implied_by_asset(10.0, 1.0, 100.0, 1.01, 0.99) * 1e9 - 98019802) <= 2
    # ...::calculate_asset_transfer_for_liability_transfer::*
    assert lq.asset_for_liability(1.0, 100.0, 1.0, 1.0, 1.0, asset_amount=100.0) == 100.0
    assert abs(lq.asset_for_liability(1.0, 100.0, 1.0, 1.01, 0.99, asset_amount=200.0) * 1e6 - 102020202) <= 2
    assert lq.asset_for_liability(1.0, 1.0, 1.0, 1.0, 1.0, asset_amount=200.0) == 1.0
    # ...::calculate_perp_if_fee::test
    for shortage, ratio, fee, price, expected in ((20, 0.05, 0.01, 100, 19000), (1, 0.05, 0.01, 100, 37050),
                                                  (1000, 0.05, 0.01, 100, 0), (20, 0.05, 0.1, 100, 0)):
        assert abs(lq.perp_if_fee(shortage, 10.0, price, ratio, fee, 0.05) * FEE - expected) <= 2
    assert lq.perp_if_fee(20, 0.0, 100, 0.05, 0.01, 0.05) == 0.0
    # ...::calculate_spot_if_fee::test
    for shortage, aw, lw, expected in ((5, 1.0, 1.1, 36363), (100, 1.0, 1.1, 0), (1, 1.0, 1.1, 50000),
                                       (1, 2.0, 1.1, 0)):
        assert abs(lq.spot_if_fee(shortage, 1.0, 100.0, lw, aw, 1.01, 1.0, 0.05) * FEE - expected) <= 2
    assert lq.spot_if_fee(5, 0.0, 100.0, 1.1, 1.0, 1.01, 1.0, 0.05) == 0.0
    # ...::get_liquidation_fee::test: 2% base, 5% max; 10 slots -> 2%, 10,000 -> 3%, 100,000 -> 5%
    assert np.allclose(lq.liquidation_fee(0.02, 0.05, [10, 10_000, 100_000]), [0.02, 0.03, 0.05])
    # ...::calculate_max_pct_to_liquidate::test: a $49 shortage may go at once
    assert lq.max_pct_to_liquidate(49.0, 1, 0.1, 10) == 1.0


def test_bankruptcy_program_tests() -> None:
    # ...::calculate_funding_rate_deltas_to_resolve_bankruptcy::total_base_asset_amount_not_zero: $100 over 7 + 4
    # base -> 9090910000 (FUNDING_RATE_PRECISION, rounded up): $9.09091 per base
    resolved = lq.perp_bankruptcy(100.0, 0.0, 11.0)
    assert abs(resolved.funding_delta_per_base * 1e9 - 9090910000) <= 1000
    # ...::calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy::non_zero_total_deposits: $11 over
    # $120 of deposits -> 916666667 in 1e10 of a cumulative interest of 1.0
    assert abs(lq.spot_bankruptcy(11.0, 0.0, 120.0).deposit_haircut * 1e10 - 916666667) <= 1
    assert lq.spot_bankruptcy(11.0, 0.0, 0.0).deposit_haircut == 0.0  # ...::zero_total_deposits


# --------------------------------------------------------------------------- agreement with the exact layer


@settings(max_examples=300, deadline=None)
@given(shortage=st.integers(1, 10**12), ratio=st.integers(1, W), fee=st.integers(0, 10**5),
       if_fee=st.integers(0, 10**4), price=st.integers(10**3, 10**11), quote=st.integers(9 * 10**5, 11 * 10**5))
def test_base_to_cover_agrees(shortage: int, ratio: int, fee: int, if_fee: int, price: int, quote: int) -> None:
    # exact: S*1e9 // D with D = (P*Pq//1e6)*(100mr - lf)//1e6 - P*iff//1e6, within 2 of the real D (two floors
    # lose < 1 each, the subtracted floor adds < 1): the result moves by < S*1e9*2/(D*(D-2)), plus its own floor
    d_real = price * quote / 1e6 * (100 * ratio - fee) / 1e6 - price * if_fee / 1e6
    assume(100 * ratio > fee and d_real > 10 and shortage * 1e9 / (d_real - 2) < 2**64 - 1)  # fits the u64
    exact = ex.calculate_base_asset_amount_to_cover_margin_shortage(shortage, ratio, fee, if_fee, price, quote)
    human = lq.base_to_cover_shortage(shortage / USD, price / 1e6, ratio / W, fee / FEE, if_fee / FEE, quote / 1e6)
    tol = 1 + shortage * 1e9 * 2 / (d_real * (d_real - 2)) + 1e-12 * exact
    assert abs(exact - human * ONE) <= tol


@settings(max_examples=300, deadline=None)
@given(shortage=st.integers(0, 10**12), base=st.integers(1, 10**13), ratio=st.integers(1, 2000),
       fee=st.integers(0, 50_000), price=st.integers(10**4, 10**11), quote=st.integers(9 * 10**5, 11 * 10**5),
       cap=st.integers(0, 10**5))
def test_perp_if_fee_agrees(shortage: int, base: int, ratio: int, fee: int, price: int, quote: int,
                            cap: int) -> None:
    # exact: shortage_pct = (S*1e9//B)*1e6 // q with q = P*Pq//1e6, within 1 + 1e6/q + pct/(q-1) of the real
    # one; 19/20 and a floor add < 1; min/max are 1-Lipschitz
    q = price * quote // 10**6
    assume(q > 2)
    exact = ex.calculate_perp_if_fee(shortage, base, ratio, fee, price, quote, cap)
    human = lq.perp_if_fee(shortage / USD, base / ONE, price / 1e6, ratio / W, fee / FEE, cap / FEE, quote / 1e6)
    pct = shortage * 1e9 / base * 1e6 / (price * quote / 1e6)
    if pct > 2**32 - 2:  # the program saturates the u32 cast; both are then 0
        assert exact == 0 and human == 0
        return
    assert abs(exact - human * FEE) <= 2 + 1e6 / q + pct / (q - 1)


@settings(max_examples=300, deadline=None)
@given(shortage=st.integers(1, 10**12), aw=st.integers(0, W), alm=st.integers(10**6, 11 * 10**5),
       lw=st.integers(W, 3 * W), llm=st.integers(9 * 10**5, 10**6), dec=st.sampled_from([6, 8, 9]),
       price=st.integers(10**4, 10**11), if_fee=st.integers(0, 10**4))
def test_liability_to_cover_agrees(shortage: int, aw: int, alm: int, lw: int, llm: int, dec: int, price: int,
                                   if_fee: int) -> None:
    # exact: num // den // descale with den = Pl*(10lw - (10aw*alm//llm)) - (Pl*iff//1e6)*lw*10, which is within
    # [den_real, den_real + Pl + 10lw) of the real one; the result moves by < num*(Pl + 10lw)/den_real^2/descale,
    # plus two floors and the floor at 1 unit
    awc_real = 10 * aw * alm / llm
    den_real = price * (10 * lw - awc_real) - price * if_fee / 1e6 * lw * 10
    assume(aw < lw and awc_real < 10 * lw and den_real > 0)
    try:
        exact = ex.calculate_liability_transfer_to_cover_margin_shortage(shortage, aw, alm, lw, llm, dec, price,
                                                                         if_fee)
    except ex.MathError:
        assume(False)
    human = lq.liability_to_cover_shortage(shortage / USD, price / 1e6, lw / W, aw / W, alm / FEE, llm / FEE,
                                           if_fee / FEE)
    scale, descale = (10 ** (dec - 6), 1) if dec > 6 else (1, 10 ** (6 - dec))
    num = shortage * scale * 1e6 * W * 10
    tol = 2 + num * (price + 10 * lw) / den_real**2 / descale + 1e-12 * exact
    assert abs(exact - human * 10**dec) <= tol


@settings(max_examples=300, deadline=None)
@given(shortage=st.integers(0, 10**11), tokens=st.integers(1, 10**13), aw=st.integers(0, W),
       alm=st.integers(10**6, 11 * 10**5), lw=st.integers(W + 1, 3 * W), llm=st.integers(9 * 10**5, 10**6),
       dec=st.sampled_from([6, 9]), price=st.integers(10**4, 10**10), cap=st.integers(0, 10**5))
def test_spot_if_fee_agrees(shortage: int, tokens: int, aw: int, alm: int, lw: int, llm: int, dec: int, price: int,
                            cap: int) -> None:
    # exact: (100lw - (100aw*alm//llm) - (S*1e6*10^dec//tokens)//Pl)*1e6 // (100lw): the two components lose
    # < 1 and < 1 + 1/Pl, scaled by 1e6/(100lw), plus the final floor
    exact = ex.calculate_spot_if_fee(shortage, tokens, aw, alm, lw, llm, dec, price, cap)
    human = lq.spot_if_fee(shortage / USD, tokens / 10**dec, price / 1e6, lw / W, aw / W, alm / FEE, llm / FEE,
                           cap / FEE)
    assert abs(exact - human * FEE) <= 1 + (2 + 1 / price) * 1e6 / (100 * lw)


@settings(max_examples=300, deadline=None)
@given(liability=st.integers(1, 10**15), alm=st.integers(10**6, 11 * 10**5), llm=st.integers(9 * 10**5, 10**6),
       ad=st.sampled_from([6, 8, 9]), ld=st.sampled_from([6, 8, 9]), pa=st.integers(10**4, 10**10),
       pl=st.integers(10**4, 10**10))
def test_asset_and_implied_liability_agree(liability: int, alm: int, llm: int, ad: int, ld: int, pa: int,
                                           pl: int) -> None:
    # far from the whole asset amount the program floors twice (and keeps at least 1): within 2 units; the implied
    # liability rounds up twice: within 2 units
    exact = ex.calculate_asset_transfer_for_liability_transfer(2**64, alm, ad, pa, liability, llm, ld, pl)
    assume(exact < 2**63)  # far from the whole (2**64) asset amount
    human = lq.asset_for_liability(liability / 10**ld, pl / 1e6, pa / 1e6, alm / FEE, llm / FEE)
    assert abs(exact - human * 10**ad) <= 2 + 1e-12 * exact
    implied = ex.calculate_liability_transfer_implied_by_asset_amount(exact, alm, ad, pa, llm, ld, pl)
    human_implied = lq.liability_implied_by_asset(exact / 10**ad, pa / 1e6, pl / 1e6, alm / FEE, llm / FEE)
    assert abs(implied - human_implied * 10**ld) <= 2 + 1e-12 * implied


@settings(max_examples=200, deadline=None)
@given(held=st.integers(10**6, 10**12), offset=st.integers(-5 * 10**6, 5 * 10**6), price=st.integers(10**5, 10**8))
def test_asset_transfer_snaps_to_the_whole_amount_like_the_program(held: int, offset: int, price: int) -> None:
    # a transfer within $1 of the whole asset amount takes it all (USDC-like 6 decimals, liability at $1)
    repay = (held + offset) * price // 10**6  # liability tokens ($1 each) worth about held + offset asset units
    assume(repay > 0)
    exact = ex.calculate_asset_transfer_for_liability_transfer(held, FEE, 6, price, repay, FEE, 6, 10**6)
    value_gap = abs(repay * 10**6 / price - held) * price / 1e12
    assume(abs(value_gap - 1.0) > 1e-3)  # away from the $1 edge, where the program's floors decide
    human = lq.asset_for_liability(repay / 1e6, 1.0, price / 1e6, 1.0, 1.0, asset_amount=held / 1e6)
    assert abs(exact - human * 1e6) <= 2


@settings(max_examples=300, deadline=None)
@given(shortage=st.integers(0, 10**12), freed=st.integers(0, 10**12), slots=st.integers(0, 10**4),
       initial=st.integers(0, W), duration=st.integers(0, 500))
def test_max_pct_agrees(shortage: int, freed: int, slots: int, initial: int, duration: int) -> None:
    # exact (1e4): pct = min(slots*1e4//dur + initial, 1e4) loses < 1; freed margin (S+F)*pct//1e4 loses
    # < (S+F)/1e4 + 1; as a share of S that is < 1 + (S+F)/S + 1e4/S units, plus the final floor
    assume(shortage > 0)
    user = ex.User(last_active_slot=0, liquidation_margin_freed=freed)
    exact = ex.calculate_max_pct_to_liquidate(user, shortage, slots, initial, duration)
    human = lq.max_pct_to_liquidate(shortage / USD, slots, initial / W, duration, freed / USD)
    assert abs(exact - human * W) <= 2 + (shortage + freed) / shortage + 1e4 / shortage


@settings(max_examples=300, deadline=None)
@given(base=st.integers(0, 10**5), cap=st.integers(0, 10**5), slots=st.integers(0, 10**6))
def test_liquidation_fee_agrees(base: int, cap: int, slots: int) -> None:
    exact = ex.get_liquidation_fee(base, cap, 0, slots)
    assert lq.liquidation_fee(base / FEE, cap / FEE, slots) * FEE == pytest.approx(exact, abs=1e-6)
    market = ex.PerpMarket(liquidator_fee=base, margin_ratio_maintenance=cap // 100)
    assert lq.max_liquidation_fee(base / FEE, (cap // 100) / W) * FEE == pytest.approx(
        market.get_max_liquidation_fee(), abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(loss=st.integers(1, 10**12), long=st.integers(0, 10**13), short=st.integers(0, 10**13),
       deposits=st.integers(1, 10**12), borrow=st.integers(0, 10**12))
def test_bankruptcy_deltas_agree(loss: int, long: int, short: int, deposits: int, borrow: int) -> None:
    # funding delta: ceil(|loss|*1e9/base)*1000 is within 1000 of loss/base*1e9; deposit delta:
    # ceil(cdi*borrow/deposits) within 1 of the haircut times cdi (1e10)
    assume(long + short > 0)
    market = ex.PerpMarket(amm=ex.AMM(base_asset_amount_long=long, base_asset_amount_short=-short))
    exact = ex.calculate_funding_rate_deltas_to_resolve_bankruptcy(-loss, market)
    human = lq.perp_bankruptcy(loss / USD, 0.0, (long + short) / ONE).funding_delta_per_base
    assert abs(exact - human * 1e9) <= 1000 + 1e-12 * exact
    spot = ex.SpotMarket(deposit_balance=deposits * ex.SPOT_BALANCE_PRECISION, decimals=6,
                         cumulative_deposit_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION)
    exact_cut = ex.calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy(borrow, spot)
    human_cut = lq.spot_bankruptcy(borrow / USD, 0.0, deposits).deposit_haircut
    assert abs(exact_cut - human_cut * 1e10) <= 1 + 1e-12 * exact_cut


# --------------------------------------------------------------------------- a liquidation step


def test_perp_step_by_hand() -> None:
    # tests/exact/test_liquidation.py::test_liquidation_leaves_margin_no_worse: $450 against 100 SOL-PERP from
    # $100 (5%): shortage $50; with a 1% fee and no IF fee, 50 / (100 * (0.05 - 0.01)) = 12.5 base
    step = lq.perp_liquidation_step(100.0, 100.0, 50.0, 0.05, 0.01, 0.0)
    assert step.base_to_cover == pytest.approx(12.5)
    assert step.base_taken == pytest.approx(12.5)
    assert step.liquidator_fee == pytest.approx(12.5)  # 1% of $1,250
    assert step.transfer_price == pytest.approx(99.0)
    program = ex.calculate_base_asset_amount_to_cover_margin_shortage(50 * USD, 500, 10_000, 0, 100 * 10**6, 10**6)
    assert program == 12_500_000_000
    # pacing: only 10% of the cover now; a position worth <= $50 goes whole; the liquidator's cap binds
    assert lq.perp_liquidation_step(100.0, 100.0, 50.0, 0.05, 0.01, 0.0, max_pct=0.1).base_taken == pytest.approx(1.25)
    assert lq.perp_liquidation_step(0.4, 100.0, 5.0, 0.05, 0.01, 0.0, max_pct=0.1).base_taken == pytest.approx(0.4)
    assert lq.perp_liquidation_step(100.0, 100.0, 50.0, 0.05, 0.01, 0.0, liquidator_max_base=3.0).base_taken == 3.0
    # step size: the cover rounds up to the market's order step
    assert lq.perp_liquidation_step(100.0, 100.0, 50.0, 0.05, 0.01, 0.0, step_size=5.0).base_taken == 15.0


def test_spot_step_by_hand() -> None:
    # $10 shortage, SOL borrow at $100 (110% + 2% buffer... here none), USDC deposit 80% (illustrative)
    step = lq.spot_liquidation_step(10.0, 1000.0, 1.0, 0.8, 0.0, -5.0, 100.0, 1.2, 0.0, 0.0)
    assert step.liability_to_cover == pytest.approx(0.25)  # 10 / (100 * (1.2 - 0.8))
    assert step.liability_transfer == pytest.approx(0.25)
    assert step.asset_transfer == pytest.approx(25.0)
    # a borrow worth <= $10 is taken whole
    assert lq.spot_liquidation_step(1.0, 1000.0, 1.0, 0.8, 0.0, -0.05, 100.0, 1.2, 0.0, 0.0).liability_transfer == \
        pytest.approx(0.05)


@settings(max_examples=300, deadline=None)
@given(base=st.integers(10**6, 10**13), price=st.integers(10**6, 10**10), shortage=st.integers(10**6, 10**11),
       share=st.floats(0.0, 1.0), ratio=st.integers(100, 2000), buffer=st.integers(0, 500),
       fee=st.integers(0, 50_000), max_if=st.integers(0, 50_000))
def test_perp_step_sizes_like_the_controller(base: int, price: int, shortage: int, share: float, ratio: int,
                                             buffer: int, fee: int, max_if: int) -> None:
    # controller/liquidation.rs::liquidate_perp: the IF fee from the market's share of the shortage, then the base
    # covering the whole shortage, both with the buffered ratio. The IF fee agrees within its tolerance
    # (test_perp_if_fee_agrees); that moves the cover's denominator by P*tol_if/1e6, so the cover agrees within
    # its own tolerance plus S*1e9 * P*tol_if/1e6 / D^2.
    buffered = ratio + buffer
    assume(buffered * 100 > fee)
    tracked = int(shortage * share)
    exact_if = ex.calculate_perp_if_fee(tracked, base, buffered, fee, price, 10**6, max_if)
    d_real = price * (100 * buffered - fee) / 1e6 - price * exact_if / 1e6
    assume(d_real > 10 and shortage * 1e9 / (d_real - 2) < 2**63)
    exact_cover = ex.calculate_base_asset_amount_to_cover_margin_shortage(shortage, buffered, fee, exact_if, price,
                                                                         10**6)
    step = lq.perp_liquidation_step(base / ONE, price / 1e6, shortage / USD, ratio / W, fee / FEE, max_if / FEE,
                                    buffer=buffer / W, tracked_shortage=tracked / USD)
    q = price  # quote price 1: P*Pq//1e6 = P
    pct = tracked * 1e9 / base * 1e6 / price
    tol_if = 2 + 1e6 / q + pct / (q - 1)
    assert abs(exact_if - step.if_fee_rate * FEE) <= tol_if
    d_human = price * (100 * buffered - fee) / 1e6 - price * step.if_fee_rate
    assume(d_human > 10)
    tol_cover = 1 + shortage * 1e9 * (2 + price * tol_if / 1e6) / (min(d_real, d_human) * (min(d_real, d_human) - 2))
    assert abs(exact_cover - step.base_to_cover * ONE) <= tol_cover + 1e-12 * exact_cover
    small = base / ONE * price / 1e6 <= 50  # a position worth <= $50 goes whole
    assert step.base_taken == pytest.approx(min(base / ONE, max(step.base_to_cover, base / ONE if small else 0.0)))


@st.composite
def underwater(draw: st.DrawFn) -> tuple[mg.Account, float]:
    price = draw(st.integers(10**6, 10**9)) / 1e6
    base = draw(st.integers(10**9, 10**13)) / ONE * draw(st.sampled_from([1, -1]))
    mrm = draw(st.integers(100, 1000)) / W
    lf = draw(st.integers(0, int(mrm * FEE) - 1)) / FEE
    iff = draw(st.integers(0, 50_000)) / FEE
    imf = draw(st.integers(0, 10**4)) / 1e6
    move = draw(st.floats(0.0, 0.3))
    usdc = draw(st.floats(0.0, 1.0)) * mrm * abs(base) * price * 1.5
    account = mg.Account(
        spot=(mg.SpotHolding("USDC", round(usdc, 6), oracle=mg.QUOTE, decimals=6),),
        perps=(mg.PerpHolding("SOL-PERP", base, price, price, min(2 * mrm, 1.0), mrm, imf_factor=imf,
                              liquidator_fee=lf, if_liquidation_fee=iff),))
    sign = 1.0 if base > 0 else -1.0
    return account.with_prices({"SOL-PERP": round(price * (1 - sign * move * mrm), 6)}), draw(st.integers(0, 500)) / W


@settings(max_examples=200, deadline=None)
@given(case=underwater(), pct=st.floats(0.05, 1.0))
def test_a_liquidation_step_never_leaves_the_account_worse_off(case: tuple[mg.Account, float], pct: float) -> None:
    # Closing base frees (mr + buffer) * notional of buffered requirement and costs (lf + if_fee) * notional,
    # and the program's IF fee is at most 0.95 * (mr + buffer - lf): the buffered shortage never grows. The
    # unbuffered maintenance excess may fall, but by no more than the fees.
    account, buffer = case
    before = account.evaluate()
    after_account, step = lq.liquidate_perp(account, "SOL-PERP", buffer=buffer, max_pct=pct)
    after = after_account.evaluate()
    scale = 1e-9 * (1 + float(before.liability_value))
    assert float(after.margin_shortage(buffer)) <= float(before.margin_shortage(buffer)) + scale
    fees = float(step.liquidator_fee) + float(step.if_fee)
    assert float(after.maintenance_excess) >= float(before.maintenance_excess) - fees - scale
    assert float(after.equity) == pytest.approx(float(before.equity) - fees, abs=scale)
    # the program agrees: the same step applied to the exact layer's user does not raise its buffered shortage
    if buffer > 0 and float(step.base_taken) > 0:
        shortage = []
        for acct in (account, after_account):
            user, perp_map, spot_map, oracles = acct.to_exact()
            calc = ex.calculate_margin_requirement_and_total_collateral_and_liability_info(
                user, perp_map, spot_map, oracles, MarginContext.liquidation(round(buffer * W)))
            shortage.append(calc.cross_margin_margin_shortage() / USD)
        assert shortage[1] <= shortage[0] + account_tolerance(account) + account_tolerance(after_account)


def test_liquidate_spot_on_the_model() -> None:
    account = mg.Account(spot=(mg.SpotHolding("USDC", 1000.0, oracle=mg.QUOTE, liquidator_fee=0.0),
                               mg.SpotHolding("SOL", -10.0, 95.0, 0.8, 0.9, 1.2, 1.1, liquidator_fee=0.01,
                                              if_liquidation_fee=0.005)))
    before = account.evaluate()
    assert before.margin_shortage(0.02) > 0
    after_account, step = lq.liquidate_spot(account, "USDC", "SOL")
    after = after_account.evaluate()
    assert after.margin_shortage(0.02) <= before.margin_shortage(0.02)
    assert float(after_account.holding("SOL").amount) > -10.0
    assert step.liquidator_gain > 0  # the liquidator buys the borrow's cover at a discount


# --------------------------------------------------------------------------- bankruptcy and the path


def test_perp_bankruptcy_waterfall() -> None:
    # $1,000 loss: the insurance fund has $300 and the market's claim allows $250; the fee pool pays $100;
    # $650 is socialised over 1,300 base: $0.50 per base
    resolved = lq.perp_bankruptcy(1000.0, 300.0, 1300.0, max_insurance=250.0, fee_pool=100.0)
    assert resolved == (250.0, 100.0, 650.0, 0.5)
    with pytest.raises(ValueError, match="open_interest"):
        lq.perp_bankruptcy(10.0, 0.0, 0.0)
    assert lq.spot_bankruptcy(100.0, 30.0, 1000.0) == (30.0, 70.0, 0.07)


def test_liquidation_path_liquidates_step_by_step_then_goes_bankrupt() -> None:
    account = docs_account()
    path = lq.liquidation_path(account, "SOL-PERP", [25.0, 23.6, 23.0, 22.0, 17.0], insurance_fund=50.0,
                               open_interest=10_000.0)
    events = list(path["event"])
    assert events[:2] == ["price", "price"] and "liquidation" in events
    liquidations = path[path["event"] == "liquidation"]
    assert (liquidations["liquidator_fee"] > 0).all()
    assert path["if_fee"].sum() == pytest.approx(path["insurance_fund"].max() - 50.0)
    # the fees the user paid are what the liquidator and the insurance fund received
    assert path["base_taken"].sum() <= 200.0 + 1e-9
    gentle = lq.liquidation_path(account, "SOL-PERP", np.linspace(25.0, 20.0, 11))
    assert "bankruptcy" not in set(gentle["event"])
    # a gap: from $23.7 straight to $17 the whole position goes at $17, the loss exceeds the $500 deposit
    gap = lq.liquidation_path(account, "SOL-PERP", [25.0, 17.0], insurance_fund=50.0, open_interest=10_000.0)
    bankrupt = gap[gap["event"] == "bankruptcy"].iloc[0]
    loss = 200 * (25 - 17) + float(gap["liquidator_fee"].sum() + gap["if_fee"].sum()) - 500
    assert bankrupt["if_payment"] + bankrupt["socialized_loss"] == pytest.approx(loss)
    assert bankrupt["if_payment"] == pytest.approx(min(loss, 50.0 + gap["if_fee"].sum()))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, name", [
    (lambda: lq.base_to_cover_shortage(-1, 100, 0.05, 0.01), "shortage"),
    (lambda: lq.base_to_cover_shortage(1, 100, 0.05, 0.01, 0.05), "if_fee"),
    (lambda: lq.perp_if_fee(1, 1, 0, 0.05, 0.01, 0.01), "price"),
    (lambda: lq.liquidation_fee(0.02, 1.5, 10), "max_fee"),
    (lambda: lq.max_pct_to_liquidate(10, 1, 2.0, 10), "initial_pct"),
    (lambda: lq.asset_for_liability(1, 1, 1, 1, 1, asset_amount=-1), "asset_amount"),
    (lambda: lq.perp_liquidation_step(1, 1, 1, 0.05, 0.01, 0.01, liquidator_max_base=float("nan")),
     "liquidator_max_base"),
    (lambda: lq.spot_bankruptcy(-1, 0, 1), "borrow"),
    (lambda: lq.liquidation_price(docs_account(), "BTC-PERP"), "market must be one of"),
    (lambda: lq.liquidation_price(docs_account(), "SOL-PERP", margin_type="fill"), "margin_type"),
    (lambda: lq.liquidate_perp(docs_account(), "USDC"), "perp position"),
    (lambda: lq.liquidation_path(docs_account(), "SOL-PERP", [[25.0]]), "one-dimensional"),
    (lambda: lq.liquidation_path(docs_account(), "SOL-PERP", [25.0, -1.0]), "prices"),
])
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()
