"""Backstop AMM Liquidity (BAL) accounts, at protocol-v2 tag v2.136.0: mint, settle and burn LP shares.

Minting adds shares to ``sqrt_k`` (the reserves scale up at the same price) and to ``user_lp_shares``; settling
moves the LP's share of the AMM's position since it last settled into its perp position, keeping the base below
the order step size as ``remainder_base_asset_amount``; burning settles, sells any remainder at the oracle (plus
one quote unit) and takes the shares back out of ``sqrt_k``. Fills split between the protocol and the LPs through
``update_lp_market_position``. The functions mutate the ``PerpPosition``, ``PerpMarket`` and ``User`` dataclasses
as the program mutates its accounts, and raise the program's errors.

Also here, under a ``_v2_136`` suffix, v2.136.0's ``update_position_and_market`` (the remainder-aware version these
functions call). The k changes use v2.161.0's ``get_update_k_result`` / ``update_k`` (``math/cp_curve.rs`` is the
same file at both tags; ``update_k``'s spread refresh differs only in the reference-price offset, which is zero for
``curve_update_intensity <= 100``).

program (v2.136.0): controller/lp.rs
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import funding as funding_math
from .controller_position import PositionDelta, _update_amm_long_short
from .cp_curve import get_update_k_result, update_k
from .enums import AMMLiquiditySplit, MarketType, PositionUpdateType
from .errors import (
    DefaultError,
    InsufficientLPTokens,
    InvalidPerpPositionDetected,
    PerpMarketNotFound,
    TryingToRemoveLiquidityTooFast,
    UserHasNoPositionInMarket,
)
from .lp import (
    calculate_settle_lp_metrics,
    get_new_position_amounts_v2_136,
    get_position_update_type_v2_136,
    validate_perp_market_v2_136,
    validate_perp_position_with_perp_market_v2_136,
)
from .orders import is_multiple_of_step_size, standardize_base_asset_amount
from .position import calculate_base_asset_value_with_oracle_price
from .safe_math import I8, I32, I64, I128, U32, U64, U128, cast, safe_add, safe_div, safe_mul, safe_sub

if TYPE_CHECKING:
    from .state import PerpMarket, PerpPosition, State, User

__all__ = [
    "apply_lp_rebase_to_perp_market",
    "apply_lp_rebase_to_perp_position",
    "burn_lp_shares",
    "mint_lp_shares",
    "remove_perp_lp_shares",
    "settle_funding_payment_then_lp",
    "settle_lp",
    "settle_lp_position",
    "update_lp_market_position",
    "update_position_and_market_v2_136",
]


def apply_lp_rebase_to_perp_market(perp_market: PerpMarket, expo_diff: int) -> None:
    """Change the per-share unit by ``10**expo_diff``: ``per_lp_base += expo_diff``, per-share amounts rescaled.

    ``base_asset_amount_per_lp`` and ``quote_asset_amount_per_lp`` are multiplied (``expo_diff > 0``) or divided
    (truncating) by ``10**|expo_diff|``; ``target_base_asset_amount_per_lp`` is left as is (it is read through
    ``get_target_base_asset_amount_per_lp``). ``expo_diff == 0`` is ``DefaultError``; the market is validated after.
    program (v2.136.0): controller/lp.rs::apply_lp_rebase_to_perp_market
    """
    if expo_diff == 0:
        raise DefaultError("expo_diff = 0")
    amm = perp_market.amm
    amm.per_lp_base = safe_add(amm.per_lp_base, expo_diff, I8)
    rebase_divisor = 10 ** abs(expo_diff)
    if expo_diff > 0:
        amm.base_asset_amount_per_lp = safe_mul(amm.base_asset_amount_per_lp, rebase_divisor, I128)
        amm.quote_asset_amount_per_lp = safe_mul(amm.quote_asset_amount_per_lp, rebase_divisor, I128)
    else:
        amm.base_asset_amount_per_lp = safe_div(amm.base_asset_amount_per_lp, rebase_divisor)
        amm.quote_asset_amount_per_lp = safe_div(amm.quote_asset_amount_per_lp, rebase_divisor)
    validate_perp_market_v2_136(perp_market)


def apply_lp_rebase_to_perp_position(perp_market: PerpMarket, perp_position: PerpPosition) -> None:
    """Bring a position's ``last_*_per_lp`` to the market's ``per_lp_base`` (times or over ``10**diff``, i64).

    program (v2.136.0): controller/lp.rs::apply_lp_rebase_to_perp_position
    """
    expo_diff = safe_sub(perp_market.amm.per_lp_base, perp_position.per_lp_base, I8)
    if expo_diff > 0:
        rebase_divisor = 10**expo_diff
        if rebase_divisor > I64.max:
            from .errors import MathError

            raise MathError(f"10**{expo_diff} overflows i64 (program panics)")
        perp_position.last_base_asset_amount_per_lp = safe_mul(perp_position.last_base_asset_amount_per_lp,
                                                               rebase_divisor, I64)
        perp_position.last_quote_asset_amount_per_lp = safe_mul(perp_position.last_quote_asset_amount_per_lp,
                                                                rebase_divisor, I64)
    elif expo_diff < 0:
        rebase_divisor = 10 ** abs(expo_diff)
        perp_position.last_base_asset_amount_per_lp = safe_div(perp_position.last_base_asset_amount_per_lp,
                                                               rebase_divisor)
        perp_position.last_quote_asset_amount_per_lp = safe_div(perp_position.last_quote_asset_amount_per_lp,
                                                                rebase_divisor)
    perp_position.per_lp_base = safe_add(perp_position.per_lp_base, expo_diff, I8)


def mint_lp_shares(position: PerpPosition, market: PerpMarket, n_shares: int) -> None:
    """Add ``n_shares`` LP shares: ``sqrt_k += n_shares`` (reserves scaled at the same price), ``user_lp_shares += n``.

    An existing LP settles first; a new one starts from the market's current per-share amounts. The k update is
    bounded (``get_update_k_result(.., true)``); the market and position are validated after.
    program (v2.136.0): controller/lp.rs::mint_lp_shares
    """
    sqrt_k = market.amm.sqrt_k
    if position.lp_shares > 0:
        settle_lp_position(position, market)
    else:
        position.last_base_asset_amount_per_lp = cast(market.amm.base_asset_amount_per_lp, I64)
        position.last_quote_asset_amount_per_lp = cast(market.amm.quote_asset_amount_per_lp, I64)
        position.per_lp_base = market.amm.per_lp_base
    position.lp_shares = safe_add(position.lp_shares, n_shares, U64)
    new_sqrt_k = safe_add(sqrt_k, n_shares, U128)
    update_k(market, get_update_k_result(market, new_sqrt_k, True))
    market.amm.user_lp_shares = safe_add(market.amm.user_lp_shares, n_shares, U128)
    validate_perp_market_v2_136(market)
    validate_perp_position_with_perp_market_v2_136(position, market)


def settle_lp_position(position: PerpPosition, market: PerpMarket) -> tuple[PositionDelta, int]:
    """Move the LP's share of the AMM's position since its last settlement into its perp position.

    The position's funding must be settled (its rate equal to the market's for its side, else
    ``InvalidPerpPositionDetected``): settled LP inventory starts earning funding now. The delta is
    ``calculate_settle_lp_metrics`` (base on the step size, the rest as a remainder) applied with
    ``update_position_and_market_v2_136``; the per-share marks move to the market's. Returns ``(delta, pnl)``.
    program (v2.136.0): controller/lp.rs::settle_lp_position
    """
    amm = market.amm
    if position.base_asset_amount > 0:
        if position.last_cumulative_funding_rate != amm.cumulative_funding_rate_long:
            raise InvalidPerpPositionDetected("position funding not settled (long)")
    elif position.base_asset_amount < 0:
        if position.last_cumulative_funding_rate != amm.cumulative_funding_rate_short:
            raise InvalidPerpPositionDetected("position funding not settled (short)")
    apply_lp_rebase_to_perp_position(market, position)
    lp_metrics = calculate_settle_lp_metrics(market.amm, position)
    position_delta = PositionDelta(base_asset_amount=cast(lp_metrics.base_asset_amount, I64),
                                   quote_asset_amount=cast(lp_metrics.quote_asset_amount, I64),
                                   remainder_base_asset_amount=cast(lp_metrics.remainder_base_asset_amount, I64))
    pnl = update_position_and_market_v2_136(position, market, position_delta)
    position.last_base_asset_amount_per_lp = cast(market.amm.base_asset_amount_per_lp, I64)
    position.last_quote_asset_amount_per_lp = cast(market.amm.quote_asset_amount_per_lp, I64)
    validate_perp_market_v2_136(market)
    validate_perp_position_with_perp_market_v2_136(position, market)
    return position_delta, pnl


def _is_available_v2_136(position: PerpPosition) -> bool:
    """program (v2.136.0): state/user.rs::PerpPosition::is_available (an LP-only position is not available)."""
    return (not position.is_open_position() and not position.has_open_order() and not position.has_unsettled_pnl()
            and not position.is_lp())


def _get_position_index_v2_136(user_positions: list[PerpPosition], market_index: int) -> int:
    """program (v2.136.0): controller/position.rs::get_position_index with v2.136.0's ``is_available``."""
    for index, position in enumerate(user_positions):
        if position.market_index == market_index and not _is_available_v2_136(position):
            return index
    raise UserHasNoPositionInMarket(f"no position in market {market_index}")


def settle_lp(user: User, user_key: str, market: PerpMarket, now: int) -> None:
    """Settle the user's LP position in ``market`` if it has shares (no-op otherwise).

    ``user_key`` and ``now`` only label the program's LPRecord.
    program (v2.136.0): controller/lp.rs::settle_lp
    """
    try:
        index = _get_position_index_v2_136(user.perp_positions, market.market_index)
    except UserHasNoPositionInMarket:
        return
    position = user.perp_positions[index]
    if position.lp_shares > 0:
        settle_lp_position(position, market)


def settle_funding_payment_then_lp(user: User, user_key: str, market: PerpMarket, now: int) -> None:
    """Funding first, then the LP: the newly settled base must not collect funding from before it was held.

    program (v2.136.0): controller/lp.rs::settle_funding_payment_then_lp
    """
    funding_math.settle_funding_payment(user, user_key, market, now)
    settle_lp(user, user_key, market, now)


def burn_lp_shares(position: PerpPosition, market: PerpMarket, shares_to_burn: int,
                   oracle_price: int) -> tuple[PositionDelta, int]:
    """Settle, close the base remainder at the oracle for a fee, and take ``shares_to_burn`` out of ``sqrt_k``.

    When the last LP shares leave, the market's unsettled LP base (left by rounding) is folded into this LP's
    remainder. A remaining ``r`` base is closed against the AMM: ``base_asset_amount_with_amm -= r``, and the LP pays
    ``|r| * oracle / 1e9 + 1`` quote whichever its sign. The k update is unbounded
    (``get_update_k_result(.., false)``). Returns the settle delta and P&L with the dust charge included.
    program (v2.136.0): controller/lp.rs::burn_lp_shares
    """
    position_delta, pnl = settle_lp_position(position, market)
    amm = market.amm
    unsettled_remainder = safe_add(amm.base_asset_amount_with_unsettled_lp, position.remainder_base_asset_amount,
                                   I128)
    if shares_to_burn == amm.user_lp_shares and unsettled_remainder != 0:
        position.remainder_base_asset_amount = safe_sub(position.remainder_base_asset_amount,
                                                        cast(unsettled_remainder, I32), I32)
    if position.remainder_base_asset_amount != 0:
        base_asset_amount = position.remainder_base_asset_amount
        amm.base_asset_amount_with_amm = safe_sub(amm.base_asset_amount_with_amm, base_asset_amount, I128)
        amm.base_asset_amount_with_unsettled_lp = safe_add(amm.base_asset_amount_with_unsettled_lp,
                                                           base_asset_amount, I128)
        dust_base_asset_value = safe_add(calculate_base_asset_value_with_oracle_price(base_asset_amount,
                                                                                      oracle_price), 1, U128)
        dust_burn_position_delta = PositionDelta(base_asset_amount=0,
                                                 quote_asset_amount=-cast(dust_base_asset_value, I64),
                                                 remainder_base_asset_amount=-position.remainder_base_asset_amount)
        update_position_and_market_v2_136(position, market, dust_burn_position_delta)
        position_delta.quote_asset_amount = safe_sub(position_delta.quote_asset_amount,
                                                     cast(dust_base_asset_value, I64), I64)
        pnl = safe_sub(pnl, cast(dust_base_asset_value, I64), I64)
    position.last_base_asset_amount_per_lp = cast(amm.base_asset_amount_per_lp, I64)
    position.last_quote_asset_amount_per_lp = cast(amm.quote_asset_amount_per_lp, I64)
    position.lp_shares = safe_sub(position.lp_shares, shares_to_burn, U64)
    amm.user_lp_shares = safe_sub(amm.user_lp_shares, shares_to_burn, U128)
    new_sqrt_k = safe_sub(amm.sqrt_k, shares_to_burn, U128)
    update_k(market, get_update_k_result(market, new_sqrt_k, False))
    validate_perp_market_v2_136(market)
    validate_perp_position_with_perp_market_v2_136(position, market)
    return position_delta, pnl


def remove_perp_lp_shares(perp_market_map: Mapping[int, PerpMarket], oracle_map: Any, state: State, user: User,
                          user_key: str, shares_to_burn: int, market_index: int, now: int) -> None:
    """The remove-liquidity instruction's body: the burn cooldown, funding, then ``burn_lp_shares``.

    Burning all of a position's shares is allowed off the step size; otherwise the amount is cut down to the step
    (zero: nothing happens). ``now - user.last_add_perp_lp_shares_ts`` must be at least ``state.lp_cooldown_time``
    (``TryingToRemoveLiquidityTooFast``); funding is settled; more shares than held is ``InsufficientLPTokens``. The
    dust is priced at the market's oracle from ``oracle_map`` (a mapping as in :mod:`driftlab.exact.margin`).
    program (v2.136.0): controller/lp.rs::remove_perp_lp_shares
    """
    from .margin import _oracle_lookup

    def get_market() -> PerpMarket:
        try:
            return perp_market_map[market_index]
        except KeyError:
            raise PerpMarketNotFound(f"perp market {market_index}") from None

    position_index = _get_position_index_v2_136(user.perp_positions, market_index)
    if user.perp_positions[position_index].lp_shares != shares_to_burn:
        shares_to_burn = cast(standardize_base_asset_amount(shares_to_burn, get_market().amm.order_step_size), U64)
    if shares_to_burn == 0:
        return
    market = get_market()
    time_since_last_add_liquidity = safe_sub(now, user.last_add_perp_lp_shares_ts, I64)
    if not time_since_last_add_liquidity >= cast(state.lp_cooldown_time, I64):
        raise TryingToRemoveLiquidityTooFast(
            f"{time_since_last_add_liquidity}s since adding < lp_cooldown_time {state.lp_cooldown_time}s")
    funding_math.settle_funding_payment(user, user_key, market, now)
    position = user.perp_positions[position_index]
    if not position.lp_shares >= shares_to_burn:
        raise InsufficientLPTokens(f"lp_shares {position.lp_shares} < shares_to_burn {shares_to_burn}")
    oracle_price = _oracle_lookup(oracle_map).get_price_data(MarketType.Perp, market_index, market.oracle_id()).price
    burn_lp_shares(position, market, shares_to_burn, oracle_price)


def update_lp_market_position(market: PerpMarket, delta: PositionDelta, fee_to_market: int,
                              liquidity_split: AMMLiquiditySplit) -> int:
    """Book the LPs' share of a user's AMM fill (and of the fee) per LP share; returns the LPs' base taken.

    Nothing without LP shares or for a ProtocolOwned split. Otherwise the per-share amounts move against the user
    by ``calculate_per_lp_delta`` (the per-share quote also gains the 80% fee slice), and the LPs' total,
    ``per_lp_base * user_lp_shares / unit``, moves from ``base_asset_amount_with_amm`` to
    ``base_asset_amount_with_unsettled_lp`` (its quote to ``quote_asset_amount_with_unsettled_lp``).
    program (v2.136.0): controller/position.rs::update_lp_market_position
    """
    amm = market.amm
    if amm.user_lp_shares == 0 or liquidity_split == AMMLiquiditySplit.ProtocolOwned:
        return 0
    base_unit = amm.get_per_lp_base_unit()
    per_lp_delta_base, per_lp_delta_quote, per_lp_fee = amm.calculate_per_lp_delta(delta, fee_to_market,
                                                                                   liquidity_split, base_unit)
    amm.base_asset_amount_per_lp = safe_add(amm.base_asset_amount_per_lp, -per_lp_delta_base, I128)
    amm.quote_asset_amount_per_lp = safe_add(amm.quote_asset_amount_per_lp, -per_lp_delta_quote, I128)
    amm.quote_asset_amount_per_lp = safe_add(amm.quote_asset_amount_per_lp, per_lp_fee, I128)
    lp_delta_base = amm.calculate_lp_base_delta(per_lp_delta_base, base_unit)
    lp_delta_quote = amm.calculate_lp_base_delta(per_lp_delta_quote, base_unit)
    amm.base_asset_amount_with_amm = safe_sub(amm.base_asset_amount_with_amm, lp_delta_base, I128)
    amm.base_asset_amount_with_unsettled_lp = safe_add(amm.base_asset_amount_with_unsettled_lp, lp_delta_base, I128)
    amm.quote_asset_amount_with_unsettled_lp = safe_add(amm.quote_asset_amount_with_unsettled_lp,
                                                        cast(lp_delta_quote, I64), I64)
    return lp_delta_base


def _update_quote_asset_amount_v2_136(position: PerpPosition, market: PerpMarket, delta: int) -> None:
    """program (v2.136.0): controller/position.rs::update_quote_asset_amount (a remainder counts as holding base)."""
    if delta == 0:
        return
    flat = position.base_asset_amount == 0 and position.remainder_base_asset_amount == 0
    if position.quote_asset_amount == 0 and flat:
        market.number_of_users = safe_add(market.number_of_users, 1, U32)
    position.quote_asset_amount = safe_add(position.quote_asset_amount, delta, I64)
    market.amm.quote_asset_amount = safe_add(market.amm.quote_asset_amount, delta, I128)
    if position.quote_asset_amount == 0 and flat:
        market.number_of_users = max(market.number_of_users - 1, 0)


def update_position_and_market_v2_136(position: PerpPosition, market: PerpMarket, delta: PositionDelta) -> int:
    """v2.136.0's fill accounting: as v2.161.0's ``update_position_and_market`` with the base remainder counted.

    The update type and the pro-rata entry/break-even reduction use base *with* remainder
    (``get_position_update_type_v2_136``); the new amounts fold whole steps of the remainder into the base
    (``get_new_position_amounts_v2_136``), and only that settled base moves the market's long/short totals; a
    delta carrying a remainder (an LP settling) also moves ``*_with_unsettled_lp``
    (``PerpMarket::update_market_with_counterparty``). Returns the realised P&L. Mutates both.
    program (v2.136.0): controller/position.rs::update_position_and_market
    """
    if delta.base_asset_amount == 0 and (delta.remainder_base_asset_amount or 0) == 0:
        _update_quote_asset_amount_v2_136(position, market, delta.quote_asset_amount)
        return delta.quote_asset_amount

    update_type = get_position_update_type_v2_136(position, delta)
    new_base, new_settled_base, new_quote, new_remainder = get_new_position_amounts_v2_136(position, delta, market)
    market.update_market_with_counterparty(delta, new_settled_base)

    if update_type in (PositionUpdateType.Open, PositionUpdateType.Increase):
        new_quote_entry_amount = safe_add(position.quote_entry_amount, delta.quote_asset_amount, I64)
        new_quote_break_even_amount = safe_add(position.quote_break_even_amount, delta.quote_asset_amount, I64)
        pnl = 0
    elif update_type in (PositionUpdateType.Reduce, PositionUpdateType.Close):
        current_base = position.get_base_asset_amount_with_remainder_abs()
        delta_base = delta.get_delta_base_with_remainder_abs()
        new_quote_entry_amount = safe_sub(position.quote_entry_amount, cast(safe_div(
            safe_mul(position.quote_entry_amount, delta_base, I128), current_base), I64), I64)
        new_quote_break_even_amount = safe_sub(position.quote_break_even_amount, cast(safe_div(
            safe_mul(position.quote_break_even_amount, delta_base, I128), current_base), I64), I64)
        pnl = safe_add(safe_sub(position.quote_entry_amount, new_quote_entry_amount, I64), delta.quote_asset_amount,
                       I64)
    else:
        current_base = position.get_base_asset_amount_with_remainder_abs()
        delta_base = delta.get_delta_base_with_remainder_abs()
        new_quote_break_even_amount = safe_sub(delta.quote_asset_amount, cast(safe_div(
            safe_mul(delta.quote_asset_amount, current_base, I128), delta_base), I64), I64)
        new_quote_entry_amount = new_quote_break_even_amount
        pnl = safe_add(position.quote_entry_amount, safe_sub(delta.quote_asset_amount, new_quote_break_even_amount,
                                                             I64), I64)

    if update_type == PositionUpdateType.Open:
        if position.quote_asset_amount == 0 and position.base_asset_amount == 0:
            market.number_of_users = safe_add(market.number_of_users, 1, U32)
        market.number_of_users_with_base = safe_add(market.number_of_users_with_base, 1, U32)
    elif update_type == PositionUpdateType.Close:
        if new_base == 0 and new_quote == 0:
            market.number_of_users = max(market.number_of_users - 1, 0)
        market.number_of_users_with_base = max(market.number_of_users_with_base - 1, 0)

    amm = market.amm
    amm.quote_asset_amount = safe_add(amm.quote_asset_amount, delta.quote_asset_amount, I128)
    _update_amm_long_short(amm, position, update_type, new_settled_base, delta.quote_asset_amount, new_base,
                           new_quote_entry_amount, new_quote_break_even_amount)

    new_position_base_with_remainder = safe_add(new_base, new_remainder, I64)
    if update_type == PositionUpdateType.Close:
        position.last_cumulative_funding_rate = 0
    elif update_type != PositionUpdateType.Reduce:
        if new_position_base_with_remainder > 0:
            position.last_cumulative_funding_rate = cast(amm.cumulative_funding_rate_long, I64)
        else:
            position.last_cumulative_funding_rate = cast(amm.cumulative_funding_rate_short, I64)

    if not is_multiple_of_step_size(abs(position.base_asset_amount), amm.order_step_size):
        raise InvalidPerpPositionDetected(
            f"update_position_and_market left invalid position before {position.base_asset_amount} after {new_base}")

    position.remainder_base_asset_amount = cast(new_remainder, I32)
    position.base_asset_amount = new_base
    position.quote_asset_amount = new_quote
    position.quote_entry_amount = new_quote_entry_amount
    position.quote_break_even_amount = new_quote_break_even_amount
    return pnl
