"""The insurance fund in natural units: shares, share price, revenue settlement, unstaking, staker yield.

Stakers own ``shares`` out of the fund's ``total_shares``; the fund's value is its vault's token balance
(``vault``), so one share is worth ``vault / total_shares`` tokens. Amounts are whole tokens, factors are
fractions (the program's ``total_factor`` / ``user_factor`` over 1e6), periods are seconds.

The program converts with truncating integer division, so its shares and payouts are never above these
(shares and amounts round against the staker; ``tests/test_insurance.py`` checks the bound). Every function
broadcasts; bad input is a ``ValueError`` naming the parameter.
exact: :mod:`driftlab.exact` ``vault_amount_to_if_shares``, ``if_shares_to_vault_amount``,
``calculate_share_price``, ``calculate_if_shares_lost``, ``settle_revenue_to_insurance_fund``,
``request_remove_insurance_fund_stake`` / ``remove_insurance_fund_stake``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._validate import FloatArray
from .spot import ONE_YEAR

__all__ = [
    "MAX_SETTLE_APR",
    "MAX_SETTLE_APR_GOV",
    "UNSTAKING_PERIOD",
    "amount_for_shares",
    "settle_amount",
    "share_price",
    "share_price_after_settle",
    "shares_for_amount",
    "shares_forfeited_on_cancel",
    "staker_apr",
    "unstake_payout",
]

UNSTAKING_PERIOD = 1_123_200.0
"""The default unstaking wait, ``THIRTEEN_DAY`` seconds (``insurance_fund.unstaking_period``)."""

MAX_SETTLE_APR = 10.0
"""Each settlement is capped at what would be 1000% a year of the vault (MAX_APR_PER_REVENUE_SETTLE...)."""

MAX_SETTLE_APR_GOV = 0.045454
"""The cap for the governance token's market (index 15): 4.5454%."""


def _ratio(numerator: FloatArray, denominator: FloatArray, otherwise: ArrayLike) -> FloatArray:
    """``numerator / denominator`` where the denominator is positive, ``otherwise`` elsewhere (no warnings)."""
    positive = denominator > 0
    return np.where(positive, numerator / np.where(positive, denominator, 1.0), otherwise)


def _fund(total_shares: ArrayLike, vault: ArrayLike, *, staking: bool = False) -> tuple[FloatArray, FloatArray]:
    t = v.non_negative("total_shares", total_shares)
    vault_ = v.non_negative("vault", vault)
    t, vault_ = v.broadcast(total_shares=t, vault=vault_)
    if staking and np.any((vault_ == 0) & (t > 0)):
        raise ValueError("vault must be > 0 while shares are outstanding to mint shares (the program refuses: "
                         "InvalidIFForNewStakes, InvalidIFSharesDetected)")
    return t, vault_


def shares_for_amount(amount: ArrayLike, total_shares: ArrayLike, vault: ArrayLike) -> FloatArray | float:
    """Shares minted for staking ``amount`` tokens: ``amount * total_shares / vault`` (one per token for the
    first staker). exact: ``vault_amount_to_if_shares`` (truncated: never more than this)."""
    a = v.non_negative("amount", amount)
    t, vault_ = _fund(total_shares, vault, staking=True)
    a, t, vault_ = v.broadcast(amount=a, total_shares=t, vault=vault_)
    return v.scalar_or_array(_ratio(a * t, vault_, a))


def amount_for_shares(shares: ArrayLike, total_shares: ArrayLike, vault: ArrayLike) -> FloatArray | float:
    """Tokens ``shares`` are worth: ``vault * shares / total_shares`` (0 with no shares outstanding).

    exact: ``if_shares_to_vault_amount`` (truncated: never more than this).
    """
    n = v.non_negative("shares", shares)
    t, vault_ = _fund(total_shares, vault)
    n, t, vault_ = v.broadcast(shares=n, total_shares=t, vault=vault_)
    if np.any(n > t):
        raise ValueError("shares must be <= total_shares (InvalidIFSharesDetected)")
    return v.scalar_or_array(_ratio(vault_ * n, t, 0.0))


def share_price(total_shares: ArrayLike, vault: ArrayLike) -> FloatArray | float:
    """Tokens per share, ``vault / total_shares`` (0 with no shares). exact: ``calculate_share_price`` (1e6)."""
    t, vault_ = _fund(total_shares, vault)
    return v.scalar_or_array(_ratio(vault_, t, 0.0))


def settle_amount(revenue_pool: ArrayLike, vault: ArrayLike, revenue_settle_period: ArrayLike = 3600.0,
                  users_staked: ArrayLike = True, max_apr: ArrayLike = MAX_SETTLE_APR) -> FloatArray | float:
    """Tokens one revenue settlement moves from the revenue pool into the insurance vault.

    The whole pool while no user has staked; with user stakers ``min(pool / 10, vault * max_apr / k)`` where
    ``k = max(floor(ONE_YEAR / period), 1)`` settlements a year (so a settlement never exceeds 1000% APR of
    the vault). exact: ``settle_revenue_to_insurance_fund`` (which also halves the pool when depositors' claim
    on the spot vault is smaller; not modelled here).
    """
    pool = v.non_negative("revenue_pool", revenue_pool)
    vault_ = v.non_negative("vault", vault)
    period = v.positive("revenue_settle_period", revenue_settle_period)
    apr = v.non_negative("max_apr", max_apr)
    staked = np.asarray(users_staked, dtype=bool)
    pool, vault_, period, apr = v.broadcast(revenue_pool=pool, vault=vault_, revenue_settle_period=period,
                                            max_apr=apr)
    per_year = np.maximum(np.floor(ONE_YEAR / period), 1.0)
    capped = np.minimum(pool / 10, vault_ * apr / per_year)
    return v.scalar_or_array(np.where(staked, capped, pool))


def _factors(total_factor: ArrayLike, user_factor: ArrayLike) -> tuple[FloatArray, FloatArray]:
    tf = v.in_range("total_factor", total_factor, 0.0, 1.0, low_open=True)
    uf = v.in_range("user_factor", user_factor, 0.0, 1.0)
    tf, uf = v.broadcast(total_factor=tf, user_factor=uf)
    if np.any(uf > tf):
        raise ValueError("user_factor must be <= total_factor (RevenueSettingsCannotSettleToIF)")
    return tf, uf


def share_price_after_settle(amount: ArrayLike, total_shares: ArrayLike, vault: ArrayLike,
                             total_factor: ArrayLike, user_factor: ArrayLike) -> tuple[FloatArray | float, ...]:
    """``(share_price, total_shares, vault)`` after ``amount`` tokens settle into the fund.

    The protocol's part ``amount * (total_factor - user_factor) / total_factor`` buys protocol shares at the
    price before the settlement; the whole amount enters the vault, so the rest raises every share's price:
    by ``amount * user_factor / total_factor / (vault + protocol_part)`` relative.
    exact: ``settle_revenue_to_insurance_fund``.
    """
    a = v.non_negative("amount", amount)
    t, vault_ = _fund(total_shares, vault, staking=True)
    tf, uf = _factors(total_factor, user_factor)
    a, t, vault_, tf, uf = v.broadcast(amount=a, total_shares=t, vault=vault_, total_factor=tf, user_factor=uf)
    protocol_part = a * (tf - uf) / tf
    new_shares = t + _ratio(protocol_part * t, vault_, protocol_part)
    new_vault = vault_ + a
    price = _ratio(new_vault, new_shares, 0.0)
    return v.scalar_or_array(price), v.scalar_or_array(new_shares), v.scalar_or_array(new_vault)


def staker_apr(revenue_per_settle: ArrayLike, vault: ArrayLike, total_factor: ArrayLike, user_factor: ArrayLike,
               revenue_settle_period: ArrayLike = 3600.0, max_apr: ArrayLike = MAX_SETTLE_APR
               ) -> FloatArray | float:
    """Simple annual yield of a share when ``revenue_per_settle`` tokens reach the revenue pool every period.

    Each settlement (users staked) moves ``a = settle_amount(...)`` and raises the share price by
    ``a * user_factor / total_factor / (vault + a * (total_factor - user_factor) / total_factor)``;
    times ``floor(ONE_YEAR / period)`` settlements. The revenue pool is assumed to settle in full, so
    ``a = min(revenue_per_settle, vault * max_apr / k)`` (the 1/10-per-settlement cap only delays revenue that
    keeps arriving). Compound it with :func:`driftlab.spot.apr_to_apy` (``periods_per_year = k``).
    """
    r = v.non_negative("revenue_per_settle", revenue_per_settle)
    vault_ = v.positive("vault", vault)
    tf, uf = _factors(total_factor, user_factor)
    period = v.positive("revenue_settle_period", revenue_settle_period)
    apr = v.non_negative("max_apr", max_apr)
    r, vault_, tf, uf, period, apr = v.broadcast(revenue_per_settle=r, vault=vault_, total_factor=tf,
                                                 user_factor=uf, revenue_settle_period=period, max_apr=apr)
    per_year = np.maximum(np.floor(ONE_YEAR / period), 1.0)
    a = np.minimum(r, vault_ * apr / per_year)
    return v.scalar_or_array(per_year * a * (uf / tf) / (vault_ + a * (tf - uf) / tf))


def unstake_payout(shares: ArrayLike, total_shares: ArrayLike, vault_at_request: ArrayLike,
                   vault_at_unstake: ArrayLike) -> FloatArray | float:
    """Tokens paid when an unstake completes: the lower of the shares' value at the request and at the end.

    The request fixes ``value = amount_for_shares(at request)``; after the unstaking period (13 days by default,
    no rewards meanwhile) the staker receives ``min(value, amount_for_shares(at unstake))``: losses during the
    wait are borne, gains are left in the fund. Assumes ``total_shares`` is the same at both times.
    exact: ``request_remove_insurance_fund_stake`` then ``remove_insurance_fund_stake`` (which also caps the
    value one smallest unit below the vault).
    """
    n = v.non_negative("shares", shares)
    t = v.non_negative("total_shares", total_shares)
    before = v.non_negative("vault_at_request", vault_at_request)
    after = v.non_negative("vault_at_unstake", vault_at_unstake)
    n, t, before, after = v.broadcast(shares=n, total_shares=t, vault_at_request=before, vault_at_unstake=after)
    at_request = amount_for_shares(n, t, before)
    at_unstake = amount_for_shares(n, t, after)
    return v.scalar_or_array(np.minimum(at_request, at_unstake))


def shares_forfeited_on_cancel(request_shares: ArrayLike, request_value: ArrayLike, total_shares: ArrayLike,
                               vault: ArrayLike) -> FloatArray | float:
    """Shares lost by cancelling an unstake request after the fund gained: ``n - value*(T - n)/(V - value)``.

    If the ``n`` requested shares are now worth more than the ``request_value`` fixed at the request, the staker
    keeps only as many shares as that value buys from the rest of the fund; otherwise nothing is lost.
    exact: ``calculate_if_shares_lost``.
    """
    n = v.non_negative("request_shares", request_shares)
    value = v.non_negative("request_value", request_value)
    t, vault_ = _fund(total_shares, vault)
    n, value, t, vault_ = v.broadcast(request_shares=n, request_value=value, total_shares=t, vault=vault_)
    if np.any(n > t):
        raise ValueError("request_shares must be <= total_shares (InvalidIFSharesDetected)")
    now_worth = _ratio(vault_ * n, t, 0.0)
    rest = vault_ - value
    kept = _ratio(value * (t - n), rest, value)
    return v.scalar_or_array(np.where(now_worth > value, n - kept, 0.0))
