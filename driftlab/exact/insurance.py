"""Insurance fund shares: the amount/share conversion, rebasing a drained fund, forfeited gains, share price.

Stakers own ``if_shares`` out of ``insurance_fund.total_shares``; the fund's value is the vault's token balance.
Conversions use ``get_proportion_u128`` (truncating, so they round against the staker).

program: math/insurance.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import PRICE_PRECISION
from .errors import InvalidIFSharesDetected
from .helpers import get_proportion_u128, log10_iter
from .safe_math import U32, U64, U128, cast, safe_div, safe_mul, safe_sub

if TYPE_CHECKING:
    from .state import InsuranceFundStake, SpotMarket

__all__ = [
    "calculate_if_shares_lost",
    "calculate_rebase_info",
    "calculate_share_price",
    "if_shares_to_vault_amount",
    "vault_amount_to_if_shares",
]


def vault_amount_to_if_shares(amount: int, total_if_shares: int, insurance_fund_vault_balance: int) -> int:
    """Shares for ``amount``: ``amount * total_shares / vault`` (get_proportion); ``amount`` for an empty vault.

    An empty vault with outstanding shares raises ``InvalidIFSharesDetected``.
    program: math/insurance.rs::vault_amount_to_if_shares
    """
    if insurance_fund_vault_balance > 0:
        return get_proportion_u128(amount, total_if_shares, insurance_fund_vault_balance)
    if total_if_shares != 0:
        raise InvalidIFSharesDetected("assumes total_if_shares == 0")
    return amount


def if_shares_to_vault_amount(n_shares: int, total_if_shares: int, insurance_fund_vault_balance: int) -> int:
    """Tokens for ``n_shares``: ``vault * n_shares / total_shares`` (get_proportion, u64), 0 with no shares.

    ``n_shares > total_if_shares`` raises ``InvalidIFSharesDetected``.
    program: math/insurance.rs::if_shares_to_vault_amount
    """
    if not n_shares <= total_if_shares:
        raise InvalidIFSharesDetected(f"n_shares({n_shares}) > total_if_shares({total_if_shares})")
    if total_if_shares > 0:
        return cast(get_proportion_u128(insurance_fund_vault_balance, n_shares, total_if_shares), U64)
    return 0


def calculate_rebase_info(total_if_shares: int, insurance_fund_vault_balance: int) -> tuple[int, int]:
    """``(expo_diff, 10^expo_diff)`` with ``expo_diff = log10_iter(total_shares / 10 / vault)``.

    Dividing all shares by the divisor brings a drained fund back to about 10 shares per token unit.
    A zero vault divides by zero: ``MathError``.
    program: math/insurance.rs::calculate_rebase_info
    """
    rebase_divisor_full = safe_div(safe_div(total_if_shares, 10), insurance_fund_vault_balance)
    expo_diff = cast(log10_iter(rebase_divisor_full), U32)
    return expo_diff, 10**expo_diff


def calculate_if_shares_lost(insurance_fund_stake: InsuranceFundStake, spot_market: SpotMarket,
                             insurance_fund_vault_balance: int) -> int:
    """Shares forfeited when an unstake request is cancelled: the gains since the request stay in the fund.

    If the requested shares are now worth more than ``last_withdraw_request_value``, the staker keeps only the
    shares that value buys from the rest of the fund:
    ``n - vault_amount_to_if_shares(value, total - n, vault - value)``; otherwise 0.
    program: math/insurance.rs::calculate_if_shares_lost
    """
    n_shares = insurance_fund_stake.last_withdraw_request_shares
    total_shares = spot_market.insurance_fund.total_shares

    amount = if_shares_to_vault_amount(n_shares, total_shares, insurance_fund_vault_balance)

    if amount > insurance_fund_stake.last_withdraw_request_value:
        new_n_shares = vault_amount_to_if_shares(
            insurance_fund_stake.last_withdraw_request_value,
            safe_sub(total_shares, n_shares, U128),
            safe_sub(insurance_fund_vault_balance, insurance_fund_stake.last_withdraw_request_value, U64))
        if not new_n_shares <= n_shares:
            raise InvalidIFSharesDetected(
                f"delta if_shares after canceling request {new_n_shares} > {n_shares}")
        return safe_sub(n_shares, new_n_shares, U128)
    return 0


def calculate_share_price(total_if_shares: int, insurance_fund_vault_balance: int) -> int:
    """Vault tokens per share in PRICE_PRECISION: ``vault * 1e6 / total_shares`` (u64), 0 with no shares.

    program: math/insurance.rs::calculate_share_price
    """
    if total_if_shares > 0:
        return cast(safe_div(safe_mul(insurance_fund_vault_balance, PRICE_PRECISION, U128), total_if_shares), U64)
    return 0
