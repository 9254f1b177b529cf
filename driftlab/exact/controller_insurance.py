"""Insurance fund staking and revenue settlement, as in-place updates of the program's accounts.

Stake, request-unstake, cancel and unstake move shares on an ``InsuranceFundStake``, the market's
``insurance_fund`` totals and the staker's ``UserStats``; every call first rebases a drained fund. Token transfers
are not modelled: the insurance vault balance is an integer argument (``insurance_vault_amount``, the balance
*before* the call), and the tokens the program would send are the return value. Emitted records are not
reproduced. As in the program, a call that raises may already have changed some fields (on chain the whole
transaction would revert).

program: controller/insurance.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .amm import calculate_net_user_pnl
from .constants import (
    FUEL_START_TS,
    GOV_SPOT_MARKET_INDEX,
    MAX_APR_PER_REVENUE_SETTLE_TO_INSURANCE_FUND_VAULT,
    MAX_APR_PER_REVENUE_SETTLE_TO_INSURANCE_FUND_VAULT_GOV,
    ONE_YEAR,
    PERCENTAGE_PRECISION,
    QUOTE_SPOT_MARKET_INDEX,
    SHARE_OF_REVENUE_ALLOCATED_TO_INSURANCE_FUND_VAULT_DENOMINATOR,
    SHARE_OF_REVENUE_ALLOCATED_TO_INSURANCE_FUND_VAULT_NUMERATOR,
)
from .controller_spot_balance import (
    update_revenue_pool_balances,
    update_spot_balances,
    update_spot_market_cumulative_interest,
)
from .enums import SpotBalanceType
from .errors import (
    DefaultError,
    InsufficientIFShares,
    InvalidIFForNewStakes,
    InvalidIfRebalanceSwap,
    InvalidIFRebase,
    InvalidIFUnstake,
    InvalidIFUnstakeCancel,
    InvalidIFUnstakeSize,
    InvalidInsuranceUnstakeSize,
    MaxIFWithdrawReached,
    MaxRevenueWithdrawPerPeriodReached,
    NoAmmPerpPnlDeficit,
    NoIFWithdrawAvailable,
    NoRevenueToSettleToIF,
    PerpPnlDeficitBelowThreshold,
    RevenueSettingsCannotSettleToIF,
    SufficientPerpPnlPool,
    TryingToRemoveLiquidityTooFast,
)
from .fuel import calculate_insurance_fuel_bonus
from .helpers import get_proportion_u128
from .insurance import (
    calculate_if_shares_lost,
    calculate_rebase_info,
    calculate_share_price,
    if_shares_to_vault_amount,
    vault_amount_to_if_shares,
)
from .orders import calculate_fill_price
from .safe_math import I64, I128, U32, U64, U128, cast, checked, safe_add, safe_div, safe_mul, safe_sub
from .spot_balance import get_token_amount
from .spot_withdraw import validate_spot_market_vault_amount

if TYPE_CHECKING:
    from .state import IfRebalanceConfig, InsuranceFundStake, PerpMarket, SpotMarket, UserStats

__all__ = [
    "add_insurance_fund_stake",
    "admin_remove_insurance_fund_stake",
    "apply_rebase_to_insurance_fund",
    "apply_rebase_to_insurance_fund_stake",
    "cancel_request_remove_insurance_fund_stake",
    "handle_if_begin_swap",
    "handle_if_end_swap",
    "remove_insurance_fund_stake",
    "request_remove_insurance_fund_stake",
    "resolve_perp_pnl_deficit",
    "settle_revenue_to_insurance_fund",
    "transfer_protocol_if_shares_to_revenue_pool",
    "transfer_protocol_insurance_fund_stake",
    "update_user_stats_if_stake_amount",
]


def update_user_stats_if_stake_amount(if_stake_amount_delta: int, insurance_vault_amount: int,
                                      insurance_fund_stake: InsuranceFundStake, user_stats: UserStats,
                                      spot_market: SpotMarket, now: int) -> None:
    """Record the stake's value in ``UserStats`` (quote and governance markets) and accrue insurance fuel.

    The value is taken at the vault balance after the delta (``vault + delta``). Markets other than quote (0)
    and governance (15) without an insurance fuel boost are skipped.
    program: controller/insurance.rs::update_user_stats_if_stake_amount
    """
    if (spot_market.market_index != QUOTE_SPOT_MARKET_INDEX and spot_market.market_index != GOV_SPOT_MARKET_INDEX
            and spot_market.fuel_boost_insurance == 0):
        return

    if if_stake_amount_delta >= 0:
        vault_after = safe_add(insurance_vault_amount, abs(if_stake_amount_delta), U64)
    else:
        vault_after = safe_sub(insurance_vault_amount, abs(if_stake_amount_delta), U64)
    if_stake_amount = if_shares_to_vault_amount(
        insurance_fund_stake.checked_if_shares(spot_market), spot_market.insurance_fund.total_shares, vault_after)

    if spot_market.market_index == QUOTE_SPOT_MARKET_INDEX:
        user_stats.if_staked_quote_asset_amount = if_stake_amount
    elif spot_market.market_index == GOV_SPOT_MARKET_INDEX:
        user_stats.if_staked_gov_token_amount = if_stake_amount

    if spot_market.fuel_boost_insurance != 0 and now >= FUEL_START_TS:
        now_u32 = cast(now, U32)
        since_last = safe_sub(now_u32, max(user_stats.last_fuel_if_bonus_update_ts, cast(FUEL_START_TS, U32)), U32)
        fuel_bonus_insurance = calculate_insurance_fuel_bonus(
            spot_market, if_stake_amount, if_stake_amount_delta, since_last)
        user_stats.fuel_insurance = min(user_stats.fuel_insurance + cast(fuel_bonus_insurance, U32), U32.max)
        user_stats.last_fuel_if_bonus_update_ts = now_u32


def add_insurance_fund_stake(amount: int, insurance_vault_amount: int, insurance_fund_stake: InsuranceFundStake,
                             user_stats: UserStats, spot_market: SpotMarket, now: int, admin_deposit: bool) -> None:
    """Stake ``amount`` tokens: mint ``vault_amount_to_if_shares(amount, total_shares, vault)`` shares.

    An empty vault with outstanding shares refuses new stakes (``InvalidIFForNewStakes``); a seeded vault with
    no shares gives the seed to the protocol first. The cost basis restarts at ``amount`` for an empty stake.
    ``admin_deposit`` only labels the program's event.
    program: controller/insurance.rs::add_insurance_fund_stake
    """
    if insurance_vault_amount == 0 and spot_market.insurance_fund.total_shares != 0:
        raise InvalidIFForNewStakes("Insurance Fund balance should be non-zero for new stakers to enter")

    apply_rebase_to_insurance_fund(insurance_vault_amount, spot_market)
    apply_rebase_to_insurance_fund_stake(insurance_fund_stake, spot_market)

    if_shares_before = insurance_fund_stake.checked_if_shares(spot_market)

    n_shares = vault_amount_to_if_shares(amount, spot_market.insurance_fund.total_shares, insurance_vault_amount)

    if if_shares_before == 0:
        insurance_fund_stake.cost_basis = cast(amount, I64)
    else:
        insurance_fund_stake.cost_basis = safe_add(insurance_fund_stake.cost_basis, cast(amount, I64), I64)

    insurance_fund_stake.increase_if_shares(n_shares, spot_market)

    fund = spot_market.insurance_fund
    fund.total_shares = safe_add(fund.total_shares, n_shares, U128)
    fund.user_shares = safe_add(fund.user_shares, n_shares, U128)

    update_user_stats_if_stake_amount(cast(amount, I64), insurance_vault_amount, insurance_fund_stake, user_stats,
                                      spot_market, now)
    insurance_fund_stake.checked_if_shares(spot_market)


def apply_rebase_to_insurance_fund(insurance_fund_vault_balance: int, spot_market: SpotMarket) -> None:
    """Rebase a drained fund: when ``0 < vault < total_shares``, divide total and user shares by ``10^expo``.

    ``expo = log10_iter(total_shares / 10 / vault)`` is added to ``shares_base``. A non-empty vault with no
    shares gets ``total_shares = vault`` (the protocol owns the balance).
    program: controller/insurance.rs::apply_rebase_to_insurance_fund
    """
    fund = spot_market.insurance_fund
    if insurance_fund_vault_balance != 0 and insurance_fund_vault_balance < fund.total_shares:
        expo_diff, rebase_divisor = calculate_rebase_info(fund.total_shares, insurance_fund_vault_balance)
        fund.total_shares = safe_div(fund.total_shares, rebase_divisor)
        fund.user_shares = safe_div(fund.user_shares, rebase_divisor)
        fund.shares_base = safe_add(fund.shares_base, expo_diff, U128)

    if insurance_fund_vault_balance != 0 and fund.total_shares == 0:
        fund.total_shares = insurance_fund_vault_balance


def apply_rebase_to_insurance_fund_stake(insurance_fund_stake: InsuranceFundStake, spot_market: SpotMarket) -> None:
    """Bring a stake to the fund's share base: divide its shares and pending request by ``10^(base diff)``.

    A stake ahead of the fund raises ``InvalidIFRebase``.
    program: controller/insurance.rs::apply_rebase_to_insurance_fund_stake
    """
    shares_base = spot_market.insurance_fund.shares_base
    if shares_base != insurance_fund_stake.if_base:
        if not shares_base > insurance_fund_stake.if_base:
            raise InvalidIFRebase("Rebase expo out of bounds")
        expo_diff = cast(shares_base - insurance_fund_stake.if_base, U32)
        rebase_divisor = checked(10**expo_diff, U128)

        insurance_fund_stake.if_base = shares_base

        new_if_shares = safe_div(insurance_fund_stake.unchecked_if_shares(), rebase_divisor)
        insurance_fund_stake.update_if_shares(new_if_shares, spot_market)

        insurance_fund_stake.last_withdraw_request_shares = safe_div(
            insurance_fund_stake.last_withdraw_request_shares, rebase_divisor)


def request_remove_insurance_fund_stake(n_shares: int, insurance_vault_amount: int,
                                        insurance_fund_stake: InsuranceFundStake, user_stats: UserStats,
                                        spot_market: SpotMarket, now: int) -> None:
    """Start the unstaking wait for ``n_shares``, fixing their value now: ``min(amount(n), vault - 1)``.

    The requested shares are set before the rebase, so a rebase scales them too. More shares than held raise
    ``InvalidInsuranceUnstakeSize``.
    program: controller/insurance.rs::request_remove_insurance_fund_stake
    """
    insurance_fund_stake.last_withdraw_request_shares = n_shares

    apply_rebase_to_insurance_fund(insurance_vault_amount, spot_market)
    apply_rebase_to_insurance_fund_stake(insurance_fund_stake, spot_market)

    insurance_fund_stake.checked_if_shares(spot_market)

    if not insurance_fund_stake.last_withdraw_request_shares <= insurance_fund_stake.checked_if_shares(spot_market):
        raise InvalidInsuranceUnstakeSize(
            f"last_withdraw_request_shares exceeds if_shares {insurance_fund_stake.last_withdraw_request_shares} > "
            f"{insurance_fund_stake.unchecked_if_shares()}")

    if insurance_fund_stake.if_base != spot_market.insurance_fund.shares_base:
        raise InvalidIFRebase("if stake base != spot market base")

    insurance_fund_stake.last_withdraw_request_value = min(
        if_shares_to_vault_amount(insurance_fund_stake.last_withdraw_request_shares,
                                  spot_market.insurance_fund.total_shares, insurance_vault_amount),
        max(insurance_vault_amount - 1, 0))

    value = insurance_fund_stake.last_withdraw_request_value
    if not (value == 0 or value < insurance_vault_amount):
        raise InvalidIFUnstakeSize("Requested withdraw value is not below Insurance Fund balance")

    insurance_fund_stake.checked_if_shares(spot_market)

    update_user_stats_if_stake_amount(0, insurance_vault_amount, insurance_fund_stake, user_stats, spot_market, now)

    insurance_fund_stake.last_withdraw_request_ts = now


def cancel_request_remove_insurance_fund_stake(insurance_vault_amount: int,
                                               insurance_fund_stake: InsuranceFundStake, user_stats: UserStats,
                                               spot_market: SpotMarket, now: int) -> None:
    """Cancel a pending unstake; the shares' gains since the request are forfeited (``calculate_if_shares_lost``).

    Without a pending request: ``InvalidIFUnstakeCancel``.
    program: controller/insurance.rs::cancel_request_remove_insurance_fund_stake
    """
    apply_rebase_to_insurance_fund(insurance_vault_amount, spot_market)
    apply_rebase_to_insurance_fund_stake(insurance_fund_stake, spot_market)

    insurance_fund_stake.checked_if_shares(spot_market)

    if insurance_fund_stake.if_base != spot_market.insurance_fund.shares_base:
        raise InvalidIFRebase("if stake base != spot market base")

    if insurance_fund_stake.last_withdraw_request_shares == 0:
        raise InvalidIFUnstakeCancel("No withdraw request in progress")

    if_shares_lost = calculate_if_shares_lost(insurance_fund_stake, spot_market, insurance_vault_amount)

    insurance_fund_stake.decrease_if_shares(if_shares_lost, spot_market)

    fund = spot_market.insurance_fund
    fund.total_shares = safe_sub(fund.total_shares, if_shares_lost, U128)
    fund.user_shares = safe_sub(fund.user_shares, if_shares_lost, U128)

    insurance_fund_stake.checked_if_shares(spot_market)

    update_user_stats_if_stake_amount(0, insurance_vault_amount, insurance_fund_stake, user_stats, spot_market, now)

    insurance_fund_stake.last_withdraw_request_shares = 0
    insurance_fund_stake.last_withdraw_request_value = 0
    insurance_fund_stake.last_withdraw_request_ts = now


def remove_insurance_fund_stake(insurance_vault_amount: int, insurance_fund_stake: InsuranceFundStake,
                                user_stats: UserStats, spot_market: SpotMarket, now: int) -> int:
    """Finish an unstake after ``unstaking_period``; returns the tokens paid, ``min(amount(n), requested value)``.

    Losses during the wait are borne, gains are not passed on. Errors: ``TryingToRemoveLiquidityTooFast`` before
    the period ends, ``InvalidIFUnstake`` without a request, ``InsufficientIFShares``.
    program: controller/insurance.rs::remove_insurance_fund_stake
    """
    time_since_withdraw_request = safe_sub(now, insurance_fund_stake.last_withdraw_request_ts, I64)
    if not time_since_withdraw_request >= spot_market.insurance_fund.unstaking_period:
        raise TryingToRemoveLiquidityTooFast(
            f"{time_since_withdraw_request}s since the request < {spot_market.insurance_fund.unstaking_period}s")

    apply_rebase_to_insurance_fund(insurance_vault_amount, spot_market)
    apply_rebase_to_insurance_fund_stake(insurance_fund_stake, spot_market)

    if_shares_before = insurance_fund_stake.checked_if_shares(spot_market)

    n_shares = insurance_fund_stake.last_withdraw_request_shares
    if not n_shares > 0:
        raise InvalidIFUnstake("Must submit withdraw request and wait the escrow period")
    if not if_shares_before >= n_shares:
        raise InsufficientIFShares(f"{if_shares_before} < {n_shares}")

    amount = if_shares_to_vault_amount(n_shares, spot_market.insurance_fund.total_shares, insurance_vault_amount)

    calculate_if_shares_lost(insurance_fund_stake, spot_market, insurance_vault_amount)

    withdraw_amount = min(amount, insurance_fund_stake.last_withdraw_request_value)

    insurance_fund_stake.decrease_if_shares(n_shares, spot_market)

    insurance_fund_stake.cost_basis = safe_sub(insurance_fund_stake.cost_basis, cast(withdraw_amount, I64), I64)

    fund = spot_market.insurance_fund
    fund.total_shares = safe_sub(fund.total_shares, n_shares, U128)
    fund.user_shares = safe_sub(fund.user_shares, n_shares, U128)

    insurance_fund_stake.last_withdraw_request_shares = 0
    insurance_fund_stake.last_withdraw_request_value = 0
    insurance_fund_stake.last_withdraw_request_ts = now

    insurance_fund_stake.checked_if_shares(spot_market)

    update_user_stats_if_stake_amount(-cast(withdraw_amount, I64), insurance_vault_amount, insurance_fund_stake,
                                      user_stats, spot_market, now)

    return withdraw_amount


def admin_remove_insurance_fund_stake(insurance_vault_amount: int, n_shares: int, spot_market: SpotMarket,
                                      now: int, admin_pubkey: str) -> int:
    """Burn ``n_shares`` protocol-owned shares and return their tokens. ``admin_pubkey`` only labels the event.

    More than the protocol's shares: ``InsufficientIFShares``.
    program: controller/insurance.rs::admin_remove_insurance_fund_stake
    """
    apply_rebase_to_insurance_fund(insurance_vault_amount, spot_market)

    fund = spot_market.insurance_fund
    if_shares_before = safe_sub(fund.total_shares, fund.user_shares, U128)
    if not if_shares_before >= n_shares:
        raise InsufficientIFShares(f"if_shares_before={if_shares_before} < n_shares={n_shares}")

    withdraw_amount = if_shares_to_vault_amount(n_shares, fund.total_shares, insurance_vault_amount)

    fund.total_shares = safe_sub(fund.total_shares, n_shares, U128)
    safe_sub(fund.total_shares, fund.user_shares, U128)

    return withdraw_amount


def transfer_protocol_insurance_fund_stake(insurance_vault_amount: int, n_shares: int,
                                           target_insurance_fund_stake: InsuranceFundStake, user_stats: UserStats,
                                           spot_market: SpotMarket, now: int, signer_pubkey: str) -> int:
    """Give ``n_shares`` protocol-owned shares to a staker; returns their token value.

    More than the protocol's shares: ``InsufficientIFShares``. ``signer_pubkey`` only labels the event.
    program: controller/insurance.rs::transfer_protocol_insurance_fund_stake
    """
    apply_rebase_to_insurance_fund(insurance_vault_amount, spot_market)

    fund = spot_market.insurance_fund
    if_shares_before = safe_sub(fund.total_shares, fund.user_shares, U128)
    target_insurance_fund_stake.checked_if_shares(spot_market)
    if not if_shares_before >= n_shares:
        raise InsufficientIFShares(f"if_shares_before={if_shares_before} < n_shares={n_shares}")

    fund.user_shares = safe_add(fund.user_shares, n_shares, U128)

    target_insurance_fund_stake.increase_if_shares(n_shares, spot_market)

    target_if_shares_after = target_insurance_fund_stake.checked_if_shares(spot_market)

    if spot_market.market_index == QUOTE_SPOT_MARKET_INDEX:
        user_stats.if_staked_quote_asset_amount = if_shares_to_vault_amount(
            target_if_shares_after, fund.total_shares, insurance_vault_amount)
    elif spot_market.market_index == GOV_SPOT_MARKET_INDEX:
        user_stats.if_staked_gov_token_amount = if_shares_to_vault_amount(
            target_if_shares_after, fund.total_shares, insurance_vault_amount)

    withdraw_amount = if_shares_to_vault_amount(n_shares, fund.total_shares, insurance_vault_amount)

    safe_sub(fund.total_shares, fund.user_shares, U128)
    target_insurance_fund_stake.checked_if_shares(spot_market)

    return withdraw_amount


def settle_revenue_to_insurance_fund(spot_market_vault_amount: int, insurance_vault_amount: int,
                                     spot_market: SpotMarket, now: int, check_invariants: bool) -> int:
    """Move revenue pool tokens to the insurance fund; returns the tokens the program would transfer.

    After accruing interest: nothing if ``revenue_settle_period == 0``; the amount is the revenue pool's tokens
    (half the depositors' claim when that is smaller); with user stakers it is capped at
    ``min(pool / 10, vault * max_apr / 1e6 / (ONE_YEAR / period))``. The protocol's part
    ``amount * (total_factor - user_factor) / total_factor`` is minted as protocol shares, then the amount
    leaves the revenue pool. ``check_invariants`` makes a zero amount ``NoRevenueToSettleToIF``.
    program: controller/insurance.rs::settle_revenue_to_insurance_fund
    """
    update_spot_market_cumulative_interest(spot_market, None, now)

    fund = spot_market.insurance_fund
    if fund.revenue_settle_period == 0:
        return 0

    if not fund.user_factor <= fund.total_factor:
        raise RevenueSettingsCannotSettleToIF("invalid if_factor settings on spot market")

    depositors_claim = validate_spot_market_vault_amount(spot_market, spot_market_vault_amount)

    token_amount = get_token_amount(spot_market.revenue_pool.scaled_balance, spot_market, SpotBalanceType.Deposit)

    if depositors_claim < cast(token_amount, I64):
        token_amount = safe_div(cast(max(depositors_claim, 0), U128), 2)

    if fund.user_shares > 0:
        if spot_market.market_index == GOV_SPOT_MARKET_INDEX:
            max_apr_per_revenue_settle = MAX_APR_PER_REVENUE_SETTLE_TO_INSURANCE_FUND_VAULT_GOV
        else:
            max_apr_per_revenue_settle = MAX_APR_PER_REVENUE_SETTLE_TO_INSURANCE_FUND_VAULT
        settles_per_year = max(safe_div(ONE_YEAR, cast(fund.revenue_settle_period, U128)), 1)
        capped_apr_amount = safe_div(
            safe_div(safe_mul(insurance_vault_amount, max_apr_per_revenue_settle, U128), PERCENTAGE_PRECISION),
            settles_per_year)
        capped_token_pct_amount = safe_div(token_amount, 10)
        token_amount = min(capped_token_pct_amount, capped_apr_amount)

    insurance_fund_token_amount = cast(get_proportion_u128(
        token_amount, SHARE_OF_REVENUE_ALLOCATED_TO_INSURANCE_FUND_VAULT_NUMERATOR,
        SHARE_OF_REVENUE_ALLOCATED_TO_INSURANCE_FUND_VAULT_DENOMINATOR), U64)

    if check_invariants and insurance_fund_token_amount == 0:
        raise NoRevenueToSettleToIF("no amount to settle to insurance fund")

    fund.last_revenue_settle_ts = now

    protocol_if_factor = safe_sub(fund.total_factor, fund.user_factor, U32)

    if protocol_if_factor > 0:
        protocol_amount = safe_div(safe_mul(insurance_fund_token_amount, protocol_if_factor, U64), fund.total_factor)
        n_shares = vault_amount_to_if_shares(protocol_amount, fund.total_shares, insurance_vault_amount)
        fund.total_shares = safe_add(fund.total_shares, n_shares, U128)

    update_revenue_pool_balances(insurance_fund_token_amount, SpotBalanceType.Borrow, spot_market)

    return insurance_fund_token_amount


def resolve_perp_pnl_deficit(vault_amount: int, insurance_vault_amount: int, spot_market: SpotMarket,
                             market: PerpMarket, now: int) -> int:
    """Pay a perp market's P&L deficit from the insurance fund into its P&L pool; returns the tokens paid.

    Requires a negative ``total_fee_minus_distributions`` and a P&L pool short of net user P&L (at the 5min
    oracle TWAP). Pays ``min(net_unsettled_pnl - unrealized_pnl_max_imbalance, revenue withdraw room this
    period, quote_max_insurance - quote_settled_insurance, vault - 1)``; each bound at zero is its own error.
    ``vault_amount`` only labels the program's event.
    program: controller/insurance.rs::resolve_perp_pnl_deficit
    """
    amm = market.amm
    if not amm.total_fee_minus_distributions < 0:
        raise NoAmmPerpPnlDeficit(f"total_fee_minus_distributions={amm.total_fee_minus_distributions}")

    pnl_pool_token_amount = get_token_amount(market.pnl_pool.scaled_balance, spot_market, SpotBalanceType.Deposit)

    net_user_pnl = calculate_net_user_pnl(amm, amm.historical_oracle_data.last_oracle_price_twap_5min)

    if not cast(pnl_pool_token_amount, I128) < net_user_pnl:
        raise SufficientPerpPnlPool(f"pnl_pool_token_amount >= net_user_pnl ({pnl_pool_token_amount} >= "
                                    f"{net_user_pnl})")

    update_spot_market_cumulative_interest(spot_market, None, now)

    if market.unrealized_pnl_max_imbalance > 0:
        net_unsettled_pnl = calculate_net_user_pnl(amm, amm.historical_oracle_data.last_oracle_price)
        excess_user_pnl_imbalance = safe_sub(net_unsettled_pnl, market.unrealized_pnl_max_imbalance, I128)
    else:
        excess_user_pnl_imbalance = 0

    if not excess_user_pnl_imbalance > 0:
        raise PerpPnlDeficitBelowThreshold(f"No excess_user_pnl_imbalance({excess_user_pnl_imbalance}) to settle")

    claim = market.insurance_claim
    max_revenue_withdraw_per_period = safe_sub(claim.max_revenue_withdraw_per_period,
                                               claim.revenue_withdraw_since_last_settle, I128)
    if not max_revenue_withdraw_per_period > 0:
        raise MaxRevenueWithdrawPerPeriodReached(
            f"max_revenue_withdraw_per_period={max_revenue_withdraw_per_period} as already been reached")

    max_insurance_withdraw = cast(safe_sub(claim.quote_max_insurance, claim.quote_settled_insurance, U64), I128)
    if not max_insurance_withdraw > 0:
        raise MaxIFWithdrawReached(
            f"max_insurance_withdraw={claim.quote_settled_insurance}/{claim.quote_max_insurance}")

    insurance_withdraw = min(excess_user_pnl_imbalance, max_revenue_withdraw_per_period, max_insurance_withdraw,
                             max(insurance_vault_amount - 1, 0))
    if not insurance_withdraw > 0:
        raise NoIFWithdrawAvailable(f"No available funds for insurance_withdraw({insurance_withdraw})")

    amm.total_fee_minus_distributions = safe_add(amm.total_fee_minus_distributions, insurance_withdraw, I128)
    claim.revenue_withdraw_since_last_settle = safe_add(
        claim.revenue_withdraw_since_last_settle, cast(insurance_withdraw, I64), I64)
    claim.quote_settled_insurance = safe_add(claim.quote_settled_insurance, cast(insurance_withdraw, U64), U64)
    if not claim.quote_settled_insurance <= claim.quote_max_insurance:
        raise MaxIFWithdrawReached(
            f"quote_settled_insurance breached its max {claim.quote_settled_insurance}/{claim.quote_max_insurance}")
    claim.last_revenue_withdraw_ts = now

    update_spot_balances(cast(insurance_withdraw, U128), SpotBalanceType.Deposit, spot_market, market.pnl_pool,
                         False)

    return cast(insurance_withdraw, U64)


def handle_if_begin_swap(if_rebalance_config: IfRebalanceConfig, in_insurance_fund_vault_amount: int,
                         out_insurance_fund_vault_amount: int, in_spot_market: SpotMarket,
                         out_spot_market: SpotMarket, _in_amount: int, now: int) -> None:
    """Start of an insurance-fund rebalance swap: roll the epoch if it ended, rebase both funds.

    program: controller/insurance.rs::handle_if_begin_swap
    """
    if now > safe_add(if_rebalance_config.epoch_start_ts, if_rebalance_config.epoch_duration, I64):
        if_rebalance_config.epoch_start_ts = now
        if_rebalance_config.epoch_in_amount = 0
    apply_rebase_to_insurance_fund(in_insurance_fund_vault_amount, in_spot_market)
    apply_rebase_to_insurance_fund(out_insurance_fund_vault_amount, out_spot_market)


def handle_if_end_swap(if_rebalance_config: IfRebalanceConfig, in_insurance_fund_vault_amount_after: int,
                       out_insurance_fund_vault_amount_after: int, in_spot_market: SpotMarket,
                       out_spot_market: SpotMarket, in_amount: int, out_amount: int, out_oracle_price: int,
                       now: int) -> None:
    """End of a rebalance swap: ``in_amount`` left the in-fund (protocol shares burnt) and ``out_amount`` entered
    the out-fund (protocol shares minted).

    Both share prices may fall by at most 1 (``InvalidIfRebalanceSwap``; a rise underflows the program's u64
    difference, reported here as ``MathError``); epoch and total limits, ``out_oracle_price <= oracle TWAP`` and
    the swap price within ``max_slippage_bps`` of the oracle are enforced (``InvalidIfRebalanceSwap``).
    program: controller/insurance.rs::handle_if_end_swap
    """
    in_vault_before = safe_add(in_insurance_fund_vault_amount_after, in_amount, U64)
    out_vault_before = safe_sub(out_insurance_fund_vault_amount_after, out_amount, U64)
    in_fund, out_fund = in_spot_market.insurance_fund, out_spot_market.insurance_fund

    in_share_price_before = calculate_share_price(in_fund.total_shares, in_vault_before)
    out_share_price_before = calculate_share_price(out_fund.total_shares, out_vault_before)

    in_shares = vault_amount_to_if_shares(in_amount, in_fund.total_shares, in_vault_before)
    out_shares = vault_amount_to_if_shares(out_amount, out_fund.total_shares, out_vault_before)

    if not in_shares < in_fund.get_protocol_shares():
        raise InsufficientIFShares(f"in_shares={in_shares} < total_shares={in_fund.get_protocol_shares()}")

    in_fund.total_shares = safe_sub(in_fund.total_shares, in_shares, U128)
    out_fund.total_shares = safe_add(out_fund.total_shares, out_shares, U128)

    in_share_price_after = calculate_share_price(in_fund.total_shares, in_insurance_fund_vault_amount_after)
    out_share_price_after = calculate_share_price(out_fund.total_shares, out_insurance_fund_vault_amount_after)

    for before, after, side in ((in_share_price_before, in_share_price_after, "in"),
                                (out_share_price_before, out_share_price_after, "out")):
        if before > 0 and after > 0 and not safe_sub(before, after, U64) <= 1:
            raise InvalidIfRebalanceSwap(f"{side}_share_price_before={before} - {side}_share_price_after={after} > 1")

    config = if_rebalance_config
    config.current_in_amount = safe_add(config.current_in_amount, in_amount, U64)
    config.epoch_in_amount = safe_add(config.epoch_in_amount, in_amount, U64)
    config.current_out_amount = safe_add(config.current_out_amount, out_amount, U64)

    if not config.epoch_in_amount <= config.epoch_max_in_amount:
        raise InvalidIfRebalanceSwap(
            f"epoch_in_amount={config.epoch_in_amount} > epoch_max_in_amount={config.epoch_max_in_amount}")
    if not config.current_in_amount <= config.total_in_amount:
        raise InvalidIfRebalanceSwap(
            f"current_in_amount={config.current_in_amount} > total_in_amount={config.total_in_amount}")

    oracle_twap = out_spot_market.historical_oracle_data.last_oracle_price_twap
    if not out_oracle_price <= cast(oracle_twap, U64):
        raise InvalidIfRebalanceSwap(f"out_oracle_price={out_oracle_price} > oracle_twap={oracle_twap}")

    swap_price = calculate_fill_price(in_amount, out_amount, out_spot_market.get_precision())

    max_slippage_bps = config.max_slippage_bps
    max_slippage = safe_div(out_oracle_price, safe_div(10000, max(max_slippage_bps, 1)))

    if not swap_price <= safe_add(out_oracle_price, max_slippage, U64):
        raise InvalidIfRebalanceSwap(
            f"swap_price={swap_price} > out_oracle_price={out_oracle_price} + max_slippage={max_slippage}")


def transfer_protocol_if_shares_to_revenue_pool(if_rebalance_config: IfRebalanceConfig, spot_market: SpotMarket,
                                                insurance_fund_vault_amount_before: int, amount: int,
                                                now: int) -> None:
    """Burn protocol shares worth ``amount`` and credit ``amount`` to the market's revenue pool.

    Limited to the protocol's shares (``InsufficientIFShares``) and to the rebalance's bought-but-untransferred
    amount (``DefaultError``).
    program: controller/insurance.rs::transfer_protocol_if_shares_to_revenue_pool
    """
    apply_rebase_to_insurance_fund(insurance_fund_vault_amount_before, spot_market)

    fund = spot_market.insurance_fund
    shares = vault_amount_to_if_shares(amount, fund.total_shares, insurance_fund_vault_amount_before)
    protocol_shares = fund.get_protocol_shares()
    if not shares <= protocol_shares:
        raise InsufficientIFShares(f"shares={shares} > protocol_shares={protocol_shares}")
    if not amount <= if_rebalance_config.max_transfer_amount():
        raise DefaultError(f"amount={amount} > max_transfer_amount={if_rebalance_config.max_transfer_amount()}")

    fund.total_shares = safe_sub(fund.total_shares, shares, U128)

    update_revenue_pool_balances(amount, SpotBalanceType.Deposit, spot_market)

    if_rebalance_config.current_out_amount_transferred = safe_add(
        if_rebalance_config.current_out_amount_transferred, amount, U64)
