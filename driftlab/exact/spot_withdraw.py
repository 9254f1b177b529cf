"""Withdraw guards of a spot market: limits against the 24h deposit/borrow TWAPs and utilization, vault checks.

After a withdrawal or borrow, deposits must stay above a floor (75% of the deposit TWAP, or the TWAP less the
withdraw guard threshold) and borrows below a ceiling that grows from the borrow TWAP in steps of a fifth (a
third for isolated pools) of deposits. Below ``withdraw_guard_threshold`` nothing is blocked. Amounts are in the
token's own precision, utilization in 1e6.

program: math/spot_withdraw.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import SPOT_UTILIZATION_PRECISION
from .enums import SpotBalanceType
from .errors import SpotMarketVaultInvariantViolated
from .safe_math import I64, I128, U64, U128, cast, safe_add, safe_div, safe_mul, safe_sub
from .spot_balance import get_token_amount

if TYPE_CHECKING:
    from .state import SpotMarket, User

__all__ = [
    "calculate_max_borrow_token_amount",
    "calculate_min_deposit_token_amount",
    "calculate_token_utilization_limits",
    "check_user_exception_to_withdraw_limits",
    "check_withdraw_limits",
    "get_max_withdraw_for_market_with_token_amount",
    "validate_spot_balances",
    "validate_spot_market_vault_amount",
]

_U128_MAX = U128.max


def _saturating_sub(a: int, b: int) -> int:
    return max(a - b, 0)


def calculate_min_deposit_token_amount(deposit_token_twap: int, withdraw_guard_threshold: int) -> int:
    """Deposits that must remain: ``twap - max(twap / 4, min(withdraw_guard_threshold, twap))``.

    program: math/spot_withdraw.rs::calculate_min_deposit_token_amount
    """
    return safe_sub(deposit_token_twap,
                    max(deposit_token_twap // 4, min(withdraw_guard_threshold, deposit_token_twap)), U128)


def calculate_max_borrow_token_amount(deposit_token_amount: int, deposit_token_twap: int, borrow_token_twap: int,
                                      withdraw_guard_threshold: int, max_token_borrows: int, pool_id: int) -> int:
    """Borrows allowed: ``min(max(guard, min(max(D/3, borrow_twap + D/5), D - D/14)), max_token_borrows)``.

    ``D = min(deposits, deposit_twap)``. Isolated pools (``pool_id != 0``) use D/2, D/3 and D - D/20.
    program: math/spot_withdraw.rs::calculate_max_borrow_token_amount
    """
    lesser_deposit_amount = min(deposit_token_amount, deposit_token_twap)
    if pool_id == 0:
        floor, step, cap_divisor = lesser_deposit_amount // 3, lesser_deposit_amount // 5, 14
    else:
        floor, step, cap_divisor = lesser_deposit_amount // 2, lesser_deposit_amount // 3, 20
    twap_step = safe_add(borrow_token_twap, step, U128)
    cap = safe_sub(lesser_deposit_amount, lesser_deposit_amount // cap_divisor, U128)
    return min(max(withdraw_guard_threshold, min(max(floor, twap_step), cap)), max_token_borrows)


def check_user_exception_to_withdraw_limits(spot_market: SpotMarket, user: User | None,
                                            token_amount_withdrawn: int | None) -> bool:
    """A small depositor may always take their principal out.

    True when the user has non-negative net deposits, a deposit position with non-negative cumulative deposits,
    and ``deposit tokens + amount withdrawn < withdraw_guard_threshold / 10``.
    program: math/spot_withdraw.rs::check_user_exception_to_withdraw_limits
    """
    if user is None:
        return False
    spot_position = user.get_spot_position(spot_market.market_index)
    net_deposits = safe_sub(cast(user.total_deposits, I128), cast(user.total_withdraws, I128), I128)
    if (net_deposits >= 0 and spot_position.cumulative_deposits >= 0
            and spot_position.balance_type == SpotBalanceType.Deposit and token_amount_withdrawn is not None):
        user_deposit_token_amount = get_token_amount(spot_position.scaled_balance, spot_market,
                                                     spot_position.balance_type)
        if safe_add(user_deposit_token_amount, token_amount_withdrawn, U128) < safe_div(
                spot_market.withdraw_guard_threshold, 10):
            return True
    return False


def calculate_token_utilization_limits(deposit_token_amount: int, borrow_token_amount: int,
                                       spot_market: SpotMarket) -> tuple[int, int]:
    """``(min_deposit_tokens, max_borrow_tokens)`` allowed by utilization after a withdrawal.

    The ceiling utilization is ``max(optimal_utilization, twap + (1e6 - twap) / 2)``; the deposit floor
    ``borrows * 1e6 / ceiling`` is capped at ``deposits - guard`` and the borrow ceiling
    ``ceiling * deposits / 1e6`` is at least the guard threshold.
    program: math/spot_withdraw.rs::calculate_token_utilization_limits
    """
    utilization_twap = spot_market.utilization_twap
    max_withdraw_utilization = max(
        spot_market.optimal_utilization,
        safe_add(utilization_twap, _saturating_sub(SPOT_UTILIZATION_PRECISION, utilization_twap) // 2, U128))

    min_deposit_tokens_for_utilization = safe_div(
        safe_mul(borrow_token_amount, SPOT_UTILIZATION_PRECISION, U128), max_withdraw_utilization)
    min_deposit_tokens_for_utilization = min(
        min_deposit_tokens_for_utilization,
        _saturating_sub(deposit_token_amount, spot_market.withdraw_guard_threshold))

    max_borrow_tokens_for_utilization = safe_div(
        safe_mul(max_withdraw_utilization, deposit_token_amount, U128), SPOT_UTILIZATION_PRECISION)
    max_borrow_tokens_for_utilization = max(max_borrow_tokens_for_utilization, spot_market.withdraw_guard_threshold)

    return min_deposit_tokens_for_utilization, max_borrow_tokens_for_utilization


def _max_token_borrows(spot_market: SpotMarket) -> int:
    """``max_token_deposits * max_token_borrows_fraction / 10000`` (u64 arithmetic), or u128::MAX when disabled."""
    if spot_market.max_token_borrows_fraction > 0:
        return safe_div(safe_mul(spot_market.max_token_deposits, spot_market.max_token_borrows_fraction, U64), 10000)
    return _U128_MAX


def check_withdraw_limits(spot_market: SpotMarket, user: User | None, token_amount_withdrawn: int | None) -> bool:
    """Whether the market's state after a withdrawal respects the TWAP and utilization limits.

    Deposits must be at least ``max(min_deposit_for_twap, min_deposit_for_utilization)``; borrows (checked
    without a user, or when the user's position is a borrow) at most ``min(max_borrow_for_twap,
    max_borrow_for_utilization)``. A failing check may still pass by ``check_user_exception_to_withdraw_limits``.
    program: math/spot_withdraw.rs::check_withdraw_limits
    """
    deposit_token_amount = get_token_amount(spot_market.deposit_balance, spot_market, SpotBalanceType.Deposit)
    borrow_token_amount = get_token_amount(spot_market.borrow_balance, spot_market, SpotBalanceType.Borrow)

    max_token_borrows = _max_token_borrows(spot_market)

    max_borrow_token_for_twap = calculate_max_borrow_token_amount(
        deposit_token_amount, spot_market.deposit_token_twap, spot_market.borrow_token_twap,
        spot_market.withdraw_guard_threshold, max_token_borrows, spot_market.pool_id)

    min_deposit_token_for_utilization, max_borrow_token_for_utilization = calculate_token_utilization_limits(
        deposit_token_amount, borrow_token_amount, spot_market)

    max_borrow_token = min(max_borrow_token_for_twap, max_borrow_token_for_utilization)

    min_deposit_token_for_twap = calculate_min_deposit_token_amount(
        spot_market.deposit_token_twap, spot_market.withdraw_guard_threshold)

    min_deposit_token = max(min_deposit_token_for_twap, min_deposit_token_for_utilization)

    if user is not None:
        spot_position_index = user.get_spot_position_index(spot_market.market_index)
        if user.spot_positions[spot_position_index].balance_type == SpotBalanceType.Borrow:
            valid_global_withdrawal = (borrow_token_amount <= max_borrow_token
                                       and deposit_token_amount >= min_deposit_token)
        else:
            valid_global_withdrawal = deposit_token_amount >= min_deposit_token
    else:
        valid_global_withdrawal = (deposit_token_amount >= min_deposit_token
                                   and borrow_token_amount <= max_borrow_token)

    if not valid_global_withdrawal:
        return check_user_exception_to_withdraw_limits(spot_market, user, token_amount_withdrawn)
    return True


def get_max_withdraw_for_market_with_token_amount(spot_market: SpotMarket, token_amount: int,
                                                  is_leaving_drift: bool) -> int:
    """Largest amount a position holding ``token_amount`` (signed) can withdraw now, deposit plus new borrow.

    A deposit can take out its tokens down to the deposit floor; beyond that it may borrow up to
    ``min(max_borrow - borrows, deposits - borrows)`` (and the max-borrows cap when set). Utilization limits
    apply only when the tokens leave Drift.
    program: math/spot_withdraw.rs::get_max_withdraw_for_market_with_token_amount
    """
    deposit_token_amount = get_token_amount(spot_market.deposit_balance, spot_market, SpotBalanceType.Deposit)
    borrow_token_amount = get_token_amount(spot_market.borrow_balance, spot_market, SpotBalanceType.Borrow)

    if is_leaving_drift:
        min_deposit_token_for_utilization, max_borrow_token_for_utilization = calculate_token_utilization_limits(
            deposit_token_amount, borrow_token_amount, spot_market)
    else:
        min_deposit_token_for_utilization, max_borrow_token_for_utilization = 0, _U128_MAX

    max_withdraw_amount = 0
    if token_amount > 0:
        min_deposit_token_for_twap = calculate_min_deposit_token_amount(
            spot_market.deposit_token_twap, spot_market.withdraw_guard_threshold)
        min_deposit_token = max(min_deposit_token_for_twap, min_deposit_token_for_utilization)
        withdraw_limit = _saturating_sub(deposit_token_amount, min_deposit_token)

        unsigned_token_amount = abs(token_amount)
        if withdraw_limit <= unsigned_token_amount and is_leaving_drift:
            return withdraw_limit

        max_withdraw_amount = unsigned_token_amount

    max_token_borrows = _max_token_borrows(spot_market)

    max_borrow_token_for_twap = calculate_max_borrow_token_amount(
        deposit_token_amount, spot_market.deposit_token_twap, spot_market.borrow_token_twap,
        spot_market.withdraw_guard_threshold, max_token_borrows, spot_market.pool_id)

    max_borrow_token = min(max_borrow_token_for_twap, max_borrow_token_for_utilization)

    borrow_limit = min(_saturating_sub(max_borrow_token, borrow_token_amount),
                       _saturating_sub(deposit_token_amount, borrow_token_amount))

    if spot_market.max_token_borrows_fraction > 0:
        borrows = spot_market.get_borrows()
        max_token_borrows = _max_token_borrows(spot_market)
        borrow_limit = min(borrow_limit, _saturating_sub(max_token_borrows, borrows))

    return safe_add(max_withdraw_amount, borrow_limit, U128)


def validate_spot_balances(spot_market: SpotMarket) -> int:
    """Depositors' claim on the vault, ``deposits - borrows`` (i64); the revenue pool may not exceed deposits.

    Raises ``SpotMarketVaultInvariantViolated`` when revenue pool tokens exceed deposit tokens.
    program: math/spot_withdraw.rs::validate_spot_balances
    """
    depositors_amount = cast(get_token_amount(spot_market.deposit_balance, spot_market, SpotBalanceType.Deposit), U64)
    borrowers_amount = cast(get_token_amount(spot_market.borrow_balance, spot_market, SpotBalanceType.Borrow), U64)
    revenue_amount = cast(
        get_token_amount(spot_market.revenue_pool.scaled_balance, spot_market, SpotBalanceType.Deposit), U64)

    depositors_claim = safe_sub(cast(depositors_amount, I64), cast(borrowers_amount, I64), I64)

    if not revenue_amount <= depositors_amount:
        raise SpotMarketVaultInvariantViolated(
            f"revenue_amount={revenue_amount} greater than depositors_amount={depositors_amount}")
    return depositors_claim


def validate_spot_market_vault_amount(spot_market: SpotMarket, vault_amount: int) -> int:
    """``validate_spot_balances``, and the vault must hold at least the depositors' claim.

    program: math/spot_withdraw.rs::validate_spot_market_vault_amount
    """
    depositors_claim = validate_spot_balances(spot_market)
    if not cast(vault_amount, I64) >= depositors_claim:
        raise SpotMarketVaultInvariantViolated(
            f"vault {vault_amount} holds less than depositors' claim {depositors_claim}")
    return depositors_claim
