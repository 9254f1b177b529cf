"""Human-layer AMM (driftlab.amm): hand values, agreement with the exact layer, broadcasting and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import driftlab.amm as amm
import driftlab.exact as ex

ONE = ex.AMM_RESERVE_PRECISION


def test_reserve_price_and_impact_by_hand() -> None:
    # B = 100, Q = 100, peg 20: P = 100 * 20 / 100 = 20; buying 1 of 100 base: impact 1/99
    assert amm.reserve_price(100, 100, 20) == 20.0
    assert amm.price_impact(100, 1) == pytest.approx(1 / 99)
    assert amm.price_impact(100, -1) == pytest.approx(-1 / 101)
    assert amm.quote_for_base(100, 100, 1, 20) == pytest.approx(20 * 100 / 99)
    assert amm.execution_price(100, 100, 1, 20) == pytest.approx(20 * 100 / 99)
    assert amm.post_trade_price(100, 100, 1, 20) == pytest.approx(20 * 100 * 100 / 99**2)


def test_broadcasting_returns_the_broadcast_shape() -> None:
    sizes = np.linspace(-10, 10, 21)
    pegs = np.array([[10.0], [20.0]])
    out = amm.quote_for_base(100, 100, sizes, pegs)
    assert out.shape == (2, 21)
    assert out[1, 10] == 0.0
    assert isinstance(amm.price_impact(100, 1), float)


def test_base_for_quote_inverts_quote_for_base() -> None:
    d = np.array([-5.0, -0.5, 0.25, 7.0])
    q = amm.quote_for_base(80, 120, d, 3.5)
    assert np.allclose(amm.base_for_quote(80, 120, q, 3.5), d)


def test_terminal_price_is_where_the_net_position_closes() -> None:
    # users net long n: closing sells n into the pool; the price after that sale is the terminal price
    assert amm.terminal_price(100, 100, 5, 20) == pytest.approx(amm.post_trade_price(100, 100, -5, 20))


def test_repeg_and_k_costs_by_hand() -> None:
    # Q - Q_t = Q*n/(B+n) = 100*5/105; repeg 20 -> 21 costs that much USD
    assert amm.repeg_cost(100, 100, 5, 20, 21) == pytest.approx(100 * 5 / 105)
    assert amm.repeg_cost(100, 100, 0, 20, 30) == 0.0
    # k cost: Q*n^2*peg*(s-1)/((B+n)(sB+n)), positive for deeper curves whatever the side
    for n in (5.0, -5.0):
        expected = 100 * n**2 * 20 * 0.01 / ((100 + n) * (101 + n))
        assert amm.k_change_cost(100, 100, n, 20, 1.01) == pytest.approx(expected)
        assert amm.k_change_cost(100, 100, n, 20, 1.01) > 0 > amm.k_change_cost(100, 100, n, 20, 0.99)


def test_sqrt_k_for_price_impact_gives_that_impact() -> None:
    sqrt_k = amm.sqrt_k_for_price_impact(price=150.0, peg=150.0, base_amount=10.0, target_impact=0.001)
    base = sqrt_k / math.sqrt(150.0 / 150.0)
    assert amm.price_impact(base, 10.0) == pytest.approx(0.001)


def test_bid_ask_prices() -> None:
    bid, ask = amm.bid_ask_prices(100.0, 0.002, 0.001, 0.0005)
    assert (bid, ask) == (pytest.approx(100 * (1 - 0.001 + 0.0005)), pytest.approx(100 * (1 + 0.002 + 0.0005)))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: amm.reserve_price(0, 100, 1), "base_reserve"),
        (lambda: amm.reserve_price(100, -1, 1), "quote_reserve"),
        (lambda: amm.reserve_price(100, 100, 0), "peg"),
        (lambda: amm.reserve_price(float("nan"), 100, 1), "base_reserve"),
        (lambda: amm.price_impact(100, 100), "base_amount"),
        (lambda: amm.price_impact(100, [1.0, math.inf]), "base_amount"),
        (lambda: amm.quote_for_base(100, 100, "1", 1), "base_amount"),
        (lambda: amm.quote_for_base(100, 100, [], 1), "base_amount"),
        (lambda: amm.bid_ask_prices(100, 1.5, 0.0), "long_spread"),
        (lambda: amm.terminal_price(100, 100, -100, 1), "net_user_base"),
        (lambda: amm.repeg_cost(100, 100, 1, 1, 0), "new_peg"),
        (lambda: amm.k_change_cost(100, 100, 1, 1, -1), "sqrt_k_scale"),
        (lambda: amm.sqrt_k_for_price_impact(1, 1, 1, 0), "target_impact"),
    ],
)
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()


def test_mismatched_shapes_are_named() -> None:
    with pytest.raises(ValueError, match="base_reserve.*net_user_base"):
        amm.terminal_price(np.ones(3) * 100, 100, np.ones(4), 1)


@given(sqrt_k=st.integers(10**10, 10**15), base_fraction=st.floats(0.5, 2.0), peg=st.integers(10**5, 10**11),
       amount_fraction=st.floats(-0.3, 0.3))
def test_quote_for_base_agrees_with_the_exact_swap(sqrt_k: int, base_fraction: float, peg: int,
                                                   amount_fraction: float) -> None:
    base = int(sqrt_k * base_fraction)
    quote = sqrt_k**2 // base
    amount = int(base * amount_fraction)
    if amount == 0:
        return
    direction = ex.SwapDirection.Remove if amount > 0 else ex.SwapDirection.Add
    new_quote, _ = ex.calculate_swap_output(abs(amount), base, direction, sqrt_k)
    exact_quote = ex.calculate_quote_asset_amount_swapped(quote, new_quote, direction, peg)
    human = amm.quote_for_base(base / ONE, sqrt_k**2 / base / ONE, amount / ONE, peg / 1e6)
    # exact result in 1e6 quote units. Three roundings of one reserve unit each, worth peg/1e9 quote units
    # (the floored quote reserve, the floored new quote reserve, the buyer's +1 reserve unit), plus two quote
    # units (the floored conversion and the buyer's +1), plus float error
    tolerance = 2 + 3 * peg / 1e9 + 1e-9 * abs(human) * 1e6
    assert abs(exact_quote - abs(human) * 1e6) <= tolerance


@given(sqrt_k=st.integers(10**10, 10**15), base_fraction=st.floats(0.5, 2.0), peg=st.integers(10**5, 10**11),
       net_fraction=st.floats(-0.3, 0.3))
def test_terminal_price_agrees_with_the_exact_layer(sqrt_k: int, base_fraction: float, peg: int,
                                                    net_fraction: float) -> None:
    base = int(sqrt_k * base_fraction)
    quote = sqrt_k**2 // base
    net = int(base * net_fraction)
    market = ex.AMM(base_asset_reserve=base, quote_asset_reserve=quote, sqrt_k=sqrt_k, peg_multiplier=peg,
                    base_asset_amount_with_amm=net)
    price, _, _ = ex.calculate_terminal_price_and_reserves(market)
    human = amm.terminal_price(base / ONE, sqrt_k**2 / base / ONE, net / ONE, peg / 1e6)
    assert abs(price - human * 1e6) <= 1 + 1e-9 * human * 1e6


@given(quote_reserve=st.integers(10**10, 10**14), base_reserve=st.integers(10**10, 10**14),
       target=st.integers(10**4, 10**11))
def test_optimal_peg_agrees_with_the_program_within_one_unit(quote_reserve: int, base_reserve: int,
                                                            target: int) -> None:
    exact_peg = max(1, target * base_reserve // quote_reserve)  # calculate_peg_from_target_price's formula
    human = amm.optimal_peg(base_reserve / ONE, quote_reserve / ONE, target / 1e6)
    assert abs(exact_peg - human * 1e6) <= 1 + 1e-9 * human * 1e6


@example(base_spread=0, max_spread=1000, gap=0, conf=1, mark_std=0, oracle_std=0, long_volume=0, short_volume=0,
         volume_24h=0, inventory=1.0, fee_pool=0, revenue=0, adjustment=0)  # sub-unit vol spread: zero in the program
@given(
    base_spread=st.integers(0, 5_000), max_spread=st.integers(1_000, 100_000),
    gap=st.integers(-50_000, 50_000), conf=st.integers(0, 20_000),
    mark_std=st.integers(0, 5_000_000), oracle_std=st.integers(0, 5_000_000),
    long_volume=st.integers(0, 10**12), short_volume=st.integers(0, 10**12), volume_24h=st.integers(0, 10**12),
    inventory=st.floats(-1.2, 1.2), fee_pool=st.integers(-10**9, 10**12), revenue=st.integers(-10**11, 10**9),
    adjustment=st.integers(-100, 100),
)
def test_spreads_agree_with_the_program(base_spread: int, max_spread: int, gap: int, conf: int, mark_std: int,
                                        oracle_std: int, long_volume: int, short_volume: int, volume_24h: int,
                                        inventory: float, fee_pool: int, revenue: int, adjustment: int) -> None:
    # a $100 market with sqrt_k 1000, bounds 800..1250, users net `inventory` of the smaller side
    price, peg = 100 * 10**6, 100 * 10**6
    base_reserve, low, high = 1_000 * ONE, 800 * ONE, 1_250 * ONE
    baa = int(inventory * 200 * ONE)
    quote_reserve = terminal_quote = 1_000 * ONE
    program = ex.calculate_spread(base_spread, gap, conf, max_spread, quote_reserve, terminal_quote, peg, baa, price,
                                  fee_pool, revenue, base_reserve, low, high, mark_std, oracle_std, long_volume,
                                  short_volume, volume_24h, adjustment)
    local_value = baa * price / 10**15  # USD, as calculate_spread_leverage_scale values the inventory
    human = amm.spreads(
        base_spread / 1e6, max_spread / 1e6, oracle_reserve_gap=gap / 1e6, oracle_confidence=conf / 1e6,
        mark_std=mark_std / price, oracle_std=oracle_std / price,
        long_intensity=min(long_volume / max(volume_24h, 1), 1.0),
        short_intensity=min(short_volume / max(volume_24h, 1), 1.0),
        inventory=float(np.clip(baa / (200 * ONE), -1, 1)),
        effective_leverage=max(0.0, local_value) * 1e6 / (max(0, fee_pool) + 1),
        fee_pool_positive=fee_pool > 0, revenue_since_funding=revenue / 1e6,
        inventory_spread_adjustment=adjustment)
    for got, want in zip(program, human, strict=True):
        # The program truncates to 1e-6 at every step; the inventory scale (up to max_target / side) amplifies a
        # one-unit truncation of the inventory ratio, and the fee-pool (x10) and adjustment (x2) factors follow.
        # 60,000 random cases, half of them near one unit, peaked at 54% of this bound.
        assert abs(got / 1e6 - want) <= 2e-5 + 1e-3 * want
