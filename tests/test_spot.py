"""Human-layer spot lending (driftlab.spot): hand values, the docs' worked examples, agreement with the exact layer
within the program's rounding (tolerances derived per function), invariants, broadcasting and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.spot as spot
from driftlab.exact import SpotBalanceType, SpotMarket

Deposit, Borrow = SpotBalanceType.Deposit, SpotBalanceType.Borrow
CI = ex.SPOT_CUMULATIVE_INTEREST_PRECISION
E6 = 1e6


def market(uo: int, ro: int, rm: int, rmin: int = 0, **fields: object) -> SpotMarket:
    return SpotMarket(optimal_utilization=uo, optimal_borrow_rate=ro, max_borrow_rate=rm, min_borrow_rate=rmin,
                      **fields)  # type: ignore[arg-type]


def test_kinks_are_the_programs_table() -> None:
    assert spot.KINKS == tuple((end / 1e6, w / 1000) for end, w in ex.INTEREST_RATE_SEGMENT_AND_WEIGHTS)
    assert math.isclose(sum(w for _, w in spot.KINKS), 1.0)
    assert spot.ONE_YEAR == ex.ONE_YEAR
    assert spot.MIN_BORROW_RATE_STEP * E6 == SpotMarket(min_borrow_rate=1).get_min_borrow_rate()


# --------------------------------------------------------------------------- documented numbers


def test_multi_kink_table_of_the_docs_digest() -> None:
    # drift-docs-digest.md §(c) "[CALC] Multi-kink, illustrative with U*=0.8, R_opt=6%, R_max=100%"
    u = [0.5, 0.85, 0.90, 0.95, 0.99, 0.995, 1.0]
    expected = [0.0375, 0.107, 0.201, 0.342, 0.530, 0.765, 1.0]
    assert np.allclose(spot.borrow_rate(u, 0.8, 0.06, 1.0), expected, rtol=0, atol=1e-12)
    exact = [ex.calculate_borrow_rate(market(800_000, 60_000, 1_000_000), round(x * E6)) for x in u]
    assert exact == [37_500, 107_000, 201_000, 342_000, 530_000, 765_000, 1_000_000]


@pytest.mark.parametrize(("u", "rate"), [
    (0, 0), (350_000, 49_999), (700_000, 99_999), (850_000, 345_000), (900_000, 835_000), (950_000, 1_570_000),
    (985_000, 2_427_500), (990_000, 2_550_000), (995_000, 3_775_000), (1_000_000, 5_000_000)])
def test_program_multi_stage_vectors(u: int, rate: int) -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_multi_stage_borrow_rate_curve (70% / 10% / 500%);
    # the program's linear part truncates its slope (142857 for 1/7), so 35% gives 49999 where the curve is 50000
    human = spot.borrow_rate(u / E6, 0.7, 0.1, 5.0) * E6
    assert rate <= human + 1e-6 < rate + 2


def test_sdk_borrow_and_deposit_rate_example() -> None:
    # drift-docs-digest.md §(c) worked example, sdk/tests/spot/test.ts "borrow rates": 7% at 70%, max 100%,
    # decimals 9, cumDep 1.0154217042, cumBor 1.0417153549, balances 88,522.734106451 / 17,089.91675884
    deposits = spot.token_amount(88_522.734106451, 1.0154217042, 9)
    borrows = spot.token_amount(17_089.91675884, 1.0417153549, 9, is_borrow=True)
    for delta_deposit, delta_borrow, borrow_rate, deposit_rate in (
            (0, 0, 19_805, 3_922), (10_000, 0, 17_822, 3_176), (0, 1_000, 20_918, 4_375)):
        u = spot.utilization(deposits + delta_deposit, borrows + delta_borrow)
        br, dr = spot.rates(u, 0.7, 0.07, 1.0)
        # the program truncates U to 1e-6, then the rates: each within 1e-6 of the SDK's integers (0.1 for U)
        assert borrow_rate <= br * E6 < borrow_rate + 1 + 0.1
        assert deposit_rate <= dr * E6 < deposit_rate + 1 + 0.03
    # and the exact layer gives the SDK's integers
    m = market(700_000, 70_000, 1_000_000, decimals=9, cumulative_deposit_interest=10_154_217_042,
               cumulative_borrow_interest=10_417_153_549, deposit_balance=88_522_734_106_451,
               borrow_balance=17_089_916_758_840)
    u = m.get_utilization()
    assert u == 198_055  # the digest's [CALC] 0.198056 rounds; the program truncates
    assert (ex.calculate_borrow_rate(m, u), ex.calculate_deposit_rate(m, u, 19_805)) == (19_805, 3_922)


def test_two_slope_by_hand_and_the_old_program() -> None:
    # the program before 2c80851: R_opt + (R_max - R_opt) * (U - U*) / (1 - U*) above optimal
    assert spot.borrow_rate_two_slope(0.9, 0.8, 0.06, 1.0) == pytest.approx(0.06 + 0.94 * 0.5)
    assert spot.borrow_rate_two_slope(0.4, 0.8, 0.06, 1.0) == pytest.approx(0.03)
    assert spot.borrow_rate_two_slope(1.0, 0.8, 0.06, 1.0) == pytest.approx(1.0)
    assert spot.borrow_rate_two_slope(0.5, 1.0, 0.06, 1.0) == pytest.approx(0.03)
    # same below optimal and at 100%; the new curve is below the old one between the optimum and 100%
    u = np.linspace(0.81, 0.999, 50)
    assert np.all(spot.borrow_rate(u, 0.8, 0.06, 1.0) < spot.borrow_rate_two_slope(u, 0.8, 0.06, 1.0))


def test_optimal_above_first_kink_is_the_programs_error() -> None:
    # fidelity-notes.md: optimal 90%, utilization 95% fails in the program
    with pytest.raises(ex.MathError):
        ex.calculate_borrow_rate(market(900_000, 100_000, 1_000_000), 950_000)
    with pytest.raises(ValueError, match="optimal_utilization.*first kink.*MathError"):
        spot.borrow_rate(0.95, 0.9, 0.1, 1.0)
    # below optimal it is fine, in both layers
    assert spot.borrow_rate(0.45, 0.9, 0.1, 1.0) == pytest.approx(0.05)
    # (the program's slope 1e11 / 900000 truncates to 111111, so 45% gives 49999.95 -> 49999)
    assert ex.calculate_borrow_rate(market(900_000, 100_000, 1_000_000), 450_000) == 49_999


def test_optimal_exactly_at_first_kink_jumps_like_the_program() -> None:
    # U* = 85%: the first segment is empty, so just above optimal the rate jumps by 5% of (max - optimal)
    m = market(850_000, 100_000, 1_000_000)
    assert ex.calculate_borrow_rate(m, 850_000) == 99_999  # the truncated slope again
    assert ex.calculate_borrow_rate(m, 850_001) == 100_000 + 45_000 + 1
    assert spot.borrow_rate(0.850001, 0.85, 0.1, 1.0) == pytest.approx(0.1 + 0.045 + 0.9 * 0.1 * 1e-6 / 0.05)


def test_min_rate_floor_and_deposit_rate_by_hand() -> None:
    assert spot.borrow_rate(0.0, 0.8, 0.06, 1.0, 0.01) == 0.01
    assert spot.borrow_rate(0.4, 0.8, 0.06, 1.0, 0.01) == pytest.approx(0.03)
    # 10% borrow rate at 50% utilization with a 10% insurance take: 4.5% (as the exact layer's test)
    assert spot.deposit_rate(0.5, 0.1, 0.1) == pytest.approx(0.045)
    br, dr = spot.rates(0.4, 0.8, 0.06, 1.0, insurance_factor=0.2)
    assert (br, dr) == (pytest.approx(0.03), pytest.approx(0.03 * 0.4 * 0.8))


def test_utilization_edges_match_the_program() -> None:
    assert spot.utilization(0, 0) == 0.0 and ex.calculate_utilization(0, 0) == 0
    assert spot.utilization(0, 5) == 1.0 and ex.calculate_utilization(0, 5) == 1_000_000
    assert spot.utilization(200, 50) == 0.25
    assert np.allclose(spot.utilization([0, 100, 100], [0, 50, 0]), [0, 0.5, 0])


# --------------------------------------------------------------------------- compounding


def test_apr_apy_by_hand_and_round_trips() -> None:
    assert spot.apr_to_apy(0.1, 1) == pytest.approx(0.1)
    assert spot.apr_to_apy(0.1, 12) == pytest.approx(1.1 ** 0 * (1 + 0.1 / 12) ** 12 - 1)
    assert spot.apr_to_apy(0.1) == pytest.approx(math.exp(0.1) - 1)
    r = np.linspace(0, 3, 31)
    for n in (None, 1.0, 365.0, 8760.0):
        assert np.allclose(spot.apy_to_apr(spot.apr_to_apy(r, n), n), r)
    # more frequent compounding gives more, continuous the most
    assert spot.apr_to_apy(0.2, 365) < spot.apr_to_apy(0.2, 8760) < spot.apr_to_apy(0.2)


def test_index_growth_is_the_apy_over_a_year() -> None:
    hourly = 3600.0
    assert spot.index_growth(0.1, spot.ONE_YEAR, hourly) - 1 == pytest.approx(spot.apr_to_apy(0.1, 8760))
    assert spot.index_growth(0.1, spot.ONE_YEAR) - 1 == pytest.approx(spot.apr_to_apy(0.1))
    assert spot.index_growth(0.1, 0.0, hourly) == 1.0


# --------------------------------------------------------------------------- balances


def test_token_amount_and_scaled_balance_by_hand() -> None:
    # the exact layer's hand case: balance 1e9 + 1 (1.000000001) at index 1.5, 6 decimals: 1.5000000015 tokens,
    # a deposit rounds down to 1.5, a borrow up to 1.500001
    assert spot.token_amount(1.000000001, 1.5, 6) == 1.5
    assert spot.token_amount(1.000000001, 1.5, 6, is_borrow=True) == pytest.approx(1.500001)
    assert spot.scaled_balance(1.5, 1.5) == 1.0
    assert spot.scaled_balance(1.5, 1.5, is_borrow=True) == pytest.approx(1.000000001)
    assert spot.scaled_balance(0.0, 1.5, is_borrow=True) == 0.0
    # per element: deposits and borrows side by side
    out = spot.token_amount([1.000000001, 1.000000001], 1.5, 6, is_borrow=[False, True])
    assert np.allclose(out, [1.5, 1.500001], rtol=0, atol=1e-12)


@given(balance=st.integers(0, 10**18), dec=st.integers(5, 19), ci=st.integers(CI, 50 * CI))
def test_token_amount_agrees_with_the_program_and_favours_it(balance: int, dec: int, ci: int) -> None:
    m = SpotMarket(decimals=dec, cumulative_deposit_interest=ci, cumulative_borrow_interest=ci)
    exact_deposit = ex.get_token_amount(balance, m, Deposit)
    exact_borrow = ex.get_token_amount(balance, m, Borrow)
    b, index = balance / 1e9, ci / CI
    deposit = spot.token_amount(b, index, dec)
    borrow = spot.token_amount(b, index, dec, is_borrow=True)
    value = b * index
    # rounding favours the protocol: a deposit is worth at most its balance times the index, a borrow owes at least
    ulps = 4e-16 * value  # floor/ceil act on balance * index * 10**dec; dividing back adds an ulp or two
    assert deposit <= value + ulps and value <= borrow + ulps
    assert borrow - deposit <= 10.0**-dec + 4e-16 * value
    # the floats carry ~1e-16 relative error, so the floor / ceiling may land one smallest unit away
    slack = 1 + 4e-16 * value * 10.0**dec
    assert abs(deposit * 10.0**dec - exact_deposit) <= slack
    assert abs(borrow * 10.0**dec - exact_borrow) <= slack
    assert exact_deposit <= exact_borrow <= exact_deposit + 1


@given(amount=st.integers(0, 10**15), dec=st.integers(5, 19), ci=st.integers(CI, 50 * CI))
def test_scaled_balance_agrees_with_the_program(amount: int, dec: int, ci: int) -> None:
    m = SpotMarket(decimals=dec, cumulative_deposit_interest=ci, cumulative_borrow_interest=ci)
    tokens, index = amount / 10.0**dec, ci / CI
    for side, is_borrow in ((Deposit, False), (Borrow, True)):
        exact = ex.get_spot_balance(amount, m, side, is_borrow)
        human = spot.scaled_balance(tokens, index, is_borrow=is_borrow) * 1e9
        # the float quotient may floor one unit away at an exact integer; at 0 vs 1 a borrow also loses its +1
        assert abs(human - exact) <= 1 + 4e-16 * human or (is_borrow and (human, exact) == (0, 2))
    # a recorded borrow is worth at least what it took (a borrow under one balance unit, 1e-9 * index tokens,
    # records nothing, in the program too: tests/exact/test_spot_balance.py)
    recorded = spot.scaled_balance(tokens, index, is_borrow=True)
    assert recorded * index >= tokens * (1 - 1e-15) or (recorded == 0 and tokens < 1e-9 * index)


# --------------------------------------------------------------------------- rates vs the program


curve_params = st.tuples(
    st.integers(1, 1_000_000),  # optimal utilization
    st.integers(0, 2_000_000),  # optimal rate
    st.integers(0, 3_000_000),  # max - optimal
    st.integers(0, 255),  # min rate field (0.5% steps)
).filter(lambda p: p[3] * 5_000 <= p[1])


@given(params=curve_params, u=st.integers(0, 1_000_000))
def test_borrow_rate_agrees_with_the_program(params: tuple[int, int, int, int], u: int) -> None:
    uo, ro, extra, rmin = params
    m = market(uo, ro, ro + extra, rmin)
    if uo > 850_000 and u > uo:
        with pytest.raises(ex.MathError):
            ex.calculate_borrow_rate(m, u)
        with pytest.raises(ValueError, match="first kink"):
            spot.borrow_rate(u / E6, uo / E6, ro / E6, (ro + extra) / E6, rmin * spot.MIN_BORROW_RATE_STEP)
        return
    exact = ex.calculate_borrow_rate(m, u)
    human = spot.borrow_rate(u / E6, uo / E6, ro / E6, (ro + extra) / E6, rmin * spot.MIN_BORROW_RATE_STEP) * E6
    # Below optimal the program truncates the slope R_opt*1e6/U* (losing < U/1e6 <= 1 after the multiplication)
    # and then the product (< 1 more). Above it each segment's total (R_max-R_opt)*w/1000 truncates (< 1 per full
    # segment, at most 5) and the partial segment truncates twice (< 2). The program is never above the curve.
    full_segments = sum(1 for end, _ in spot.KINKS if end <= u / E6 and u > uo)
    bound = 2 + full_segments
    float_error = 1e-9 * max(human, 1.0)
    assert exact <= human + float_error
    assert human - exact < bound + float_error


@given(params=curve_params, u1=st.integers(0, 1_000_000), u2=st.integers(0, 1_000_000))
def test_borrow_rate_is_monotone_and_within_min_and_max(params: tuple[int, int, int, int], u1: int,
                                                        u2: int) -> None:
    uo, ro, extra, rmin = (params[0] / E6, params[1] / E6, params[2] / E6, params[3] * 0.005)
    lo, hi = sorted((u1 / E6, u2 / E6))
    assume(uo <= 0.85 or hi <= uo)
    r_lo, r_hi = spot.borrow_rate(np.array([lo, hi]), uo, ro, ro + extra, rmin)
    assert r_lo <= r_hi + 1e-12
    assert rmin <= r_lo and r_hi <= ro + extra + 1e-12
    dr_lo, dr_hi = spot.deposit_rate(np.array([lo, hi]), np.array([r_lo, r_hi]), 0.1)
    assert 0 <= dr_lo <= dr_hi + 1e-12 <= r_hi * 0.9 + 2e-12


@given(u=st.integers(0, 1_000_000), br=st.integers(0, 10_000_000), f=st.integers(0, 1_000_000))
def test_deposit_rate_agrees_with_the_program(u: int, br: int, f: int) -> None:
    exact = ex.calculate_deposit_rate(SpotMarket(insurance_fund=ex.InsuranceFund(total_factor=f)), u, br)
    human = spot.deposit_rate(u / E6, br / E6, f / E6) * E6
    # floor(floor(br*(1e6-f)*U/1e6)/1e6) = floor(br*(1e6-f)*U/1e12): below the product by less than one unit
    assert exact <= human + 1e-9 * max(human, 1) and human - exact < 1 + 1e-9 * max(human, 1)


def test_optimal_borrow_rate_for_deposit_rate_round_trips() -> None:
    for u, uo, rm, f, target in ((0.5, 0.8, 1.0, 0.1, 0.02), (0.9, 0.8, 1.0, 0.0, 0.15),
                                 (0.97, 0.7, 3.0, 0.2, 1.0), (0.8, 0.8, 1.0, 0.0, 0.04)):
        ro = spot.optimal_borrow_rate_for_deposit_rate(target, u, uo, rm, f)
        assert 0 <= ro <= rm
        br, dr = spot.rates(u, uo, ro, rm, insurance_factor=f)
        assert dr == pytest.approx(target)
    with pytest.raises(ValueError, match="target_deposit_rate cannot be reached"):
        spot.optimal_borrow_rate_for_deposit_rate(0.05, 0.9, 0.8, 1.0)  # 15% of max already exceeds it


# --------------------------------------------------------------------------- interest accrual vs the program


def _accrual_bound(path: spot.InterestPath, uo: float, ro: float, rm: float, dt: float, d_units: float,
                   b_units: float) -> tuple[float, float]:
    """Worst-case |exact - human| for the final (deposit, borrow) index, by running the error recursion.

    Per update the program's rate is below the curve by < (2 + full segments) * 1e-6 (see the rate test), plus
    the slope L times the utilization gap; the utilization gap is < 1e-6 (truncation) plus U times the two
    indexes' relative errors plus two token units over the market sizes. The borrow index gains +1 (1e-10) per
    update by design and floors (< 1e-10); the deposit index floors twice (< 1e-10 and index/(ONE_YEAR*1e6))
    and the insurance split may give lenders 1e-10 more. Errors compound with the index.
    """
    year = spot.ONE_YEAR
    # the curve's pieces as (start, end, slope); the Lipschitz constant is the steepest piece within `margin` of
    # the utilizations the path visits (the recursion below checks the utilization gap stays inside it)
    margin = 1e-3
    starts = [uo] + [end for end, _ in spot.KINKS[:-1]]
    pieces = [(0.0, uo, ro / uo)] + [(start, end, (rm - ro) * w / (end - start))
                                     for start, (end, w) in zip(starts, spot.KINKS, strict=True) if end > start]
    low, high = float(path.utilization.min()) - margin, float(path.utilization.max()) + margin
    lipschitz = max(slope for start, end, slope in pieces if end >= low and start <= high)
    err_d = err_b = 0.0
    for k in range(len(path.time) - 1):
        step = (path.time[k + 1] - path.time[k]) / year
        u, br = float(path.utilization[k]), float(path.borrow_rate[k])
        di, bi = float(path.deposit_index[k]), float(path.borrow_index[k])
        gap_u = 1e-6 + u * (err_d / di + err_b / bi) + 2 / d_units + 2 / b_units + 2 * (k + 1) / d_units
        assert gap_u < margin
        truncation = (2 + sum(1 for end, _ in spot.KINKS if u > uo and end <= u + gap_u)) * 1e-6
        gap_r = truncation + lipschitz * gap_u
        err_b = err_b * (1 + br * step) + bi * gap_r * step + 1e-10
        err_d = err_d * (1 + br * u * step) + di * (gap_r * u + br * gap_u) * step + di / (year * 1e6) + 2e-10
    return err_d, err_b


@settings(max_examples=40, deadline=None)
@given(uo=st.integers(300_000, 850_000), ro=st.integers(10_000, 200_000), extra=st.integers(0, 1_000_000),
       u0=st.integers(50_000, 950_000), f=st.integers(0, 500_000), dt=st.integers(600, 86_400),
       steps=st.integers(1, 24))
def test_interest_path_agrees_with_the_program(uo: int, ro: int, extra: int, u0: int, f: int, dt: int,
                                               steps: int) -> None:
    deposits = 10**13  # 10M tokens of 6 decimals
    borrows = deposits * u0 // 1_000_000
    table = spot.exact_accrual(deposits, borrows, days=0, update_interval=dt, optimal_utilization=uo,
                               optimal_borrow_rate=ro, max_borrow_rate=ro + extra, total_factor=f)
    assert len(table) == 1  # days=0: just the start
    m = market(uo, ro, ro + extra, decimals=6, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
               insurance_fund=ex.InsuranceFund(total_factor=f))
    ex.update_spot_balances(deposits, Deposit, m, ex.SpotPosition(), False)
    ex.update_spot_balances(borrows, Borrow, m, ex.SpotPosition(), False)
    cdi, cbi = [m.cumulative_deposit_interest], [m.cumulative_borrow_interest]
    for k in range(1, steps + 1):
        ex.update_spot_market_cumulative_interest(m, None, k * dt)
        assert m.last_interest_ts == k * dt  # every update applied (no zero-interest skips in this range)
        cdi.append(m.cumulative_deposit_interest)
        cbi.append(m.cumulative_borrow_interest)
    # indexes never decrease (the program's borrow index strictly increases: +1 every update)
    assert all(a <= b for a, b in zip(cdi, cdi[1:], strict=False))
    assert all(a < b for a, b in zip(cbi, cbi[1:], strict=False))

    path = spot.interest_path(deposits / E6, borrows / E6, steps * dt, dt, optimal_utilization=uo / E6,
                              optimal_borrow_rate=ro / E6, max_borrow_rate=(ro + extra) / E6,
                              insurance_factor=f / E6)
    assert np.all(np.diff(path.deposit_index) >= 0) and np.all(np.diff(path.borrow_index) >= 0)
    # borrowers pay what depositors and the revenue pool receive: deposits - borrows is constant
    assert np.allclose(path.deposits - path.borrows, (deposits - borrows) / E6, rtol=1e-12)
    err_d, err_b = _accrual_bound(path, uo / E6, ro / E6, (ro + extra) / E6, dt, deposits, max(borrows, 1))
    assert abs(cdi[-1] / CI - path.deposit_index[-1]) <= err_d + 1e-15
    assert abs(cbi[-1] / CI - path.borrow_index[-1]) <= err_b + 1e-15


def test_exact_accrual_a_year_matches_the_human_path() -> None:
    # a USDC-like market: 10M deposits, 5M borrows, 80% / 5% / 100%, 10% insurance take, hourly updates
    table = spot.exact_accrual(10**13, 5 * 10**12, days=365, update_interval=3600, total_factor=100_000)
    assert len(table) == 366
    assert table["cumulative_borrow_interest"].is_monotonic_increasing
    assert table["cumulative_deposit_interest"].is_monotonic_increasing
    path = spot.interest_path(1e7, 5e6, 365 * 86_400, 3600, optimal_utilization=0.8, optimal_borrow_rate=0.05,
                              max_borrow_rate=1.0, insurance_factor=0.1)
    err_d, err_b = _accrual_bound(path, 0.8, 0.05, 1.0, 3600, 1e13, 5e12)
    last = table.iloc[-1]
    assert abs(last["cumulative_borrow_interest"] / CI - path.borrow_index[-1]) <= err_b
    assert abs(last["cumulative_deposit_interest"] / CI - path.deposit_index[-1]) <= err_d
    assert err_b < 5e-6 and err_d < 5e-6  # the bound is tight enough to mean something
    # The revenue pool holds the insurance take. The program gives the stakers floor(increment * f) index units
    # per update, about 1783 here (1e10 * 3.125% * 50% * 3600 s / ONE_YEAR * 10%), so it is short by up to one
    # unit in that many: the pool comes out below the smooth model by less than that fraction.
    stakers_units = CI * float(path.borrow_rate[0] * path.utilization[0]) * 3600 / spot.ONE_YEAR * 0.1
    shortfall = 1 - last["revenue_pool_tokens"] / E6 / path.revenue[-1]
    assert 0 < shortfall < 1 / stakers_units
    # Deposits - borrows, the available liquidity, stays put up to the program's rounding: each update floors the
    # deposit increment and adds one unit to the borrow increment (each < 1e-10 of the balances), floors two
    # token amounts, and accrues deposits at the utilization truncated to 1e-6.
    steps = 365 * 24
    paid = last["borrow_tokens"] - 5 * 10**12
    tol = steps * (1e-10 * (last["deposit_tokens"] + last["borrow_tokens"]) + 2) + 1e-6 * paid / 0.5
    assert abs(last["deposit_tokens"] - last["borrow_tokens"] - 5 * 10**12) <= tol


# --------------------------------------------------------------------------- withdraw limits vs the program


@given(twap=st.integers(0, 10**15), guard=st.integers(0, 10**14))
def test_min_deposits_for_twap_agrees_with_the_program(twap: int, guard: int) -> None:
    exact = ex.calculate_min_deposit_token_amount(twap, guard)
    human = spot.min_deposits_for_twap(twap / E6, guard / E6) * E6
    # only twap / 4 truncates: the program keeps up to one unit more on deposit
    assert -1e-9 * twap <= exact - human < 1 + 1e-9 * twap


@given(deposits=st.integers(0, 10**15), dtwap=st.integers(0, 10**15), btwap=st.integers(0, 10**15),
       guard=st.integers(0, 10**13), cap=st.one_of(st.none(), st.integers(0, 10**15)), pool=st.sampled_from([0, 1]))
def test_max_borrows_for_twap_agrees_with_the_program(deposits: int, dtwap: int, btwap: int, guard: int,
                                                      cap: int | None, pool: int) -> None:
    exact = ex.calculate_max_borrow_token_amount(deposits, dtwap, btwap, guard, ex.U128.max if cap is None else cap,
                                                 pool)
    human = spot.max_borrows_for_twap(deposits / E6, dtwap / E6, btwap / E6, guard / E6,
                                      np.inf if cap is None else cap / E6, isolated_pool=pool != 0) * E6
    # D//3, D//5 truncate down (< 1), D - D//14 is up to one unit above D - D/14; min/max keep the bound
    scale = 1e-9 * (deposits + btwap + guard + 1)
    assert abs(exact - human) < 1 + scale


def test_withdraw_limits_by_hand() -> None:
    # twap 1000, guard 100: a quarter (250) may leave, 750 must stay; a guard above the quarter allows more
    assert spot.min_deposits_for_twap(1000, 100) == 750
    assert spot.min_deposits_for_twap(1000, 400) == 600
    assert spot.min_deposits_for_twap(1000, 2000) == 0
    # D = 1000: max(D/3, borrow twap + D/5) capped at D - D/14, at least the guard
    assert spot.max_borrows_for_twap(1000, 1000, 100, 0) == pytest.approx(1000 / 3)
    assert spot.max_borrows_for_twap(1000, 1000, 800, 0) == pytest.approx(1000 * 13 / 14)
    assert spot.max_borrows_for_twap(1000, 1000, 800, 0, max_token_borrows=500) == 500
    low, high = spot.utilization_limits(1000, 600, 0.6, 0.7, 0)
    assert (low, high) == (pytest.approx(600 / 0.8), pytest.approx(800))  # ceiling max(0.7, 0.6 + 0.2) = 0.8


@settings(max_examples=200)
@given(deposits=st.integers(10**6, 10**13), u=st.integers(0, 950_000), dtwap_f=st.floats(0.5, 1.5),
       btwap_f=st.floats(0.5, 1.5), util_twap=st.integers(0, 1_000_000), uo=st.integers(100_000, 1_000_000),
       guard=st.integers(0, 10**11), amount_f=st.floats(-0.5, 1.0), leaving=st.booleans())
def test_max_withdraw_agrees_with_the_program(deposits: int, u: int, dtwap_f: float, btwap_f: float, util_twap: int,
                                              uo: int, guard: int, amount_f: float, leaving: bool) -> None:
    borrows = deposits * u // 1_000_000
    dtwap, btwap = int(deposits * dtwap_f), int(borrows * btwap_f)
    m = SpotMarket(decimals=6, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
                   deposit_balance=deposits * 1000, borrow_balance=borrows * 1000, deposit_token_twap=dtwap,
                   borrow_token_twap=btwap, utilization_twap=util_twap, optimal_utilization=uo,
                   withdraw_guard_threshold=guard)
    amount = int(deposits * amount_f)
    exact = ex.get_max_withdraw_for_market_with_token_amount(m, amount, leaving)
    args = (deposits / E6, borrows / E6, dtwap / E6, btwap / E6, util_twap / E6, uo / E6, guard / E6)
    human = spot.max_withdraw(amount / E6, *args, is_leaving_drift=leaving) * E6
    # Tolerance: the floor keeps < 1 unit (twap/4) or, from utilization, borrows/ceiling with a ceiling truncated
    # by < 0.5e-6 (>= 0.5, so < 2e-6 * borrows) + 1; the borrow room floors c*D (< 0.5e-6*D + 1) and D/3, D/5,
    # D/14 (< 1). Near the branch "the floor binds" the two may choose different branches: skip those.
    tol = 2 + 2e-6 * borrows + 0.5e-6 * deposits + 1e-9 * deposits
    floor = max(spot.min_deposits_for_twap(dtwap / E6, guard / E6),
                spot.utilization_limits(*args[:2], *args[4:])[0] if leaving else 0.0)
    assume(abs((deposits / E6 - floor) - amount / E6) * E6 > tol)
    assert abs(exact - human) <= tol


# --------------------------------------------------------------------------- broadcasting and bad input


def test_broadcasting_returns_the_broadcast_shape() -> None:
    u = np.linspace(0, 1, 101)
    uo = np.array([[0.5], [0.8]])
    out = spot.borrow_rate(u, uo, 0.05, 1.0)
    assert out.shape == (2, 101)
    assert np.allclose(out[1], spot.borrow_rate(u, 0.8, 0.05, 1.0))
    assert isinstance(spot.borrow_rate(0.5, 0.8, 0.05, 1.0), float)
    assert spot.token_amount(np.ones((3, 1)), np.array([1.0, 2.0]), 6).shape == (3, 2)
    path = spot.interest_path(np.array([100.0, 200.0]), 50.0, 86_400, 3600, optimal_utilization=0.8,
                              optimal_borrow_rate=0.05, max_borrow_rate=1.0)
    assert path.borrow_index.shape == (25, 2) and path.time.shape == (25,)
    # the lower utilization market's borrowers pay the lower rate
    assert path.borrow_index[-1, 1] < path.borrow_index[-1, 0]


def test_array_parameters_agree_with_one_curve_at_a_time() -> None:
    # a single curve interpolates its share table; curves given as arrays go segment by segment: same numbers
    rng = np.random.default_rng(3)
    uo = np.append(rng.uniform(0.05, 0.85, 30), 0.85)
    ro = rng.uniform(0, 0.3, uo.size)
    rm = ro + rng.uniform(0, 3, uo.size)
    u = np.concatenate([np.linspace(0, 1, 101), [0.850001, 0.9, 0.95, 0.99, 0.995]])
    together = spot.borrow_rate(u[:, None], uo, ro, rm)
    one_by_one = np.stack([spot.borrow_rate(u, uo[i], ro[i], rm[i]) for i in range(uo.size)], axis=1)
    assert np.allclose(together, one_by_one, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: spot.borrow_rate(1.2, 0.8, 0.05, 1.0), r"utilization must be in \[0, 1\]"),
    (lambda: spot.borrow_rate(-0.1, 0.8, 0.05, 1.0), "utilization"),
    (lambda: spot.borrow_rate(0.5, 0.0, 0.05, 1.0), r"optimal_utilization must be in \(0, 1\]"),
    (lambda: spot.borrow_rate(0.5, 1.1, 0.05, 1.0), "optimal_utilization"),
    (lambda: spot.borrow_rate(0.5, 0.8, 0.05, 0.01), "max_borrow_rate must be >= optimal_borrow_rate"),
    (lambda: spot.borrow_rate(0.5, 0.8, 0.01, 1.0, 0.02), "optimal_borrow_rate must be >= min_borrow_rate"),
    (lambda: spot.borrow_rate(0.5, 0.8, 2.0, 3.0, 1.5), "min_borrow_rate"),
    (lambda: spot.borrow_rate(0.5, 0.8, -0.05, 1.0), "optimal_borrow_rate"),
    (lambda: spot.borrow_rate([0.5, np.nan], 0.8, 0.05, 1.0), "utilization"),
    (lambda: spot.borrow_rate_two_slope(1.01, 0.8, 0.05, 1.0), "utilization"),
    (lambda: spot.deposit_rate(0.5, 0.1, 1.5), "insurance_factor"),
    (lambda: spot.token_amount(1.0, 1.0, 4), r"decimals must be an integer in \[5, 19\]"),
    (lambda: spot.token_amount(1.0, 1.0, 20), "decimals"),
    (lambda: spot.token_amount(1.0, 1.0, 6.5), "decimals"),
    (lambda: spot.token_amount(1.0, 0.0, 6), "cumulative_interest"),
    (lambda: spot.token_amount(-1.0, 1.0, 6), "scaled_balance"),
    (lambda: spot.utilization(-1, 0), "deposits"),
    (lambda: spot.apr_to_apy(0.1, 0), "periods_per_year"),
    (lambda: spot.interest_path(100, 150, 10, 1, optimal_utilization=0.8, optimal_borrow_rate=0.05,
                                max_borrow_rate=1.0), "borrows must be <= deposits"),
    (lambda: spot.utilization_limits(1, 1, 1.5, 0.8, 0), "utilization_twap"),
])
def test_bad_input_names_the_parameter(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


def test_mismatched_shapes_are_named() -> None:
    with pytest.raises(ValueError, match="utilization.*optimal_utilization"):
        spot.borrow_rate(np.ones(3) * 0.5, np.ones(4) * 0.8, 0.05, 1.0)
