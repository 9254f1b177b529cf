"""math/amm_jit.rs and math/serum.rs: the program's test numbers, hand computations and the program's errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import AMM_RESERVE_PRECISION as ONE
from driftlab.exact import PositionDirection


def default_test_amm(**fields: int) -> ex.AMM:
    """``AMM::default_test()``: 100/100 reserves, peg 1, steps of 1, bounds 0..u64::MAX, max spread 1000."""
    amm = ex.AMM(base_asset_reserve=100 * ONE, quote_asset_reserve=100 * ONE, sqrt_k=100 * ONE,
                 concentration_coef=ex.MAX_CONCENTRATION_COEFFICIENT, order_step_size=1, order_tick_size=1,
                 max_base_asset_reserve=2**64 - 1, min_base_asset_reserve=0, terminal_quote_asset_reserve=100 * ONE,
                 peg_multiplier=ex.PEG_PRECISION, max_fill_reserve_fraction=1, max_spread=1000, last_oracle_valid=True)
    amm.historical_oracle_data.last_oracle_price = ex.PRICE_PRECISION
    for name, value in fields.items():
        setattr(amm, name, value)
    return amm


@pytest.mark.parametrize(
    "inventory, intensity, expected",
    [
        (0, 100, 0),  # math/amm_jit/tests.rs::balanced_market_zero_jit
        (100, 0, 0),  # ::balanced_market_zero_intensity
        (100, 100, 100),  # ::balanced_market_full_intensity
        (100, 50, 50),  # ::balanced_market_half_intensity
    ],
)
def test_clamped_jit_amount_program_tests(inventory: int, intensity: int, expected: int) -> None:
    market = ex.PerpMarket(amm=default_test_amm(base_asset_amount_with_amm=inventory, amm_jit_intensity=intensity))
    assert ex.calculate_clamped_jit_base_asset_amount(market, 100) == expected


def test_intensity_above_100_is_capped_and_inventory_bounds_the_fill() -> None:
    market = ex.PerpMarket(amm=default_test_amm(base_asset_amount_with_amm=-60, amm_jit_intensity=200))
    assert ex.calculate_clamped_jit_base_asset_amount(market, 100) == 60


def _jit_market(inventory: int, bids: int, asks: int, short_spread: int = 1000) -> ex.PerpMarket:
    amm = default_test_amm(base_asset_amount_with_amm=inventory, amm_jit_intensity=100, short_spread=short_spread,
                           long_spread=short_spread, order_step_size=ONE // 1000)
    amm.min_base_asset_reserve = amm.base_asset_reserve - bids
    amm.max_base_asset_reserve = amm.base_asset_reserve + asks
    return ex.PerpMarket(amm=amm)


def test_jit_takes_a_quarter_of_the_maker_in_a_balanced_book_by_hand() -> None:
    # users net short 10 base, so the AMM is long: a long taker reduces its inventory and it wants to JIT
    market = _jit_market(-10 * ONE, 20 * ONE, 20 * ONE)
    # maker 8 base at the oracle: max = 8/2 = 4; balanced book -> 8/4 = 2; inventory 10 allows it
    assert ex.calculate_jit_base_asset_amount(market, 8 * ONE, ex.PRICE_PRECISION, ex.PRICE_PRECISION,
                                              PositionDirection.Long) == 2 * ONE


def test_jit_takes_the_whole_maker_size_capped_at_half_when_imbalanced() -> None:
    # bids 30, asks 20: ratio 1.5 -> imbalanced: jit = maker 8, capped at max 8/2 = 4
    market = _jit_market(-10 * ONE, 30 * ONE, 20 * ONE)
    assert ex.calculate_jit_base_asset_amount(market, 8 * ONE, ex.PRICE_PRECISION, ex.PRICE_PRECISION,
                                              PositionDirection.Long) == 4 * ONE


def test_jit_shrinks_for_a_likely_wash_below_the_oracle() -> None:
    # long taker, $1 oracle: 5 bps = 500. At exactly 500 below there is no shrink (strict <): max 8/2 = 4 base.
    market = _jit_market(-10 * ONE, 30 * ONE, 20 * ONE)
    args = (8 * ONE,)
    assert ex.calculate_jit_base_asset_amount(market, *args, ex.PRICE_PRECISION - 500, ex.PRICE_PRECISION,
                                              PositionDirection.Long) == 4 * ONE
    # 600 below: opposite (short) spread 1000 ppm of $1 = 1000; max = 4 * (1000 - 600) / 1000 = 1.6 base
    assert ex.calculate_jit_base_asset_amount(market, *args, ex.PRICE_PRECISION - 600, ex.PRICE_PRECISION,
                                              PositionDirection.Long) == 1_600_000_000


def test_no_valid_oracle_means_no_jit_and_a_negative_oracle_is_a_casting_failure() -> None:
    market = _jit_market(-10 * ONE, 20 * ONE, 20 * ONE)
    assert ex.calculate_jit_base_asset_amount(market, 8 * ONE, ex.PRICE_PRECISION, None, PositionDirection.Long) == 0
    with pytest.raises(ex.CastingFailure):
        ex.calculate_jit_base_asset_amount(market, 8 * ONE, ex.PRICE_PRECISION, -1, PositionDirection.Long)


def test_amm_jit_liquidity_skips_a_market_order_the_amm_fills_next_round() -> None:
    market = _jit_market(-10 * ONE, 20 * ONE, 20 * ONE)
    args = (market, PositionDirection.Long, ex.PRICE_PRECISION, ex.PRICE_PRECISION, 8 * ONE)
    assert ex.calculate_amm_jit_liquidity(*args, 10 * ONE, 8 * ONE, False) == 0
    assert ex.calculate_amm_jit_liquidity(*args, 10 * ONE, 8 * ONE, True) == 2 * ONE
    # the AMM does not JIT a taker that would grow its inventory
    assert ex.calculate_amm_jit_liquidity(market, PositionDirection.Short, ex.PRICE_PRECISION, ex.PRICE_PRECISION,
                                          8 * ONE, 10 * ONE, 8 * ONE, True) == 0


@given(maker=st.integers(0, 10**12), inventory=st.integers(-10**12, 10**12), intensity=st.integers(0, 255))
def test_jit_never_exceeds_half_the_maker_nor_flips_the_amm(maker: int, inventory: int, intensity: int) -> None:
    market = _jit_market(inventory, 20 * ONE, 25 * ONE)
    market.amm.amm_jit_intensity = intensity
    jit = ex.calculate_jit_base_asset_amount(market, maker, ex.PRICE_PRECISION, ex.PRICE_PRECISION,
                                             PositionDirection.Long)
    assert 0 <= jit <= maker // 2 and jit <= abs(inventory)
    assert jit % market.amm.order_step_size == 0


def test_serum_program_tests() -> None:
    # programs/drift/src/math/serum/tests.rs
    assert ex.calculate_serum_max_coin_qty(10**9, 100_000_000) == 10
    assert ex.calculate_serum_limit_price(21_359_900, 1, 9, 1_000_000, PositionDirection.Long) == 21_359
    assert ex.calculate_serum_limit_price(21_359_900, 1, 9, 1_000_000, PositionDirection.Short) == 21_360
    assert ex.calculate_serum_max_native_pc_quantity(100_000, 10, 100) == 100_040_000
    assert ex.calculate_price_from_serum_limit_price(100_000, 100, 9, 100_000_000) == 100 * ex.PRICE_PRECISION


def test_serum_errors() -> None:
    with pytest.raises(ex.MathError):
        ex.calculate_serum_max_coin_qty(1, 0)
    with pytest.raises(ex.MathError):
        ex.calculate_serum_max_native_pc_quantity(2**63, 10, 100)  # u64 overflow
