"""Spot market state updates: interest accrual with the insurance take, token TWAPs, balance moves.

Functions mutate the ``SpotMarket`` and balance dataclasses in place, as the program mutates ``&mut`` accounts,
and return ``None`` (the program's ``Ok(())``). A "spot balance" is anything implementing the program's
``SpotBalance`` trait: ``SpotPosition``, ``PoolBalance`` or an isolated ``PerpPosition`` (``balance_type`` is an
attribute, ``balance()``/``increase_balance``/``decrease_balance``/``update_balance_type`` methods).
Emitted events (``SpotInterestRecord``) are not reproduced.

program: controller/spot_balance.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import amm as amm_math
from . import oracle as oracle_math
from .constants import (
    FIVE_MINUTE,
    IF_FACTOR_PRECISION,
    ONE_HOUR,
    ONE_MINUTE,
    QUOTE_SPOT_MARKET_INDEX,
    SPOT_MARKET_TOKEN_TWAP_WINDOW,
)
from .enums import DriftAction, LogMode, MarketType, SpotBalanceType, SpotOperation
from .errors import (
    InvalidOracle,
    InvalidSpotMarketState,
    SpotMarketInsufficientDeposits,
    UnequalMarketIndexForSpotTransfer,
)
from .safe_math import I64, U64, U128, cast, safe_add, safe_div, safe_mul, safe_sub
from .spot_balance import (
    calculate_accumulated_interest,
    calculate_utilization,
    get_interest_token_amount,
    get_spot_balance,
    get_token_amount,
)
from .stats import calculate_new_twap, calculate_weighted_average

if TYPE_CHECKING:
    from typing import Any

    from .state import OraclePriceData, SpotMarket, ValidityGuardRails

    SpotBalance = Any  # SpotPosition | PoolBalance | PerpPosition

__all__ = [
    "decrease_spot_balance",
    "increase_spot_balance",
    "transfer_revenue_pool_to_spot_balance",
    "transfer_spot_balance_to_revenue_pool",
    "transfer_spot_balances",
    "update_revenue_pool_balances",
    "update_spot_balances",
    "update_spot_market_and_check_validity",
    "update_spot_market_cumulative_interest",
    "update_spot_market_twap_stats",
]


def update_spot_market_twap_stats(spot_market: SpotMarket, oracle_price_data: OraclePriceData | None,
                                  now: int) -> None:
    """Fold the current deposit/borrow tokens and utilization into their 24h TWAPs, and the oracle into its TWAPs.

    Weights: ``since_last`` for the new value, ``max(1, 24h - since_last)`` for the TWAP. The oracle price is
    clamped to the market's sanitize band around its 1h TWAP before entering the 1h and 5min TWAPs, which are
    only stored when they change or a minute has passed.
    program: controller/spot_balance.rs::update_spot_market_twap_stats
    """
    since_last = max(0, safe_sub(now, cast(spot_market.last_twap_ts, I64), I64))
    from_start = max(1, safe_sub(SPOT_MARKET_TOKEN_TWAP_WINDOW, since_last, I64))

    deposit_token_amount = get_token_amount(spot_market.deposit_balance, spot_market, SpotBalanceType.Deposit)
    borrow_token_amount = get_token_amount(spot_market.borrow_balance, spot_market, SpotBalanceType.Borrow)

    spot_market.deposit_token_twap = cast(calculate_weighted_average(
        cast(deposit_token_amount, I64), cast(spot_market.deposit_token_twap, I64), since_last, from_start, None), U64)

    spot_market.borrow_token_twap = cast(calculate_weighted_average(
        cast(borrow_token_amount, I64), cast(spot_market.borrow_token_twap, I64), since_last, from_start, None), U64)

    utilization = calculate_utilization(deposit_token_amount, borrow_token_amount)

    spot_market.utilization_twap = cast(calculate_weighted_average(
        cast(utilization, I64), cast(spot_market.utilization_twap, I64), since_last, from_start, None), U64)

    if oracle_price_data is not None:
        history = spot_market.historical_oracle_data
        sanitize_clamp_denominator = spot_market.get_sanitize_clamp_denominator()
        capped_oracle_update_price = amm_math.sanitize_new_price(
            oracle_price_data.price, history.last_oracle_price_twap, sanitize_clamp_denominator)

        oracle_price_twap = calculate_new_twap(
            capped_oracle_update_price, now, history.last_oracle_price_twap, history.last_oracle_price_twap_ts,
            ONE_HOUR)
        oracle_price_twap_5min = calculate_new_twap(
            capped_oracle_update_price, now, history.last_oracle_price_twap_5min,
            history.last_oracle_price_twap_ts, FIVE_MINUTE)

        history.last_oracle_price = oracle_price_data.price
        history.last_oracle_conf = oracle_price_data.confidence
        history.last_oracle_delay = oracle_price_data.delay

        if oracle_price_twap != history.last_oracle_price_twap or since_last >= ONE_MINUTE:
            history.last_oracle_price_twap = oracle_price_twap
            history.last_oracle_price_twap_5min = oracle_price_twap_5min
            history.last_oracle_price_twap_ts = now

    spot_market.last_twap_ts = cast(now, U64)


def update_spot_market_cumulative_interest(spot_market: SpotMarket, oracle_price_data: OraclePriceData | None,
                                           now: int) -> None:
    """Accrue interest into the cumulative indexes, pay the insurance take to the revenue pool, update TWAPs.

    Applied only when ``deposit_interest > 0`` and ``borrow_interest > 1``:
    ``stakers = deposit_interest * total_factor / 1e6``; ``cdi += deposit_interest - stakers`` (if positive),
    ``cbi += borrow_interest``; the stakers' part of the interest on ``deposit_balance`` (tokens
    ``deposit_balance * stakers / 10^(19-decimals)``) becomes a revenue pool deposit. When the
    UpdateCumulativeInterest operation is paused only the TWAPs are updated.
    program: controller/spot_balance.rs::update_spot_market_cumulative_interest
    """
    if spot_market.is_operation_paused(SpotOperation.UpdateCumulativeInterest):
        update_spot_market_twap_stats(spot_market, oracle_price_data, now)
        return

    interest = calculate_accumulated_interest(spot_market, now)
    deposit_interest = interest.deposit_interest
    borrow_interest = interest.borrow_interest

    if deposit_interest > 0 and borrow_interest > 1:
        deposit_interest_for_stakers = safe_div(
            safe_mul(deposit_interest, spot_market.insurance_fund.total_factor, U128), IF_FACTOR_PRECISION)
        deposit_interest_for_lenders = safe_sub(deposit_interest, deposit_interest_for_stakers, U128)

        if deposit_interest_for_lenders > 0:
            spot_market.cumulative_deposit_interest = safe_add(
                spot_market.cumulative_deposit_interest, deposit_interest_for_lenders, U128)
            spot_market.cumulative_borrow_interest = safe_add(
                spot_market.cumulative_borrow_interest, borrow_interest, U128)
            spot_market.last_interest_ts = cast(now, U64)

            token_amount = get_interest_token_amount(
                spot_market.deposit_balance, spot_market, deposit_interest_for_stakers)
            update_revenue_pool_balances(token_amount, SpotBalanceType.Deposit, spot_market)

    update_spot_market_twap_stats(spot_market, oracle_price_data, now)


def update_revenue_pool_balances(token_amount: int, update_direction: SpotBalanceType,
                                 spot_market: SpotMarket) -> None:
    """Move ``token_amount`` into (Deposit) or out of (Borrow) the market's revenue pool.

    program: controller/spot_balance.rs::update_revenue_pool_balances
    """
    update_spot_balances(token_amount, update_direction, spot_market, spot_market.revenue_pool, False)


def update_spot_balances(token_amount: int, update_direction: SpotBalanceType, spot_market: SpotMarket,
                         spot_balance: SpotBalance, is_leaving_drift: bool) -> None:
    """Add ``token_amount`` to a balance in the direction ``update_direction``, flipping its side if needed.

    Same side: the scaled delta is ``get_spot_balance`` rounded up for borrows. Opposite side: the existing
    balance is reduced first (rounded up for borrows or when the tokens leave Drift; the whole balance when
    the amount covers it), and any remainder opens the other side. Market ``deposit_balance``/``borrow_balance``
    move by the same scaled deltas. A borrow leaving Drift must leave deposits >= borrows, else
    ``SpotMarketInsufficientDeposits``.
    program: controller/spot_balance.rs::update_spot_balances
    """
    increase_user_existing_balance = update_direction == spot_balance.balance_type
    if increase_user_existing_balance:
        round_up = spot_balance.balance_type == SpotBalanceType.Borrow
        balance_delta = get_spot_balance(token_amount, spot_market, update_direction, round_up)
        spot_balance.increase_balance(balance_delta)
        increase_spot_balance(balance_delta, spot_market, update_direction)
    else:
        current_token_amount = get_token_amount(spot_balance.balance(), spot_market, spot_balance.balance_type)

        reduce_user_existing_balance = current_token_amount != 0
        if reduce_user_existing_balance:
            if current_token_amount > token_amount:
                round_up = is_leaving_drift or spot_balance.balance_type == SpotBalanceType.Borrow
                balance_delta = get_spot_balance(token_amount, spot_market, spot_balance.balance_type, round_up)
                token_delta = token_amount
            else:
                token_delta, balance_delta = current_token_amount, spot_balance.balance()

            decrease_spot_balance(balance_delta, spot_market, spot_balance.balance_type)
            spot_balance.decrease_balance(balance_delta)
            token_amount = safe_sub(token_amount, token_delta, U128)

        if token_amount > 0:
            spot_balance.update_balance_type(update_direction)
            round_up = update_direction == SpotBalanceType.Borrow
            balance_delta = get_spot_balance(token_amount, spot_market, update_direction, round_up)
            spot_balance.increase_balance(balance_delta)
            increase_spot_balance(balance_delta, spot_market, update_direction)

    if is_leaving_drift and update_direction == SpotBalanceType.Borrow:
        deposit_token_amount = get_token_amount(spot_market.deposit_balance, spot_market, SpotBalanceType.Deposit)
        borrow_token_amount = get_token_amount(spot_market.borrow_balance, spot_market, SpotBalanceType.Borrow)
        if not deposit_token_amount >= borrow_token_amount:
            raise SpotMarketInsufficientDeposits(
                f"deposits ({deposit_token_amount}) borrows ({borrow_token_amount})")


def _spot_balance_market_index(spot_balance: SpotBalance) -> int:
    """``SpotBalance::market_index``: an isolated perp position's balance is always in the quote market."""
    from .state import PerpPosition

    if isinstance(spot_balance, PerpPosition):
        return QUOTE_SPOT_MARKET_INDEX
    return int(spot_balance.market_index)


def transfer_spot_balances(token_amount: int, spot_market: SpotMarket, from_spot_balance: SpotBalance,
                           to_spot_balance: SpotBalance) -> None:
    """Move ``token_amount`` (signed) from one balance to another in the same market.

    Positive amounts withdraw from ``from`` (Borrow direction) and deposit into ``to``; negative the reverse.
    program: controller/spot_balance.rs::transfer_spot_balances
    """
    if _spot_balance_market_index(from_spot_balance) != _spot_balance_market_index(to_spot_balance):
        raise UnequalMarketIndexForSpotTransfer("transfer market indexes arent equal")
    if token_amount == 0:
        return
    if from_spot_balance.balance_type == SpotBalanceType.Deposit:
        if not spot_market.deposit_balance >= from_spot_balance.balance():
            raise InvalidSpotMarketState(
                f"spot_market.deposit_balance={spot_market.deposit_balance} lower than individual spot balance="
                f"{from_spot_balance.balance()}")
    amount = abs(token_amount)
    from_direction = SpotBalanceType.Deposit if token_amount < 0 else SpotBalanceType.Borrow
    to_direction = SpotBalanceType.Borrow if token_amount < 0 else SpotBalanceType.Deposit
    update_spot_balances(amount, from_direction, spot_market, from_spot_balance, False)
    update_spot_balances(amount, to_direction, spot_market, to_spot_balance, False)


def transfer_revenue_pool_to_spot_balance(token_amount: int, spot_market: SpotMarket,
                                          to_spot_balance: SpotBalance) -> None:
    """Pay ``token_amount`` from the revenue pool into a balance of the same market.

    program: controller/spot_balance.rs::transfer_revenue_pool_to_spot_balance
    """
    if _spot_balance_market_index(to_spot_balance) != spot_market.market_index:
        raise UnequalMarketIndexForSpotTransfer("transfer market indexes arent equal")
    update_revenue_pool_balances(token_amount, SpotBalanceType.Borrow, spot_market)
    update_spot_balances(token_amount, SpotBalanceType.Deposit, spot_market, to_spot_balance, False)


def transfer_spot_balance_to_revenue_pool(token_amount: int, spot_market: SpotMarket,
                                          from_spot_balance: SpotBalance) -> None:
    """Take ``token_amount`` from a balance into the market's revenue pool.

    program: controller/spot_balance.rs::transfer_spot_balance_to_revenue_pool
    """
    if _spot_balance_market_index(from_spot_balance) != spot_market.market_index:
        raise UnequalMarketIndexForSpotTransfer("transfer market indexes arent equal")
    update_spot_balances(token_amount, SpotBalanceType.Borrow, spot_market, from_spot_balance, False)
    update_revenue_pool_balances(token_amount, SpotBalanceType.Deposit, spot_market)


def update_spot_market_and_check_validity(spot_market: SpotMarket, oracle_price_data: OraclePriceData,
                                          validity_guard_rails: ValidityGuardRails, now: int,
                                          action: DriftAction | None) -> None:
    """Accrue interest and TWAPs, then require the oracle to be valid for ``action`` (the quote market is exempt).

    Validity is judged against the market's 1h oracle TWAP with its asset tier's confidence multiplier;
    an unusable oracle raises ``InvalidOracle``.
    program: controller/spot_balance.rs::update_spot_market_and_check_validity
    """
    update_spot_market_cumulative_interest(spot_market, oracle_price_data, now)

    if spot_market.market_index == QUOTE_SPOT_MARKET_INDEX:
        return

    risk_ema_price = spot_market.historical_oracle_data.last_oracle_price_twap
    validity = oracle_math.oracle_validity(
        MarketType.Spot, spot_market.market_index, risk_ema_price, oracle_price_data, validity_guard_rails,
        spot_market.get_max_confidence_interval_multiplier(), spot_market.oracle_source, LogMode.ExchangeOracle, 0, 0)

    if not oracle_math.is_oracle_valid_for_action(validity, action):
        raise InvalidOracle(f"Invalid Oracle ({oracle_price_data} vs ema={risk_ema_price}) for spot market index="
                            f"{spot_market.market_index} and action={action}")


def increase_spot_balance(delta: int, spot_market: SpotMarket, balance_type: SpotBalanceType) -> None:
    """``deposit_balance`` or ``borrow_balance += delta`` (u128). program: controller/spot_balance.rs (private fn)"""
    if balance_type == SpotBalanceType.Deposit:
        spot_market.deposit_balance = safe_add(spot_market.deposit_balance, delta, U128)
    else:
        spot_market.borrow_balance = safe_add(spot_market.borrow_balance, delta, U128)


def decrease_spot_balance(delta: int, spot_market: SpotMarket, balance_type: SpotBalanceType) -> None:
    """``deposit_balance`` or ``borrow_balance -= delta`` (u128). program: controller/spot_balance.rs (private fn)"""
    if balance_type == SpotBalanceType.Deposit:
        spot_market.deposit_balance = safe_sub(spot_market.deposit_balance, delta, U128)
    else:
        spot_market.borrow_balance = safe_sub(spot_market.borrow_balance, delta, U128)
