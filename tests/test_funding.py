"""Human-layer funding (driftlab.funding): the program's numbers, the docs' example, agreement with the exact layer
within the program's rounding (tolerances derived per test), broadcasting, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.funding as fu

P = ex.PRICE_PRECISION  # 1e6 per USD
RATE = ex.FUNDING_RATE_PRECISION  # 1e9 per USD per base
Q = ex.QUOTE_PRECISION
R = ex.AMM_RESERVE_PRECISION


def program_rate(mark_twap: int, oracle_twap: int, tier: ex.ContractTier, funding_period: int = 3600) -> int:
    """The rate lines of controller/funding.rs::update_funding_rate, from the TWAPs it has just updated."""
    market = ex.PerpMarket(contract_tier=tier)
    period_adjustment = ex.safe_div(24 * 3600, max(3600, funding_period))
    spread = mark_twap - oracle_twap + ex.safe_div(abs(oracle_twap), ex.FUNDING_RATE_OFFSET_DENOMINATOR)
    bound = market.get_max_price_divergence_for_funding_rate(oracle_twap)
    return ex.safe_div(min(max(spread, -bound), bound) * ex.FUNDING_RATE_BUFFER, period_adjustment)


# ----------------------------------------------------------------------------------------------- the numbers


def test_unsettled_funding_pnl_rate_and_24h_average() -> None:
    # programs/drift/src/math/funding/tests.rs::unsettled_funding_pnl: after the hour's TWAP updates the mark
    # TWAP is 47629736 and the oracle TWAP 51000000 (tier HighlySpeculative, the PerpMarket default); the
    # program's rate is -140002666 and the 24h average -5833443 (tests/exact/test_funding.py runs the update)
    assert program_rate(47_629_736, 51_000_000, ex.ContractTier.HighlySpeculative) == -140_002_666
    rate = fu.funding_rate(47.629736, 51.0)
    # spread -3.370264 + offset 51/5000 = -3.360064, inside the /10 clamp (5.1), over 24 periods
    assert rate.rate_usd == pytest.approx(-3.360064 / 24, abs=1e-15)
    assert rate.is_clamped is False
    # the program truncates -140002666.67 toward zero: at most one unit of 1e-9
    assert abs(rate.rate_usd * RATE - -140_002_666) < 1
    assert rate.clamped == pytest.approx(-3.360064 / 24 / 51)  # -0.2745% an hour
    # 24h average: calculate_new_twap(rate, 3600, 0, 0, 86400) = rate * 3600/86400, truncated, +1 bias
    average = fu.twap_update(0.0, rate.rate_usd, 3600, 86_400)
    assert average == pytest.approx(rate.rate_usd / 24)
    assert abs(average * RATE - -5_833_443) < 2  # truncation (< 1) plus the bias (1)


def test_documented_example_and_its_rounding() -> None:
    # drift-docs-digest.md (g) Funding, archbee funding page: "1/24 * (174.643 - 174.450)/(174.450) = 0.00460%
    # (40.27% APR)"; recomputed 0.004610% and 40.41% APR (x 24 x 365.25), digest (H) row 20
    unclamped, clamped = fu.documented_funding_rate(174.643, 174.450, tier="A")
    assert unclamped == clamped == pytest.approx(0.193 / 174.450 / 24)
    assert round(clamped * 100, 6) == 0.004610
    assert round(clamped * 24 * 365.25 * 100, 2) == 40.41
    # the program adds the offset: (0.193 + 174.45/5000) / 24 / 174.45 = 0.005443% an hour, 47.71% APR
    program = fu.funding_rate(174.643, 174.450, tier="A")
    assert program.clamped == pytest.approx((0.193 + 174.45 / 5000) / 24 / 174.45)
    assert round(program.apr * 100, 2) == 47.71


def test_offset_and_clamps_by_hand() -> None:
    # mark == oracle: the offset alone, 1/5000 a day = 7.305% a year paid by longs
    flat = fu.funding_rate(100.0, 100.0, tier="A")
    assert flat.clamped == pytest.approx(1 / 5000 / 24)
    assert flat.apr == pytest.approx(365.25 / 5000)
    assert fu.funding_rate(100.0, 100.0, offset=False).clamped == 0.0
    # the clamp per hour: 1/33/24 = 0.12626% (A, B), 1/20/24 (C), 1/10/24 (others); the docs say 0.125% for B
    for tier, divisor in (("A", 33), ("B", 33), ("C", 20), ("Speculative", 10), ("HighlySpeculative", 10),
                          ("Isolated", 10)):
        high = fu.funding_rate(200.0, 100.0, tier=tier)
        low = fu.funding_rate(50.0, 100.0, tier=tier)
        assert high.is_clamped and low.is_clamped
        assert high.clamped == pytest.approx(1 / divisor / 24) and low.clamped == pytest.approx(-1 / divisor / 24)
        assert fu.max_price_divergence(100.0, tier=tier) == pytest.approx(100 / divisor)
    assert fu.documented_funding_rate(200.0, 100.0, tier="B")[1] == 0.00125
    assert fu.documented_funding_rate(200.0, 100.0, tier="C")[1] == 0.00208
    # the clamp is on spread + offset: a 3.04% discount (tier A) is 3.04% - 0.02% = 3.02% < 1/33 = 3.0303%
    assert not fu.funding_rate(96.96, 100.0, tier="A").is_clamped
    assert fu.funding_rate(96.96, 100.0, tier="A", offset=False).is_clamped
    assert fu.clamp_divisor(ex.ContractTier.B) == 33 and fu.clamp_divisor("highlyspeculative") == 10
    assert fu.period_adjustment(3600) == 24 and fu.period_adjustment(1800) == 24 and fu.period_adjustment(5000) == 17


def test_capped_sym_funding() -> None:
    # programs/drift/src/math/funding/tests.rs::capped_sym_funding_test: rate 41666666 (the test's helper, no
    # offset), longs 12.295081967, shorts 24.590163934, fee pool 0.5 - 0.25 reserved = 0.25 USD
    capped = fu.capped_funding(41_666_666 / RATE, 12.295081967, 24.590163934, 0.25)
    assert capped.is_capped
    assert capped.long_rate == 41_666_666 / RATE
    # program: short rate 24222164 and the fee pool pays a third, 500000 -> 416667 (83333 units)
    # human: (0.041666666 * 12.295081967 + 0.25/3) / 24.590163934 = 0.0242222219; the program's limit is
    # truncated twice and biased by one unit: up to 3e-6 USD over 24.59 base, 122 units of 1e-9
    assert abs(capped.short_rate * RATE - 24_222_164) <= 3e12 / 24_590_163_934 + 1
    assert capped.amm_pnl == pytest.approx(-0.25 / 3)
    assert 500_000 - 416_667 == pytest.approx(-capped.amm_pnl * Q, abs=1)
    # the reverse imbalance: the AMM earns 0.512295 (program: tfmd 500000 -> 1012295), both sides full rate
    earning = fu.capped_funding(41_666_666 / RATE, 24.590163934, 12.295081967, 0.25)
    assert not earning.is_capped
    assert earning.long_rate == earning.short_rate == 41_666_666 / RATE
    assert abs(earning.amm_pnl * Q - 512_295) < 1
    # the docs' 2/3: the shorts would receive more
    assert fu.capped_funding(41_666_666 / RATE, 12.295081967, 24.590163934, 0.25,
                             cap_fraction=2 / 3).short_rate > capped.short_rate


def test_twap_closed_form_and_sequence() -> None:
    times = np.arange(0.0, 7_200.0, 60.0)
    prices = 100 + np.sin(times / 600)
    path = fu.twap(prices, times, 3600)
    twap = prices[0]
    for k in range(1, len(times)):
        twap = fu.twap_update(twap, prices[k], 60, 3600)
        assert path[k] == pytest.approx(twap, rel=1e-13)
    # a constant price after a jump: the gap decays by (1 - 60/3600) per minute
    flat = fu.twap(np.full(61, 110.0), np.arange(61) * 60.0, 3600, initial_twap=100.0, initial_time=0.0)
    assert flat[-1] == pytest.approx(110 - 10 * (1 - 1 / 60) ** 60)
    # several paths at once along the leading axis
    both = fu.twap(np.vstack([prices, 2 * prices]), times, 3600)
    assert both.shape == (2, len(times)) and np.allclose(both[1], 2 * path)


def test_twap_weight_beyond_a_period() -> None:
    assert fu.twap_weight(1800, 3600) == 0.5
    assert fu.twap_weight(7200, 3600) == pytest.approx(7200 / 7201)  # the mark keeps a sliver
    assert fu.twap_weight(7200, 3600, oracle=True) == 1.0  # the oracle TWAP resets to the price
    assert fu.twap_weight(0, 3600) == 0.0


def test_cumulative_funding_payment_by_hand() -> None:
    rates = np.array([0.01, -0.02, 0.03])
    assert np.allclose(fu.cumulative_funding_payment(rates, 2.0), [-0.02, 0.02, -0.04])
    assert np.allclose(fu.cumulative_funding_payment(rates, [[2.0], [-2.0]]), [[-0.02, 0.02, -0.04],
                                                                              [0.02, -0.02, 0.04]])


def test_mark_oracle_path_is_seeded_and_shaped() -> None:
    a = fu.mark_oracle_path(6, seed=3)
    b = fu.mark_oracle_path(6, seed=3)
    c = fu.mark_oracle_path(6, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["oracle"].equals(c["oracle"])
    assert len(a) == 6 * 60 + 1 and list(a.columns) == ["time", "hour", "oracle", "mark", "premium"]
    assert np.allclose(a["mark"], a["oracle"] * (1 + a["premium"]))
    quiet = fu.mark_oracle_path(4, oracle_volatility=0.0, premium=0.002, premium_noise=0.0)
    assert np.allclose(quiet["oracle"], 100.0) and np.allclose(quiet["premium"], 0.002)
    noisy = fu.mark_oracle_path(200, premium=0.001, premium_noise=0.002, premium_half_life=300, seed=1)
    assert abs(noisy["premium"].mean() - 0.001) < 3e-4 and abs(noisy["premium"].std() - 0.002) < 3e-4


def test_funding_over_a_constant_premium_path() -> None:
    path = fu.mark_oracle_path(5, oracle_volatility=0.0, premium=0.002, premium_noise=0.0)
    frame = fu.funding_over_path(path, tier="A")
    assert list(frame["hour"]) == [1.0, 2.0, 3.0, 4.0, 5.0]
    expected = (0.002 + 1 / 5000) / 24
    assert np.allclose(frame["clamped"], expected) and np.allclose(frame["rate_usd"], expected * 100)
    assert np.allclose(frame["long_funding"], -expected * 100 * np.arange(1, 6))
    assert np.allclose(frame["short_funding"], -frame["long_funding"])
    # a 5% premium is clamped at 1/33 for tier A, at 1/10 not
    rich = fu.mark_oracle_path(2, oracle_volatility=0.0, premium=0.05, premium_noise=0.0)
    assert fu.funding_over_path(rich, tier="A")["is_clamped"].all()
    assert not fu.funding_over_path(rich, tier="Isolated")["is_clamped"].any()


def test_broadcasting_returns_the_broadcast_shape() -> None:
    marks = np.linspace(90, 110, 5)
    oracles = np.array([[99.0], [101.0]])
    rate = fu.funding_rate(marks, oracles, tier="B")
    assert rate.clamped.shape == (2, 5) and rate.is_clamped.shape == (2, 5)
    assert isinstance(fu.funding_rate(100.0, 100.0).clamped, float)
    capped = fu.capped_funding(np.array([-0.1, 0.0, 0.1]), 10.0, 20.0, 1.0)
    assert capped.short_rate.shape == (3,)
    assert isinstance(fu.twap_update(1.0, 2.0, 60, 3600), float)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: fu.funding_rate(0.0, 100.0), "mark_twap"),
        (lambda: fu.funding_rate(100.0, -1.0), "oracle_twap"),
        (lambda: fu.funding_rate(100.0, [100.0, math.nan]), "oracle_twap"),
        (lambda: fu.funding_rate(100.0, 100.0, tier="AAA"), "tier"),
        (lambda: fu.funding_rate(100.0, 100.0, funding_period=0), "funding_period"),
        (lambda: fu.capped_funding(0.1, -1.0, 1.0, 1.0), "long_base"),
        (lambda: fu.capped_funding(0.1, 1.0, 1.0, -1.0), "fee_pool"),
        (lambda: fu.capped_funding(0.1, 1.0, 1.0, 1.0, cap_fraction=2.0), "cap_fraction"),
        (lambda: fu.twap_weight(-1, 3600), "since_last"),
        (lambda: fu.twap([1.0, 2.0], [0.0, 1.0, 2.0], 3600), "times"),
        (lambda: fu.twap([1.0, 2.0], [5.0, 1.0], 3600), "times"),
        (lambda: fu.twap([1.0, 2.0], [0.0, 1.0], 0), "period"),
        (lambda: fu.mark_oracle_path(0), "hours"),
        (lambda: fu.mark_oracle_path(2, premium_noise=0.5), "premium_noise"),
        (lambda: fu.mark_oracle_path(2, step=7), "step"),
        (lambda: fu.funding_over_path(pd.DataFrame({"time": [0.0]})), "path"),
        (lambda: fu.funding_over_path(fu.mark_oracle_path(1).iloc[:30]), "path"),
        (lambda: fu.documented_funding_rate(1.0, 0.0), "oracle_twap"),
    ],
)
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()


# ------------------------------------------------------------------------------- agreement with the exact layer

tiers = st.sampled_from(list(ex.ContractTier))


@given(mark=st.integers(1, 10**12), oracle=st.integers(1, 10**12), tier=tiers,
       period=st.sampled_from([1800, 3600, 5000, 7200]))
def test_funding_rate_agrees_with_the_program(mark: int, oracle: int, tier: ex.ContractTier, period: int) -> None:
    exact = program_rate(mark, oracle, tier, period)
    human = fu.funding_rate(mark / P, oracle / P, tier=tier, funding_period=period)
    # the offset and the bound are truncated to 1 price unit (the clamp is 1-Lipschitz, so at most one unit
    # reaches the spread), times 1000 / periods per day; the rate itself is truncated by one unit; plus float
    per_day = 86_400 // max(3600, period)
    tolerance = 1000 / per_day + 1 + 1e-12 * abs(exact)
    assert abs(exact - human.rate_usd * RATE) <= tolerance


@given(rate=st.integers(-(10**10), 10**10), long=st.integers(0, 10**13), short=st.integers(0, 10**13),
       tfmd=st.integers(0, 10**12), exchange_fee=st.integers(0, 10**12))
def test_capped_funding_agrees_with_the_program(rate: int, long: int, short: int, tfmd: int,
                                                exchange_fee: int) -> None:
    market = ex.PerpMarket(amm=ex.AMM(base_asset_amount_with_amm=long - short, base_asset_amount_long=long,
                                      base_asset_amount_short=-short, total_exchange_fee=exchange_fee,
                                      total_fee_minus_distributions=tfmd))
    fee_pool = ex.calculate_fee_pool(market)
    long_rate, short_rate, _ = ex.calculate_funding_rate_long_short(market, rate)
    human = fu.capped_funding(rate / RATE, long / R, short / R, fee_pool / Q)
    # the subsidy limit is off by < 3 quote units (fee_pool/3 and the payers' payment truncated, +1 bias),
    # which moves the receiving side's rate by 3e12 / its base (1e9 units); the rate is truncated once more
    for exact_rate, human_rate, receiving in ((long_rate, human.long_rate, long),
                                              (short_rate, human.short_rate, short)):
        tolerance = 1 + (3e12 / receiving if receiving else 0) + 1e-12 * abs(exact_rate)
        assert abs(exact_rate - human_rate * RATE) <= tolerance
    # the AMM's capped P&L, as booked in total_fee_minus_distributions: 3 quote units
    assert abs(market.amm.total_fee_minus_distributions - tfmd - human.amm_pnl * Q) <= 3 + 1e-12 * tfmd


sizes = st.one_of(st.just(0.0), st.floats(1e-9, 1e4))  # base sizes at or above the program's precision


@given(rate=st.floats(-1.0, 1.0), long=sizes, short=sizes, pool=st.floats(0.0, 1e4), cap=st.floats(0.0, 1.0))
def test_funding_is_zero_sum_except_the_capped_share(rate: float, long: float, short: float, pool: float,
                                                     cap: float) -> None:
    split = fu.capped_funding(rate, long, short, pool, cap_fraction=cap)
    paid_by_longs = split.long_rate * long
    received_by_shorts = split.short_rate * short
    scale = 1e-9 * (1 + abs(rate) * (long + short) + pool)
    assert abs(paid_by_longs - received_by_shorts - split.amm_pnl) <= scale
    assert split.amm_pnl >= -cap * pool - scale  # the protocol never pays more than its share
    if not split.is_capped:
        assert split.long_rate == split.short_rate == rate


@settings(deadline=None)
@given(prices=st.lists(st.integers(10**6, 10**9), min_size=1, max_size=40),
       gaps=st.lists(st.integers(0, 6000), min_size=40, max_size=40), period=st.sampled_from([300, 3600]),
       start=st.integers(10**6, 10**9), oracle=st.booleans())
def test_twap_agrees_with_the_program(prices: list[int], gaps: list[int], period: int, start: int,
                                      oracle: bool) -> None:
    times = np.cumsum(gaps[: len(prices)]) + 1
    exact = []
    if oracle:
        amm = ex.AMM(funding_period=period, historical_oracle_data=ex.HistoricalOracleData(
            last_oracle_price_twap=start, last_oracle_price_twap_ts=0))
        for price, now in zip(prices, times, strict=True):
            twap = ex.calculate_new_oracle_price_twap(amm, int(now), price, ex.TwapPeriod.FundingPeriod)
            amm.historical_oracle_data.last_oracle_price_twap, amm.historical_oracle_data.last_oracle_price_twap_ts = (
                twap, int(now))
            exact.append(twap)
    else:
        twap, last_ts = start, 0
        for price, now in zip(prices, times, strict=True):
            twap, last_ts = ex.calculate_new_twap(price, int(now), twap, last_ts, period), int(now)
            exact.append(twap)
    human = fu.twap(np.array(prices) / P, times.astype(float), period, initial_twap=start / P, initial_time=0.0,
                    oracle=oracle)
    # each program step truncates (< 1 unit) and biases (<= 1 unit); earlier errors decay by (1 - w):
    # e_k <= (1 - w_k) e_{k-1} + 2
    weights = np.atleast_1d(fu.twap_weight(np.diff(times, prepend=0.0), period, oracle=oracle))
    bound = 0.0
    for k, w in enumerate(weights):
        bound = (1 - w) * bound + 2
        assert abs(exact[k] - human[k] * P) <= bound + 1e-9 * exact[k]


@given(rates=st.lists(st.integers(-(10**10), 10**10), min_size=1, max_size=30),
       base=st.integers(-(10**13), 10**13))
def test_cumulative_funding_payment_agrees_with_the_program(rates: list[int], base: int) -> None:
    cumulative = np.cumsum(rates)
    human = fu.cumulative_funding_payment(np.array(rates) / RATE, base / R)
    gross = np.cumsum(np.abs(rates)) / RATE * abs(base) / R * Q  # quote units that flowed, for the float error
    for k, total in enumerate(cumulative):
        exact = ex.calculate_funding_payment(int(total), ex.PerpPosition(base_asset_amount=base))
        # the magnitude is truncated twice (to 1e-9, then to 1e-6 USD): under one quote unit; plus the float
        # sum's rounding, relative to the gross flow (rates of opposite signs cancel)
        assert abs(exact - np.atleast_1d(human)[k] * Q) <= 1 + 1e-12 * gross[k]
