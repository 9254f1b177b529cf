"""Liquidation sizing, fees, pacing, checks and bankruptcy.

Most of the program's ``math/liquidation/tests.rs`` numbers run from ``tests/data/program_cases.json``; these
are the ones that file leaves out, the bankruptcy tests, error cases (the program's ErrorCode) and properties.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    BASE_PRECISION,
    LIQUIDATION_FEE_PRECISION,
    LIQUIDATION_PCT_PRECISION,
    MARGIN_PRECISION,
    PRICE_PRECISION,
    QUOTE_PRECISION,
    SPOT_BALANCE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    LiquidationMultiplierType,
    MarginContext,
    MarginRequirementType,
    PerpMarket,
    PerpPosition,
    PositionDirection,
    PositionFlag,
    SpotBalanceType,
    SpotMarket,
    SpotPosition,
    User,
    UserStatus,
)
from tests.exact.margin_fixtures import (
    ORACLES,
    perp_positions,
    sol_market,
    sol_perp,
    spot_positions,
    usdc_market,
)

SBP = SPOT_BALANCE_PRECISION


# --- program test numbers not in program_cases.json ---------------------------------------------------------------


def test_funding_rate_deltas_need_open_base() -> None:
    # programs/drift/src/math/liquidation/tests.rs::calculate_funding_rate_deltas_to_resolve_bankruptcy::
    # total_base_asset_amount_is_zero
    market = PerpMarket(amm=AMM(base_asset_amount_long=0, base_asset_amount_short=0))
    with pytest.raises(ex.CantResolvePerpBankruptcy):
        ex.calculate_funding_rate_deltas_to_resolve_bankruptcy(-QUOTE_PRECISION, market)


def test_funding_rate_deltas_symmetric_book() -> None:
    # program-math reference vector: (-100e6, 5e9, -5e9) -> 10e9 (ceil(100e6 * 1e9 / 10e9) * 1000)
    market = PerpMarket(amm=AMM(base_asset_amount_long=5 * BASE_PRECISION, base_asset_amount_short=-5 * BASE_PRECISION))
    assert ex.calculate_funding_rate_deltas_to_resolve_bankruptcy(-100 * QUOTE_PRECISION, market) == 10**10
    # the sign of the loss does not matter, and the delta rounds up: 1 / 3e9 base -> ceil(1e9/3e9)=1 -> 1000
    market = PerpMarket(amm=AMM(base_asset_amount_long=2 * BASE_PRECISION, base_asset_amount_short=-BASE_PRECISION))
    assert ex.calculate_funding_rate_deltas_to_resolve_bankruptcy(1, market) == 1000


def test_cumulative_deposit_interest_delta_zero_deposits() -> None:
    # programs/drift/src/math/liquidation/tests.rs::calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy::
    # zero_total_deposits (the division by zero deposits is turned into 0)
    market = SpotMarket(deposit_balance=0,
                        cumulative_deposit_interest=1111 * SPOT_CUMULATIVE_INTEREST_PRECISION // 1000)
    assert ex.calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy(100 * QUOTE_PRECISION, market) == 0


def _bankrupt(**position: object) -> bool:
    return ex.is_cross_margin_bankrupt(User(perp_positions=perp_positions(PerpPosition(**position))))  # type: ignore[arg-type]


def test_is_cross_margin_bankrupt() -> None:
    # programs/drift/src/math/bankruptcy/tests.rs::{user_has_position_with_base, user_has_position_with_positive_quote,
    # user_with_deposit, user_has_position_with_negative_quote, user_with_borrow, user_with_empty_position_and_balances}
    assert not _bankrupt(base_asset_amount=1)
    assert not _bankrupt(quote_asset_amount=1)
    assert _bankrupt(quote_asset_amount=-1)
    deposit = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=1)))
    assert not ex.is_cross_margin_bankrupt(deposit)
    borrow = User(spot_positions=spot_positions(SpotPosition(market_index=0, balance_type=SpotBalanceType.Borrow,
                                                             scaled_balance=1)))
    assert ex.is_cross_margin_bankrupt(borrow)
    assert not ex.is_cross_margin_bankrupt(User())


def test_isolated_position_bankruptcy() -> None:
    # programs/drift/src/math/bankruptcy/tests.rs::user_with_isolated_position
    iso = int(PositionFlag.IsolatedPosition)
    assert not _bankrupt(position_flag=iso, isolated_position_scaled_balance=10**18)
    assert not _bankrupt(position_flag=iso, base_asset_amount=10**18)
    assert not _bankrupt(position_flag=iso, open_orders=1)
    assert not _bankrupt(position_flag=iso, quote_asset_amount=10**18)
    assert not _bankrupt(position_flag=iso, quote_asset_amount=-(10**18))  # isolated losses are not cross losses
    user = User(perp_positions=perp_positions(PerpPosition(position_flag=iso, quote_asset_amount=-(10**18))))
    assert ex.is_isolated_margin_bankrupt(user, 0)


def test_isolated_bankruptcy_needs_an_isolated_position() -> None:
    # math/bankruptcy.rs::is_isolated_margin_bankrupt -> User::get_isolated_perp_position errors
    cross = User(perp_positions=perp_positions(PerpPosition(quote_asset_amount=-1)))
    with pytest.raises(ex.InvalidPerpPosition):
        ex.is_isolated_margin_bankrupt(cross, 0)
    with pytest.raises(ex.UserHasNoPositionInMarket):
        ex.is_isolated_margin_bankrupt(User(), 0)


# --- fees and multipliers -----------------------------------------------------------------------------------------


def test_liquidation_multipliers() -> None:
    # math/liquidation.rs::calculate_liquidation_multiplier: 1e6 +/- fee
    assert ex.calculate_liquidation_multiplier(10_000, LiquidationMultiplierType.Premium) == 1_010_000
    assert ex.calculate_liquidation_multiplier(10_000, LiquidationMultiplierType.Discount) == 990_000
    with pytest.raises(ex.MathError):
        ex.calculate_liquidation_multiplier(LIQUIDATION_FEE_PRECISION + 1, LiquidationMultiplierType.Discount)


def test_liquidation_fee_grace_period_edges() -> None:
    # math/liquidation.rs::get_liquidation_fee: 1499 slots -> base; 1500 -> base + 1500 (the grace slots count)
    assert ex.get_liquidation_fee(20_000, 50_000, 0, 1499) == 20_000
    assert ex.get_liquidation_fee(20_000, 50_000, 0, 1500) == 21_500
    assert ex.get_liquidation_fee(20_000, 50_000, 100, 1600) == 21_500
    with pytest.raises(ex.MathError):  # current slot before the last active slot
        ex.get_liquidation_fee(20_000, 50_000, 10, 9)


def test_liquidation_order_params() -> None:
    # math/liquidation.rs::get_liquidation_order_params: close a long with a reduce-only short at oracle*(1-fee)
    params = ex.get_liquidation_order_params(3, PositionDirection.Long, 5 * BASE_PRECISION, 100 * PRICE_PRECISION,
                                             10_000)
    assert (params.market_index, params.direction, params.price, params.base_asset_amount, params.reduce_only) == (
        3, PositionDirection.Short, 99 * PRICE_PRECISION, 5 * BASE_PRECISION, True)
    params = ex.get_liquidation_order_params(3, PositionDirection.Short, BASE_PRECISION, 100 * PRICE_PRECISION, 10_000)
    assert (params.direction, params.price) == (PositionDirection.Long, 101 * PRICE_PRECISION)


def test_max_pct_to_liquidate_pacing() -> None:
    # math/liquidation.rs::calculate_max_pct_to_liquidate, hand-computed: $100 shortage, 10% initial, 150 slots
    user = User(last_active_slot=0, liquidation_margin_freed=0)
    shortage = 100 * QUOTE_PRECISION
    assert ex.calculate_max_pct_to_liquidate(user, shortage, 0, 1000, 150) == 1000      # only the initial 10%
    assert ex.calculate_max_pct_to_liquidate(user, shortage, 75, 1000, 150) == 6000     # +50% after half the time
    assert ex.calculate_max_pct_to_liquidate(user, shortage, 500, 1000, 150) == 10000   # capped
    assert ex.calculate_max_pct_to_liquidate(user, shortage, 1, 1000, 0) == 10000       # no duration: all at once
    # $40 already freed of an original $140: 55% of 140 = 77 freeable, minus 40 -> 37 of the 100 left -> 37%
    user = User(last_active_slot=0, liquidation_margin_freed=40 * QUOTE_PRECISION)
    assert ex.calculate_max_pct_to_liquidate(user, shortage, 75, 500, 150) == 3700
    with pytest.raises(ex.MathError):  # slot before the last active slot
        ex.calculate_max_pct_to_liquidate(User(last_active_slot=10), shortage, 9, 1000, 150)


# --- errors -------------------------------------------------------------------------------------------------------


def test_sizing_errors() -> None:
    # a negative price fails the cast to u128 (CastingFailure); a zero asset transfer divides by zero (MathError)
    with pytest.raises(ex.CastingFailure):
        ex.calculate_base_asset_amount_to_cover_margin_shortage(QUOTE_PRECISION, 1000, 0, 0, -PRICE_PRECISION,
                                                                PRICE_PRECISION)
    with pytest.raises(ex.MathError):
        ex.validate_swap_within_liquidation_boundaries(0, 1, 9, 6, PRICE_PRECISION, PRICE_PRECISION, 10**6, 10**6)
    # the IF fee larger than the freed margin makes the denominator negative: u128 underflow
    with pytest.raises(ex.MathError):
        ex.calculate_base_asset_amount_to_cover_margin_shortage(QUOTE_PRECISION, 1000, 0, 200_000,
                                                                100 * PRICE_PRECISION, PRICE_PRECISION)
    with pytest.raises(ex.MathError):
        ex.calculate_liability_transfer_to_cover_margin_shortage(QUOTE_PRECISION, 8000, 10**6, 12000, 10**6, 9,
                                                                 100 * PRICE_PRECISION, 500_000)
    with pytest.raises(ex.LiquidationDoesntSatisfyLimitPrice):
        ex.validate_transfer_satisfies_limit_price(10**8, 100 * QUOTE_PRECISION, 9, 6, PRICE_PRECISION // 100)
    assert ex.validate_transfer_satisfies_limit_price(1, 10**18, 9, 6, None) is None


def test_no_liquidation_without_room() -> None:
    # the sentinel maxima: a fee at or above the margin ratio, or weights that do not shrink the liability
    assert ex.calculate_base_asset_amount_to_cover_margin_shortage(QUOTE_PRECISION, 100, 10_000, 0,
                                                                   PRICE_PRECISION, PRICE_PRECISION) == 2**64 - 1
    assert ex.calculate_base_asset_amount_to_cover_margin_shortage(QUOTE_PRECISION, 1000, 0, 0, 0,
                                                                   PRICE_PRECISION) == 2**64 - 1
    assert ex.calculate_liability_transfer_to_cover_margin_shortage(QUOTE_PRECISION, 10000, 10**6, 10000, 10**6, 6,
                                                                    PRICE_PRECISION, 0) == 2**128 - 1


# --- account-level liquidation checks -----------------------------------------------------------------------------


def _levered_user(usdc: int) -> User:
    """$usdc of USDC against 100 SOL-PERP long bought at $100 (maintenance requirement $500 at 5%)."""
    return User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=usdc * SBP)),
                perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=100 * BASE_PRECISION,
                                                           quote_asset_amount=-10_000 * QUOTE_PRECISION)))


def test_being_liquidated_and_exit() -> None:
    # math/liquidation.rs::is_cross_margin_being_liquidated / validate_user_not_being_liquidated, hand-checked:
    # requirement 5% of $10,000 = $500, buffer 2% of $10,000 = $200
    perp_map, spot_map = {0: sol_perp()}, {0: usdc_market(), 1: sol_market()}
    assert ex.is_cross_margin_being_liquidated(_levered_user(699), perp_map, spot_map, ORACLES, 200)
    assert not ex.is_cross_margin_being_liquidated(_levered_user(700), perp_map, spot_map, ORACLES, 200)

    user = _levered_user(700)
    user.add_user_status(UserStatus.BeingLiquidated)
    user.liquidation_margin_freed = 5
    ex.validate_user_not_being_liquidated(user, perp_map, spot_map, ORACLES, 200)
    assert not user.is_being_liquidated() and user.liquidation_margin_freed == 0

    user = _levered_user(600)
    user.add_user_status(UserStatus.BeingLiquidated)
    with pytest.raises(ex.UserIsBeingLiquidated):
        ex.validate_user_not_being_liquidated(user, perp_map, spot_map, ORACLES, 200)
    assert user.is_being_liquidated()


def test_liquidation_shortage_and_tracked_market() -> None:
    # state/margin_calculation.rs: cross_margin_margin_shortage and tracked_market_margin_shortage (hand-checked)
    perp_map, spot_map = {0: sol_perp()}, {0: usdc_market(), 1: sol_market()}
    context = MarginContext.liquidation(200).track_market_margin_requirement(ex.MarketIdentifier.perp(0))
    calculation = ex.calculate_margin_requirement_and_total_collateral_and_liability_info(
        _levered_user(600), perp_map, spot_map, ORACLES, context)
    assert calculation.margin_requirement == 500 * QUOTE_PRECISION
    assert calculation.margin_requirement_plus_buffer == 700 * QUOTE_PRECISION
    assert calculation.cross_margin_margin_shortage() == 100 * QUOTE_PRECISION
    assert calculation.tracked_market_margin_shortage(100 * QUOTE_PRECISION) == 100 * QUOTE_PRECISION


def test_isolated_liquidation_exit() -> None:
    # math/liquidation.rs::validate_user_not_being_liquidated for an isolated position (hand-checked): the position
    # has $700 of its own collateral against a $700 buffered requirement, so it exits liquidation
    position = PerpPosition(market_index=0, base_asset_amount=100 * BASE_PRECISION,
                            quote_asset_amount=-10_000 * QUOTE_PRECISION,
                            position_flag=PositionFlag.IsolatedPosition | PositionFlag.BeingLiquidated,
                            isolated_position_scaled_balance=700 * SBP)
    user = User(perp_positions=perp_positions(position))
    perp_map, spot_map = {0: sol_perp()}, {0: usdc_market()}
    assert not ex.is_isolated_margin_being_liquidated(user, perp_map, spot_map, ORACLES, 0, 200)
    ex.validate_user_not_being_liquidated(user, perp_map, spot_map, ORACLES, 200)
    assert not user.perp_positions[0].is_being_liquidated()
    assert user.perp_positions[0].is_isolated()


def test_bankruptcy_socialisation_matches_program_math_reference() -> None:
    # controller/liquidation.rs bankruptcy waterfall step 3 uses this delta: (-100e6, 7e9, -4e9) -> 9090910000
    market = PerpMarket(amm=AMM(base_asset_amount_long=7 * BASE_PRECISION, base_asset_amount_short=-4 * BASE_PRECISION))
    delta = ex.calculate_funding_rate_deltas_to_resolve_bankruptcy(-100 * QUOTE_PRECISION, market)
    assert delta == 9090910000
    # spreading it back over the open base covers at least the loss (rounded up)
    # (|delta| * |base| / 1e6 / 1e3, then / 1e3 to quote, as _calculate_funding_payment)
    assert delta * 11 * BASE_PRECISION // 10**6 // 10**3 // 10**3 >= 100 * QUOTE_PRECISION


# --- properties ---------------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(base=st.integers(min_value=0, max_value=10**6), max_fee=st.integers(min_value=0, max_value=10**6),
       last=st.integers(min_value=0, max_value=10**9), a=st.integers(min_value=0, max_value=10**7),
       b=st.integers(min_value=0, max_value=10**7))
def test_liquidation_fee_monotone_and_capped(base: int, max_fee: int, last: int, a: int, b: int) -> None:
    early, late = sorted((a, b))
    fee_early = ex.get_liquidation_fee(base, max_fee, last, last + early)
    fee_late = ex.get_liquidation_fee(base, max_fee, last, last + late)
    assert fee_early <= max(base, max_fee) and fee_late <= max(base, max_fee)
    if base <= max_fee:
        assert base <= fee_early <= fee_late <= max_fee
    if late >= 1500:  # past the grace period the cap always applies
        assert fee_late <= max_fee


@settings(max_examples=300, deadline=None)
@given(shortage=st.integers(min_value=1, max_value=10**12), ratio=st.integers(min_value=1, max_value=MARGIN_PRECISION),
       fee=st.integers(min_value=0, max_value=10**5), if_fee=st.integers(min_value=0, max_value=10**4),
       price=st.integers(min_value=1, max_value=10**11), quote=st.integers(min_value=9 * 10**5, max_value=11 * 10**5))
def test_base_to_cover_shortage_is_the_largest_base_not_overshooting(shortage: int, ratio: int, fee: int, if_fee: int,
                                                                     price: int, quote: int) -> None:
    # base * D <= S * 1e9 < (base + 1) * D with D the program's floored freed-margin-per-base
    assume(ratio * 100 > fee)
    freed = price * quote // 10**6 * (ratio * 100 - fee) // 10**6 - price * if_fee // 10**6
    assume(freed > 0 and shortage * 10**9 // freed < 2**64)
    base = ex.calculate_base_asset_amount_to_cover_margin_shortage(shortage, ratio, fee, if_fee, price, quote)
    assume(base < 2**64 - 1)
    assert base * freed <= shortage * 10**9 < (base + 1) * freed


@settings(max_examples=300, deadline=None)
@given(liability=st.integers(min_value=1, max_value=10**15), asset_price=st.integers(min_value=1, max_value=10**9),
       liability_price=st.integers(min_value=1, max_value=10**9), fee=st.integers(min_value=0, max_value=50_000),
       asset_decimals=st.sampled_from([6, 8, 9]), liability_decimals=st.sampled_from([6, 8, 9]))
def test_asset_transfer_never_overpays(liability: int, asset_price: int, liability_price: int, fee: int,
                                       asset_decimals: int, liability_decimals: int) -> None:
    # without the $1 snap (asset_amount far away), the liability implied by the asset transfer is at most the
    # liability transferred: the floor favours the liquidated user
    alm, llm = LIQUIDATION_FEE_PRECISION + fee, LIQUIDATION_FEE_PRECISION
    asset_amount = 2**64
    transfer = ex.calculate_asset_transfer_for_liability_transfer(asset_amount, alm, asset_decimals, asset_price,
                                                                  liability, llm, liability_decimals, liability_price)
    assume(transfer < asset_amount)
    implied = ex.calculate_liability_transfer_implied_by_asset_amount(transfer, alm, asset_decimals, asset_price, llm,
                                                                      liability_decimals, liability_price)
    assert transfer >= 1
    if transfer > 1:
        assert implied <= liability


@settings(max_examples=300, deadline=None)
@given(s1=st.integers(min_value=0, max_value=10**10), s2=st.integers(min_value=0, max_value=10**10),
       base=st.integers(min_value=1, max_value=10**12), ratio=st.integers(min_value=1, max_value=2000),
       fee=st.integers(min_value=0, max_value=50_000), max_if=st.integers(min_value=0, max_value=10**5))
def test_perp_if_fee_bounded_and_falling_with_shortage(s1: int, s2: int, base: int, ratio: int, fee: int,
                                                       max_if: int) -> None:
    small, large = sorted((s1, s2))
    args = (base, ratio, fee, 100 * PRICE_PRECISION, PRICE_PRECISION, max_if)
    f_small = ex.calculate_perp_if_fee(small, *args)
    f_large = ex.calculate_perp_if_fee(large, *args)
    assert 0 <= f_large <= f_small <= max_if


@settings(max_examples=300, deadline=None)
@given(shortage=st.integers(min_value=0, max_value=10**12), freed=st.integers(min_value=0, max_value=10**12),
       t1=st.integers(min_value=0, max_value=10**4), t2=st.integers(min_value=0, max_value=10**4),
       initial=st.integers(min_value=0, max_value=LIQUIDATION_PCT_PRECISION),
       duration=st.integers(min_value=0, max_value=500))
def test_max_pct_to_liquidate_bounded_and_growing(shortage: int, freed: int, t1: int, t2: int, initial: int,
                                                  duration: int) -> None:
    user = User(last_active_slot=100, liquidation_margin_freed=freed)
    early, late = sorted((t1, t2))
    p_early = ex.calculate_max_pct_to_liquidate(user, shortage, 100 + early, initial, duration)
    p_late = ex.calculate_max_pct_to_liquidate(user, shortage, 100 + late, initial, duration)
    assert 0 <= p_early <= p_late <= LIQUIDATION_PCT_PRECISION


def test_liquidation_leaves_margin_no_worse() -> None:
    # A perp liquidation sized by calculate_base_asset_amount_to_cover_margin_shortage, filled at the oracle less
    # the liquidator fee, leaves the account's maintenance shortage no larger than before (hand model of the
    # controller's transfer: the liquidator takes the base at the discounted price).
    perp_map, spot_map = {0: sol_perp()}, {0: usdc_market()}
    user = _levered_user(450)
    context = MarginContext.standard(MarginRequirementType.Maintenance)
    before = ex.calculate_margin_requirement_and_total_collateral_and_liability_info(user, perp_map, spot_map,
                                                                                     ORACLES, context)
    shortage = before.margin_requirement - before.total_collateral
    assert shortage == 50 * QUOTE_PRECISION
    fee = 10_000  # 1%
    base = ex.calculate_base_asset_amount_to_cover_margin_shortage(shortage, 500, fee, 0, 100 * PRICE_PRECISION,
                                                                   PRICE_PRECISION)
    price = 100 * PRICE_PRECISION * (LIQUIDATION_FEE_PRECISION - fee) // LIQUIDATION_FEE_PRECISION
    position = user.perp_positions[0]
    position.base_asset_amount -= base
    position.quote_asset_amount += base * price // BASE_PRECISION
    after = ex.calculate_margin_requirement_and_total_collateral_and_liability_info(user, perp_map, spot_map,
                                                                                    ORACLES, context)
    assert after.margin_requirement - after.total_collateral <= shortage
    assert after.total_collateral - after.margin_requirement >= -1  # the shortage is covered up to rounding
