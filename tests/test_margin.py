"""Human-layer margin (driftlab.margin): the program's and the docs' numbers, agreement with the exact layer within
the program's rounding (each tolerance derived below), the account model against the exact margin calculation,
monotonicity and health properties, broadcasting and bad input."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.margin as mg
from driftlab.exact import MarginRequirementType
from tests.margin_tolerances import account_tolerance, discount_tolerance, hlm_tolerance, premium_tolerance

INITIAL, MAINTENANCE = MarginRequirementType.Initial, MarginRequirementType.Maintenance
W = ex.SPOT_WEIGHT_PRECISION  # 1e4
ONE = ex.AMM_RESERVE_PRECISION  # 1e9
IMF = ex.SPOT_IMF_PRECISION  # 1e6


# --------------------------------------------------------------------------- the program's and the docs' numbers


@pytest.mark.parametrize("size, imf, weight, expected", [
    # programs/drift/src/math/margin/tests.rs::test::spot_market_asset_weight (sizes in 1e9: 1000 tokens)
    (1000.0, 0, 0.9, 9000), (1000.0, 10, 0.9, 9000), (1e9, 10, 0.9, 8357), (1000.0, 10_000, 0.9, 8357),
    (1000.0, 100_000, 0.9, 2642), (100_000.0, 100_000, 0.15, 337), (100_000.0, 100_000, 0.75, 337),
    # ...::calculate_user_equity_value_tests: positive P&L weights (P&L in USD, imf 1000)
])
def test_asset_weight_reproduces_program_tests(size: float, imf: int, weight: float, expected: int) -> None:
    human = mg.asset_weight(size, weight, imf / IMF)
    assert abs(human * W - expected) <= discount_tolerance(imf)


@pytest.mark.parametrize("size, imf, weight, expected", [
    # programs/drift/src/math/margin/tests.rs::test::spot_market_asset_weight
    (1000.0, 0, 1.1, 11000), (1000.0, 10, 1.1, 11000), (1000.0, 10_000, 1.1, 11962), (1000.0, 100_000, 1.1, 40422),
    (1000.0, 100_000, 0.0, 31622),
])
def test_liability_weight_reproduces_program_tests(size: float, imf: int, weight: float, expected: int) -> None:
    assert abs(mg.liability_weight(size, weight, imf / IMF) * W - expected) <= premium_tolerance(imf)


@pytest.mark.parametrize("pnl, expected", [
    # programs/drift/src/math/margin/tests.rs::test::calculate_user_equity_value_tests (imf 1000, weight 100%)
    (22699.050905, 9559), (24282.786896, 9516), (242827.86896, 7368), (2428278.6896, 4299),
    (24282786.896, 1855), (242827868.96, 663), (19426229516.8, 78),
])
def test_unrealized_pnl_weight_reproduces_program_tests(pnl: float, expected: int) -> None:
    assert abs(mg.unrealized_pnl_weight(pnl, 1.0, 0.001) * W - expected) <= discount_tolerance(1000)


def test_perp_margin_ratios_reproduce_program_tests() -> None:
    # programs/drift/src/state/perp_market/tests.rs::get_margin_ratio::new_hlm_imf_size
    imf = 50
    assert abs(mg.margin_ratio(1_000_000, 0.1, imf / IMF) * W - 1300) <= premium_tolerance(imf)
    tol = hlm_tolerance(1000, 100, imf)
    for size, expected in ((0.1, 100), (1.0, 100), (10.0, 104), (3000.0, 221)):
        assert abs(mg.margin_ratio(size, 0.1, imf / IMF, high_leverage_ratio=0.01) * W - expected) <= tol
    for size, expected in ((3000.0, 67), (300_000.0, 313)):  # HLM maintenance: the HLM ratio, bounded premium
        assert abs(mg.margin_ratio(size, 0.005, imf / IMF) * W - expected) <= premium_tolerance(imf)
    # programs/drift/src/state/perp_market/tests.rs::get_margin_ratio::test (no imf): 1000/500, HLM 200/100
    assert mg.margin_ratio(1.0, 0.1, 0.0) == 0.1 and mg.margin_ratio(1.0, 0.05, 0.0) == 0.05
    assert mg.hlm_initial_margin_ratio(1.0, 0.1, 0.02, 0.0) == 0.02


def test_scaled_initial_asset_weight_reproduces_program_test() -> None:
    # programs/drift/src/math/margin/tests.rs::test::spot_market_scale_initial_asset_weight: 90% weight, start
    # $500k, price $25; deposits 1, 20k, 40k, 60k tokens -> 9000, 9000, 4500, 3000
    deposits = np.array([1.0, 20_000.0, 40_000.0, 60_000.0])
    weights = mg.scaled_initial_asset_weight(0.9, deposits * 25.0, 500_000.0)
    assert np.allclose(weights * W, [9000, 9000, 4500, 3000])


def test_docs_cross_collateral_example() -> None:
    # drift-docs-digest.md (b), getting-started/cross-collateral-deposits.mdx:
    # "weight = min(.80, 1.1 / [1 + (0.003 * sqrt(2000)]) = min(.80, ~.96987) = .80"
    assert mg.asset_weight(2000.0, 0.8, 0.003) == 0.8
    assert mg.asset_weight(2000.0, 1.0, 0.003) == pytest.approx(0.96987, abs=1e-5)
    program = ex.SpotMarket(initial_asset_weight=8000, imf_factor=3000, decimals=9).get_asset_weight(
        2000 * ONE, 100 * ex.PRICE_PRECISION, INITIAL)
    assert program == 8000


def test_docs_risk_parameters_formula_is_not_the_programs() -> None:
    # drift-docs-digest.md (H) row 4: risk-parameters.mdx prints 1.1 / (weight * sqrt(size) * imf_factor).
    # For the same SOL example it is no weight at all (above 10), while the program gives 0.80.
    docs = 1.1 / (0.8 * math.sqrt(2000.0) * 0.003)
    assert docs > 10
    assert mg.asset_weight(2000.0, 0.8, 0.003) == 0.8


def test_binding_sizes_and_the_imf_design_helper() -> None:
    # premium binds where 0.8w + imf*sqrt(s) = w: w = 10%, imf 0.0005 -> s = (0.1/0.0025)^2 = 1600
    s = mg.premium_binding_size(0.1, 0.0005)
    assert s == pytest.approx(1600.0)
    assert mg.margin_ratio(s * 0.99, 0.1, 0.0005) == 0.1 < mg.margin_ratio(s * 1.01, 0.1, 0.0005)
    d = mg.discount_binding_size(0.8, 0.003)  # 1.1/(1 + 0.003 sqrt(s)) = 0.8
    assert mg.asset_weight(d, 1.0, 0.003) == pytest.approx(0.8)
    assert mg.premium_binding_size(0.1, 0.0) == math.inf
    # design: a 5% market that should need 20% at $10M of notional at $100
    imf = mg.imf_factor_for_margin_ratio(0.2, 10_000_000.0, 100.0, 0.05)
    assert mg.margin_ratio(100_000.0, 0.05, imf) == pytest.approx(0.2)
    # the program with that factor, rounded to its 1e6 units
    market = ex.PerpMarket(margin_ratio_initial=500, margin_ratio_maintenance=300, imf_factor=round(imf * IMF))
    assert abs(market.get_margin_ratio(100_000 * ONE, INITIAL, False) - 2000) <= premium_tolerance(round(imf * IMF)) + 1


def test_max_leverage_is_the_inverse_ratio() -> None:
    assert mg.max_leverage(1.0, 0.05, 0.0) == pytest.approx(20.0)
    sizes = np.array([1.0, 1e4, 1e6])
    assert np.allclose(mg.max_leverage(sizes, 0.05, 0.001), 1 / mg.margin_ratio(sizes, 0.05, 0.001))


def test_hlm_window_where_the_program_falls_back_to_the_hlm_ratio() -> None:
    # math/margin.rs::calc_high_leverage_mode_initial_margin_ratio_from_size returns the HLM default when the
    # unbounded premium equals the normal ratio exactly. With imf 50 and a 10% ratio that is every size whose
    # floor(isqrt(10S+1)*50/1e7) is 200: from 160,000 base. The human layer is continuous there.
    market = ex.PerpMarket(margin_ratio_initial=1000, margin_ratio_maintenance=500, imf_factor=50,
                           high_leverage_margin_ratio_initial=100, high_leverage_margin_ratio_maintenance=50)
    assert market.get_margin_ratio(159_999 * ONE, INITIAL, True) == 995
    assert market.get_margin_ratio(160_000 * ONE, INITIAL, True) == 100  # the window
    assert mg.hlm_initial_margin_ratio(160_000.0, 0.1, 0.01, 50 / IMF) == pytest.approx(0.1)


# --------------------------------------------------------------------------- agreement with the exact layer

sizes_1e9 = st.integers(0, 10**19)
imfs = st.integers(0, IMF)


@settings(max_examples=300, deadline=None)
@given(size=sizes_1e9, imf=imfs, weight=st.integers(0, 5 * W))
def test_liability_weight_agrees_with_the_program(size: int, imf: int, weight: int) -> None:
    exact = ex.calculate_size_premium_liability_weight(size, imf, weight, W, True)
    human = mg.liability_weight(size / ONE, weight / W, imf / IMF)
    assert abs(exact - human * W) <= premium_tolerance(imf) + 1e-12 * exact


@settings(max_examples=300, deadline=None)
@given(size=sizes_1e9, imf=imfs, weight=st.integers(0, W))
def test_asset_weight_agrees_with_the_program(size: int, imf: int, weight: int) -> None:
    exact = ex.calculate_size_discount_asset_weight(size, imf, weight)
    human = mg.asset_weight(size / ONE, weight / W, imf / IMF)
    assert abs(exact - human * W) <= discount_tolerance(imf)


@settings(max_examples=300, deadline=None)
@given(size=st.integers(0, 10**17), imf=st.integers(0, 10**5), mri=st.integers(2, W), mrm=st.integers(1, W),
       margin_type=st.sampled_from([INITIAL, MAINTENANCE]))
def test_margin_ratio_agrees_with_get_margin_ratio(size: int, imf: int, mri: int, mrm: int,
                                                   margin_type: MarginRequirementType) -> None:
    mri, mrm = max(mri, mrm), min(mri, mrm)
    market = ex.PerpMarket(margin_ratio_initial=mri, margin_ratio_maintenance=mrm, imf_factor=imf)
    base = mri if margin_type == INITIAL else mrm
    exact = market.get_margin_ratio(size, margin_type, False)
    human = mg.margin_ratio(size / ONE, base / W, imf / IMF)
    assert abs(exact - human * W) <= premium_tolerance(imf) + 1e-12 * exact


@settings(max_examples=300, deadline=None)
@given(size=st.integers(0, 10**17), imf=st.integers(1, 10**4), mri=st.integers(100, 2000),
       hlm=st.integers(10, 99))
def test_hlm_initial_ratio_agrees_outside_the_programs_window(size: int, imf: int, mri: int, hlm: int) -> None:
    market = ex.PerpMarket(margin_ratio_initial=mri, margin_ratio_maintenance=mri // 2, imf_factor=imf,
                           high_leverage_margin_ratio_initial=hlm, high_leverage_margin_ratio_maintenance=hlm // 2 + 1)
    unbounded = ex.calculate_size_premium_liability_weight(size, imf, mri, W, False)
    assume(unbounded != mri)  # the program's window (see test_hlm_window_...)
    exact = market.get_margin_ratio(size, INITIAL, True)
    human = mg.margin_ratio(size / ONE, mri / W, imf / IMF, high_leverage_ratio=hlm / W)
    assert abs(exact - human * W) <= hlm_tolerance(mri, hlm, imf)


@settings(max_examples=300, deadline=None)
@given(pnl=st.integers(-10**12, 10**13), imf=st.integers(0, 10**5), weight=st.integers(0, W))
def test_unrealized_pnl_weight_agrees_with_the_program(pnl: int, imf: int, weight: int) -> None:
    market = ex.PerpMarket(unrealized_pnl_initial_asset_weight=weight, unrealized_pnl_imf_factor=imf)
    exact = market.get_unrealized_asset_weight(pnl, INITIAL)
    human = mg.unrealized_pnl_weight(pnl / ex.QUOTE_PRECISION, weight / W, imf / IMF)
    assert abs(exact - human * W) <= discount_tolerance(imf)


@settings(max_examples=200, deadline=None)
@given(tokens=st.integers(1, 10**7), decimals=st.sampled_from([6, 8, 9]), imf=st.integers(0, 10**5),
       weights=st.tuples(st.integers(0, W), st.integers(0, W), st.integers(W, 3 * W), st.integers(W, 3 * W)))
def test_spot_weights_agree_with_the_spot_market(tokens: int, decimals: int, imf: int,
                                                 weights: tuple[int, int, int, int]) -> None:
    iaw, maw, ilw, mlw = weights
    market = ex.SpotMarket(initial_asset_weight=iaw, maintenance_asset_weight=maw, initial_liability_weight=ilw,
                           maintenance_liability_weight=mlw, imf_factor=imf, decimals=decimals)
    amount = tokens * 10**decimals // 1000  # token units; the size in 1e9 is exact for these decimals
    size = amount / 10**decimals
    price = ex.PRICE_PRECISION
    for program_weight, natural in ((market.get_asset_weight(amount, price, INITIAL), iaw),
                                    (market.get_asset_weight(amount, price, MAINTENANCE), maw)):
        assert abs(program_weight - mg.asset_weight(size, natural / W, imf / IMF) * W) <= discount_tolerance(imf)
    for program_weight, natural in ((market.get_liability_weight(amount, INITIAL), ilw),
                                    (market.get_liability_weight(amount, MAINTENANCE), mlw)):
        assert abs(program_weight - mg.liability_weight(size, natural / W, imf / IMF) * W) <= premium_tolerance(imf)


@settings(max_examples=200, deadline=None)
@given(deposits=st.integers(0, 10**8), price=st.integers(10**4, 10**9), start=st.integers(0, 10**13),
       weight=st.integers(0, W))
def test_scaled_initial_asset_weight_agrees(deposits: int, price: int, start: int, weight: int) -> None:
    market = ex.SpotMarket(initial_asset_weight=weight, scale_initial_asset_weight_start=start, decimals=6,
                           deposit_balance=deposits * ex.SPOT_BALANCE_PRECISION,
                           cumulative_deposit_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION)
    exact = market.get_scaled_initial_asset_weight(price)
    human = mg.scaled_initial_asset_weight(weight / W, deposits * price / 1e6, start / 1e6)
    # the program floors the deposit value to 1e-6 USD and the scaled weight to a unit: < 1 unit, plus the
    # value's rounding near the start threshold, which only switches between two values that agree to 1 unit
    assert abs(exact - human * W) <= 1 + 1e-9 * W


@settings(max_examples=300, deadline=None)
@given(weight=st.integers(100, 5 * W), imf=st.integers(1, 10**5))
def test_premium_binding_size_is_where_the_program_starts_to_charge(weight: int, imf: int) -> None:
    # at 0.81 s* the premium is 0.98 w, at 1.21 s* it is 1.02 w: 0.02 w is beyond the rounding (1 + IMF/1e7) here
    assume(0.02 * weight > premium_tolerance(imf))
    s = mg.premium_binding_size(weight / W, imf / IMF)
    assume(1.21 * s * ONE < 10**20)
    below = ex.calculate_size_premium_liability_weight(int(0.81 * s * ONE), imf, weight, W, True)
    above = ex.calculate_size_premium_liability_weight(int(1.21 * s * ONE), imf, weight, W, True)
    assert below == weight < above


@settings(max_examples=300, deadline=None)
@given(ratio=st.integers(100, 2000), boost=st.floats(1.1, 5.0), notional=st.floats(1e5, 1e9),
       price=st.floats(1.0, 1e5))
def test_designed_imf_factor_gives_the_target_in_the_program(ratio: int, boost: float, notional: float,
                                                             price: float) -> None:
    # the program, with the designed factor rounded to its 1e6 units, asks the target at that size: within the
    # premium's rounding plus the factor's rounding (0.5e-6 * sqrt(size) as a fraction, times 1e4)
    target = min(ratio * boost, W) / W
    imf = mg.imf_factor_for_margin_ratio(target, notional, price, ratio / W)
    assume(round(imf * IMF) >= 1)
    size = notional / price
    market = ex.PerpMarket(margin_ratio_initial=ratio, margin_ratio_maintenance=ratio // 2, imf_factor=round(imf * IMF))
    exact = market.get_margin_ratio(int(size * ONE), INITIAL, False)
    tol = premium_tolerance(round(imf * IMF)) + 0.5e-6 * math.sqrt(size) * W + 1e-6 * target * W
    assert abs(exact - target * W) <= tol


# --------------------------------------------------------------------------- the account model vs the program


SOL = dict(initial_asset_weight=0.8, maintenance_asset_weight=0.9, initial_liability_weight=1.2,
           maintenance_liability_weight=1.1)


@st.composite
def accounts(draw: st.DrawFn) -> mg.Account:
    """A USDC balance, a SOL balance and a SOL-PERP position on the SOL oracle, plus a BTC-PERP."""
    sol_price = draw(st.integers(10**6, 10**9)) / 1e6
    btc_price = draw(st.integers(10**9, 10**11)) / 1e6
    usdc = draw(st.integers(-10**12, 10**13)) / 1e6
    sol = draw(st.integers(-10**13, 10**13)) / 1e9
    spot_imf = draw(st.integers(0, 10**5)) / IMF
    spot = [mg.SpotHolding("USDC", usdc, oracle=mg.QUOTE, decimals=6),
            mg.SpotHolding("SOL", sol, sol_price, imf_factor=spot_imf, **SOL)]
    perps = []
    for name, oracle, price in (("SOL-PERP", "SOL", sol_price), ("BTC-PERP", "BTC", btc_price)):
        base = draw(st.integers(-10**13, 10**13)) / 1e9
        entry = draw(st.integers(10**6, 10**11)) / 1e6
        mrm = draw(st.integers(100, 1000))
        mri = mrm + draw(st.integers(0, 1000))
        perps.append(mg.PerpHolding(
            name, base, entry, price, mri / W, mrm / W, imf_factor=draw(st.integers(0, 10**4)) / IMF,
            unrealized_pnl_initial_asset_weight=draw(st.integers(0, W)) / W,
            unrealized_pnl_maintenance_asset_weight=draw(st.integers(0, W)) / W,
            unrealized_pnl_imf_factor=draw(st.integers(0, 10**4)) / IMF, oracle=oracle))
    return mg.Account(spot=tuple(spot), perps=tuple(perps))


@settings(max_examples=150, deadline=None)
@given(account=accounts(), buffer=st.integers(1, 500))  # the program computes a shortage only with a buffer
def test_account_model_agrees_with_the_margin_calculation(account: mg.Account, buffer: int) -> None:
    sol = account.holding("SOL")
    assume(abs(float(sol.amount)) * float(sol.price) > 0.01)  # the program rejects a borrow worth nothing
    user, perp_map, spot_map, oracles = account.to_exact()
    state = account.evaluate()
    tol = account_tolerance(account) + 1e-12 * (abs(state.liability_value) + abs(state.spot_asset_value))
    calc = ex.calculate_margin_requirement_and_total_collateral_and_liability_info
    initial = calc(user, perp_map, spot_map, oracles, ex.MarginContext.standard(INITIAL))
    maintenance = calc(user, perp_map, spot_map, oracles, ex.MarginContext.standard(MAINTENANCE))
    assert abs(initial.total_collateral / 1e6 - state.total_collateral_initial) <= tol
    assert abs(initial.margin_requirement / 1e6 - state.initial_requirement) <= tol
    assert abs(maintenance.total_collateral / 1e6 - state.total_collateral_maintenance) <= tol
    assert abs(maintenance.margin_requirement / 1e6 - state.maintenance_requirement) <= tol
    assert abs(initial.get_cross_free_collateral() / 1e6 - state.free_collateral) <= 2 * tol
    liquidation = calc(user, perp_map, spot_map, oracles, ex.MarginContext.liquidation(buffer))
    assert abs(liquidation.cross_margin_margin_shortage() / 1e6 - state.margin_shortage(buffer / W)) <= 3 * tol
    equity, _ = ex.calculate_user_equity(user, perp_map, spot_map, oracles)
    assert abs(equity / 1e6 - state.equity) <= tol


def test_account_by_hand() -> None:
    # $500 USDC, 3 SOL at $24 (80/90%), a 0.01 BTC borrow at $60,000 (120/110%), long 200 SOL-PERP from $25
    account = mg.Account(
        spot=(mg.SpotHolding("USDC", 500.0, oracle=mg.QUOTE), mg.SpotHolding("SOL", 3.0, 24.0, **SOL),
              mg.SpotHolding("BTC", -0.01, 60_000.0, **SOL)),
        perps=(mg.PerpHolding("SOL-PERP", 200.0, 25.0, 24.0, 0.1, 0.05, oracle="SOL"),))
    state = account.evaluate()
    assert state.total_collateral_initial == pytest.approx(500 + 72 * 0.8 - 200)
    assert state.total_collateral_maintenance == pytest.approx(500 + 72 * 0.9 - 200)
    assert state.initial_requirement == pytest.approx(600 * 1.2 + 4800 * 0.1)
    assert state.maintenance_requirement == pytest.approx(600 * 1.1 + 4800 * 0.05)
    assert state.free_collateral == 0.0
    assert state.health == 0.0 and bool(state.being_liquidated)
    assert state.equity == pytest.approx(500 + 72 - 600 - 200)
    assert state.leverage == math.inf
    calm = account.replace_holding("USDC", amount=5000.0).evaluate()
    assert calm.health == pytest.approx(1 - 900 / (5000 + 64.8 - 200))
    assert calm.leverage == pytest.approx((4800 + 600) / (5000 + 72 - 600 - 200))


def test_positive_pnl_is_capped_at_100_for_initial() -> None:
    # math/margin.rs: MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN = $100 per position, Initial only
    account = mg.Account(perps=(mg.PerpHolding("SOL-PERP", 10.0, 20.0, 30.0),))
    state = account.evaluate()
    assert state.total_collateral_initial == 100.0
    assert state.total_collateral_maintenance == 100.0 * 1.0  # 10 * $10, weight 1
    user, perp_map, spot_map, oracles = account.to_exact()
    calc = ex.calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_map, spot_map, oracles, ex.MarginContext.standard(INITIAL))
    assert calc.total_collateral == 100 * ex.QUOTE_PRECISION


def test_evaluate_is_vectorised_over_prices() -> None:
    account = mg.Account(spot=(mg.SpotHolding("USDC", 500.0, oracle=mg.QUOTE),),
                         perps=(mg.PerpHolding("SOL-PERP", 200.0, 25.0, 25.0, 0.1, 0.05),))
    prices = np.linspace(20.0, 30.0, 11)
    state = account.evaluate({"SOL-PERP": prices})
    assert state.maintenance_excess.shape == (11,)
    assert np.allclose(state.maintenance_excess, 500 + 200 * (prices - 25) - 0.05 * 200 * prices)
    grid = account.evaluate({"SOL-PERP": prices[:, None]}).maintenance_excess
    assert grid.shape == (11, 1)
    amounts = account.replace_holding("USDC", amount=np.array([100.0, 500.0, 900.0]))
    assert amounts.evaluate({"SOL-PERP": prices[:, None]}).health.shape == (11, 3)
    assert isinstance(account.evaluate().health, float)


# --------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(a=st.floats(0, 1e9), b=st.floats(0, 1e9), imf=st.floats(0, 1), w=st.floats(0, 1))
def test_weights_are_monotone_in_size(a: float, b: float, imf: float, w: float) -> None:
    small, large = sorted((a, b))
    assert mg.liability_weight(small, 1 + w, imf) <= mg.liability_weight(large, 1 + w, imf)
    assert mg.asset_weight(small, w, imf) >= mg.asset_weight(large, w, imf)
    assert mg.margin_ratio(small, max(w, 1e-3), imf) <= mg.margin_ratio(large, max(w, 1e-3), imf)
    assert mg.unrealized_pnl_weight(small + 1e-9, w, imf) >= mg.unrealized_pnl_weight(large + 1e-9, w, imf)


@settings(max_examples=200, deadline=None)
@given(account=accounts(), moves=st.lists(st.floats(0.01, 0.5), min_size=2, max_size=8))
def test_health_falls_as_the_price_moves_against_a_lone_position(account: mg.Account, moves: list[float]) -> None:
    # A lone perp position against USDC, its positive P&L weighed 1 (listed markets' maintenance weight). The
    # maintenance excess falls as the price moves against the position (slope (1 - mr)*|base| per $). Health,
    # 1 - MMR/TC, falls too for a short, and for a levered long (USDC <= base * entry): d health/dP is
    # -mr*b*(C - b*E)/TC^2, so a long backed by more than its entry notional gets *healthier* as the price falls
    # (its requirement shrinks faster than its collateral); test_overcollateralised_long_... shows it.
    perp = account.holding("SOL-PERP")
    usdc = account.holding("USDC")
    assert isinstance(perp, mg.PerpHolding) and isinstance(usdc, mg.SpotHolding)
    base, collateral = float(perp.base), float(usdc.amount)
    assume(base != 0)
    assume(base < 0 or collateral <= base * float(perp.entry_price))
    lone = mg.Account(spot=(usdc,), perps=(replace(perp, unrealized_pnl_maintenance_asset_weight=1.0),))
    sign = 1.0 if base > 0 else -1.0
    factors = np.cumprod(1 - sign * np.array(sorted(moves)) / 10)  # successive moves against the position
    prices = float(perp.price) * np.concatenate([[1.0], factors])
    state = lone.evaluate({"SOL": prices})
    excess = state.maintenance_excess
    assert np.all(np.diff(excess) <= 1e-9 * (1 + np.abs(excess[:-1])))
    assert np.all(np.diff(state.health) <= 1e-12)


def test_overcollateralised_long_gets_healthier_as_the_price_falls() -> None:
    # $2,000 against a 10-unit long from $100 (5% maintenance): at $100 health is 1 - 50/2000, at $50 1 - 25/1500
    account = mg.Account(spot=(mg.SpotHolding("USDC", 2000.0, oracle=mg.QUOTE),),
                         perps=(mg.PerpHolding("P", 10.0, 100.0, 100.0, 0.1, 0.05),))
    health = account.evaluate({"P": np.array([100.0, 50.0])}).health
    assert health[0] == pytest.approx(1 - 50 / 2000) and health[1] == pytest.approx(1 - 25 / 1500)
    assert health[1] > health[0]


# --------------------------------------------------------------------------- broadcasting and bad input


def test_broadcasting_shapes() -> None:
    sizes = np.logspace(0, 6, 7)
    imfs = np.array([[0.0], [0.001]])
    assert mg.margin_ratio(sizes, 0.05, imfs).shape == (2, 7)
    assert mg.asset_weight(sizes, 0.8, imfs).shape == (2, 7)
    assert isinstance(mg.liability_weight(1.0, 1.1, 0.0), float)


@pytest.mark.parametrize("call, name", [
    (lambda: mg.liability_weight(1, -1, 0), "weight"),
    (lambda: mg.asset_weight(1, 1.5, 0), "weight"),
    (lambda: mg.asset_weight("big", 0.8, 0), "size"),
    (lambda: mg.margin_ratio(1, 0.0, 0), "ratio"),
    (lambda: mg.margin_ratio(1, 0.1, -0.1), "imf_factor"),
    (lambda: mg.margin_ratio(1, 0.1, 0.01, high_leverage_ratio=0), "high_leverage_ratio"),
    (lambda: mg.unrealized_pnl_weight(float("nan"), 1, 0), "pnl"),
    (lambda: mg.imf_factor_for_margin_ratio(0.05, 1e6, 100, 0.1), "target_ratio"),
    (lambda: mg.imf_factor_for_margin_ratio(0.2, 0, 100, 0.1), "notional"),
    (lambda: mg.SpotHolding("SOL", 1.0, 0.0), "price"),
    (lambda: mg.SpotHolding("SOL", 1.0, 10.0, initial_liability_weight=0.9), "initial_liability_weight"),
    (lambda: mg.SpotHolding("USDC", 1.0, 2.0, oracle=mg.QUOTE), "price of the quote"),
    (lambda: mg.PerpHolding("P", 1.0, 10.0, 10.0, 0.05, 0.1), "margin_ratio_maintenance"),
    (lambda: mg.PerpHolding("P", 1.0, -10.0, 10.0), "entry_price"),
    (lambda: mg.Account(perps=(mg.PerpHolding("P", 1, 1, 1), mg.PerpHolding("P", 1, 1, 1))), "unique"),
    (lambda: mg.Account(spot=(mg.SpotHolding("S", 1, 2.0),), perps=(mg.PerpHolding("P", 1, 1, 3.0, oracle="S"),)),
     "must agree"),
    (lambda: mg.Account().evaluate({"XYZ": 1.0}), "prices must name"),
    (lambda: mg.Account().holding("SOL"), "market must be one of"),
    (lambda: mg.Account(perps=(mg.PerpHolding("P", 1, 1, 1),)).evaluate().excess("fill"), "margin_type"),
    (lambda: mg.Account(perps=(mg.PerpHolding("P", [1, 2], 1, 1),)).to_exact(), "scalar"),
])
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()
