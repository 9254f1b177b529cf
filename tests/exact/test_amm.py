"""Exact constant-product swaps (math/amm.rs): hand-computed numbers, the program's errors, and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import AMM_RESERVE_PRECISION, PEG_PRECISION, SwapDirection

ONE = AMM_RESERVE_PRECISION  # one base unit / one reserve unit


def buy_cost(base_reserve: int, quote_reserve: int, sqrt_k: int, peg: int, base_amount: int) -> int:
    """Quote (1e6) a long pays for ``base_amount``: the program's swap then quote conversion."""
    new_quote, _ = ex.calculate_swap_output(base_amount, base_reserve, SwapDirection.Remove, sqrt_k)
    return ex.calculate_quote_asset_amount_swapped(quote_reserve, new_quote, SwapDirection.Remove, peg)


def sell_proceeds(base_reserve: int, quote_reserve: int, sqrt_k: int, peg: int, base_amount: int) -> int:
    new_quote, _ = ex.calculate_swap_output(base_amount, base_reserve, SwapDirection.Add, sqrt_k)
    return ex.calculate_quote_asset_amount_swapped(quote_reserve, new_quote, SwapDirection.Add, peg)


def test_buy_one_base_from_a_100_unit_pool_by_hand() -> None:
    # B = Q = sqrt_k = 100, peg $1. Removing 1 base leaves 99; the quote reserve becomes 1e22 / 99e9
    # = 101010101010 (floor). Quote = (101010101010 - 100e9 + 1) * 1e6 / 1e9 = 1010101 (floor), plus 1.
    assert buy_cost(100 * ONE, 100 * ONE, 100 * ONE, PEG_PRECISION, ONE) == 1_010_102
    # the real-number cost is 100/99 = 1.01010101...: the program rounds the buyer's cost up
    assert 1_010_102 > 100 / 99 * 1e6


def test_sell_one_base_into_a_100_unit_pool_by_hand() -> None:
    # Adding 1 base makes 101; quote reserve 1e22 / 101e9 = 99009900990 (floor);
    # proceeds = (100e9 - 99009900990) * 1e6 / 1e9 = 990099 (floor) against 100/101 = 0.990099009...
    assert sell_proceeds(100 * ONE, 100 * ONE, 100 * ONE, PEG_PRECISION, ONE) == 990_099
    assert 990_099 < 100 / 101 * 1e6


def test_swap_output_returns_new_output_then_new_input_reserve() -> None:
    assert ex.calculate_swap_output(ONE, 100 * ONE, SwapDirection.Remove, 100 * ONE) == (101_010_101_010, 99 * ONE)
    assert ex.calculate_swap_output(ONE, 100 * ONE, SwapDirection.Add, 100 * ONE) == (99_009_900_990, 101 * ONE)


def test_removing_more_than_the_reserve_is_trade_size_too_large() -> None:
    with pytest.raises(ex.TradeSizeTooLarge):
        ex.calculate_swap_output(101 * ONE, 100 * ONE, SwapDirection.Remove, 100 * ONE)
    # removing exactly the reserve passes the size check but divides by zero
    with pytest.raises(ex.MathError):
        ex.calculate_swap_output(100 * ONE, 100 * ONE, SwapDirection.Remove, 100 * ONE)


def test_quote_swapped_in_the_wrong_direction_underflows() -> None:
    # Add expects the quote reserve to fall; a rise is a u128 underflow in the program
    with pytest.raises(ex.MathError):
        ex.calculate_quote_asset_amount_swapped(100, 101, SwapDirection.Add, PEG_PRECISION)


def test_reserve_price_does_not_fit_u64_is_a_bn_conversion_error() -> None:
    with pytest.raises(ex.BnConversionError):
        ex.calculate_price(2**70, 1, PEG_PRECISION)


def test_bid_ask_bounds_need_a_coefficient_above_one() -> None:
    with pytest.raises(ex.InvalidConcentrationCoef):
        ex.calculate_bid_ask_bounds(1_000_000, 500 * ONE)


def test_concentration_bounds_and_open_liquidity_match_controller_test() -> None:
    # programs/drift/src/controller/amm/tests.rs::concentration_coef_tests (scale 1 -> coef 1414200)
    low, high = ex.calculate_bid_ask_bounds(1_414_200, 500 * ONE)
    assert (low, high) == (353_556_781_219, 707_100_000_000)
    assert ex._calculate_market_open_bids_asks(512_295_081_967, low, high) == (158_738_300_748, -194_804_918_033)


def test_available_liquidity_is_the_smaller_of_fill_fraction_and_half_a_side() -> None:
    amm = ex.AMM(base_asset_reserve=100 * ONE, min_base_asset_reserve=90 * ONE, max_base_asset_reserve=120 * ONE,
                 max_fill_reserve_fraction=100, order_step_size=ONE // 10)
    # long: min(100/100 = 1, (100-90)/2 = 5) = 1 base; short: min(1, (120-100)/2 = 10) = 1
    assert ex.calculate_amm_available_liquidity(amm, ex.PositionDirection.Long) == ONE
    amm.max_fill_reserve_fraction = 1
    assert ex.calculate_amm_available_liquidity(amm, ex.PositionDirection.Long) == 5 * ONE
    assert ex.calculate_amm_available_liquidity(amm, ex.PositionDirection.Short) == 10 * ONE


def test_net_user_pnl_needs_a_positive_oracle() -> None:
    with pytest.raises(ex.InvalidOracle):
        ex.calculate_net_user_pnl(ex.AMM(), 0)


def test_amm_bid_ask_from_perp_market_tests() -> None:
    # programs/drift/src/state/perp_market/tests.rs::last_ask_premium / last_bid_discount: reserve price $100,
    # 10% spreads -> ask premium = bid discount = $10 against a $100 oracle
    amm = ex.AMM(base_asset_reserve=ONE, quote_asset_reserve=ONE, sqrt_k=ONE, peg_multiplier=100 * PEG_PRECISION,
                 long_spread=100_000, short_spread=100_000)
    amm.historical_oracle_data.last_oracle_price = 100 * PEG_PRECISION
    assert amm.last_ask_premium() == 10 * PEG_PRECISION
    assert amm.last_bid_discount() == 10 * PEG_PRECISION


reserves = st.integers(min_value=10**9, max_value=10**15)
pegs = st.integers(min_value=1, max_value=10**11)


@given(sqrt_k=reserves, base=reserves, amount=st.integers(min_value=1, max_value=10**14),
       add=st.booleans())
def test_swap_preserves_k_within_rounding(sqrt_k: int, base: int, amount: int, add: bool) -> None:
    if not add and amount >= base:
        return
    direction = SwapDirection.Add if add else SwapDirection.Remove
    new_out, new_in = ex.calculate_swap_output(amount, base, direction, sqrt_k)
    # the output reserve is floored: new_in * new_out <= k < new_in * (new_out + 1)
    assert new_in * new_out <= sqrt_k**2 < new_in * (new_out + 1)


@given(sqrt_k=reserves, base_fraction=st.floats(min_value=0.2, max_value=5.0), peg=pegs,
       amount_fraction=st.floats(min_value=1e-9, max_value=0.5))
def test_round_trip_never_profits_the_trader(sqrt_k: int, base_fraction: float, peg: int,
                                             amount_fraction: float) -> None:
    base = max(int(sqrt_k * base_fraction), 1)
    quote = sqrt_k**2 // base
    amount = max(int(base * amount_fraction), 1)
    cost = buy_cost(base, quote, sqrt_k, peg, amount)
    new_quote, new_base = ex.calculate_swap_output(amount, base, SwapDirection.Remove, sqrt_k)
    proceeds = sell_proceeds(new_base, new_quote, sqrt_k, peg, amount)
    assert proceeds <= cost
    # and the other way round: sell first, buy back
    proceeds = sell_proceeds(base, quote, sqrt_k, peg, amount)
    new_quote, new_base = ex.calculate_swap_output(amount, base, SwapDirection.Add, sqrt_k)
    assert buy_cost(new_base, new_quote, sqrt_k, peg, amount) >= proceeds


@given(sqrt_k=reserves, base_fraction=st.floats(min_value=0.2, max_value=5.0), peg=pegs,
       amount_fraction=st.floats(min_value=1e-9, max_value=0.5))
def test_buyer_pays_at_least_and_seller_gets_at_most_one_reserve_unit_more_than_the_real_number_amount(
        sqrt_k: int, base_fraction: float, peg: int, amount_fraction: float) -> None:
    from fractions import Fraction

    base = max(int(sqrt_k * base_fraction), 1)
    quote = sqrt_k**2 // base
    amount = max(int(base * amount_fraction), 1)
    k = Fraction(sqrt_k**2)
    exact_buy = (k / (base - amount) - quote) * peg / 10**9
    exact_sell = (quote - k / (base + amount)) * peg / 10**9
    assert buy_cost(base, quote, sqrt_k, peg, amount) >= exact_buy
    # The new quote reserve is floored, which favours a seller by under one reserve unit (1e-9) at the peg;
    # the floor in the quote conversion usually takes it back, but not always (found by hypothesis:
    # sell_proceeds(1500000000, 666666666, 1000000000, 731520573, 750000000) = 162560127 > 162560126.85).
    assert sell_proceeds(base, quote, sqrt_k, peg, amount) < exact_sell + Fraction(peg, 10**9)


def test_overflow_checks_follow_the_program_order() -> None:
    # math/amm.rs::calculate_swap_output squares sqrt_k in U192 before the size check: sqrt_k >= 2**96 overflows
    with pytest.raises(ex.MathError):
        ex.calculate_swap_output(1, 2**100, SwapDirection.Add, 2**96)
    with pytest.raises(ex.MathError):  # MathError, not TradeSizeTooLarge: the square comes first
        ex.calculate_swap_output(2**101, 2**100, SwapDirection.Remove, 2**96)
    # calculate_net_user_cost_basis checks each i128 addition, not just the total
    amm = ex.AMM(quote_asset_amount=2**127 - 1, quote_asset_amount_with_unsettled_lp=1, net_unsettled_funding_pnl=-1)
    with pytest.raises(ex.MathError):
        ex.calculate_net_user_cost_basis(amm)
    # i128::MIN.abs() panics in the program
    with pytest.raises(ex.MathError):
        ex.calculate_expiry_price(ex.AMM(base_asset_amount_with_amm=-(2**127), order_step_size=1), 100, 0)


def test_twap_helpers_check_their_i64_and_i128_intermediates() -> None:
    # math/stats.rs: current_ts - last_ts and the weight sum are i64; the weighted products i128
    with pytest.raises(ex.MathError):
        ex.calculate_new_twap(100, 2**63 - 1, 100, 0, 3600)
    with pytest.raises(ex.MathError):
        ex.calculate_weighted_average(-(2**63), -(2**63), 2**62, 2**62, None)
