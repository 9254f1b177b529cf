"""Invariant checks run after every simulated step; a breach raises ``InvariantViolation``.

Conservation of quote to the integer unit:

- every scaled balance of a spot market is someone's: ``deposit_balance`` equals the users' deposit balances
  plus the pools (each perp market's P&L and fee pools, the market's revenue and spot fee pools), and
  ``borrow_balance`` the users' borrows;
- tokens are neither minted nor burnt: a market's vault plus its insurance-fund vault equal the tokens brought
  in from outside (deposits and stakes) minus those taken out;
- the vault covers the depositors' claim (``validate_spot_market_vault_amount``) plus the tokens the program
  leaves unclaimed (``Exchange.unclaimed``: a bankruptcy's fee-pool payment), exactly (no rounding slack) while
  nobody borrows and no interest has accrued; otherwise the slack (borrows and interest round against the
  user) must be >= 0;
- each perp market's aggregates are its users' positions summed: base long/short, ``base_asset_amount_with_amm``
  (no LPs), quote, entry and break-even amounts;
- insurance-fund user shares are the stakes' shares.

No balance the program forbids to be negative is: vaults, pools, users' scaled balances; a user's quote
balance is a deposit unless the user borrowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exact as ex
from ..exact import SPOT_CUMULATIVE_INTEREST_PRECISION, SpotBalanceType

if TYPE_CHECKING:
    from .exchange import Exchange

__all__ = ["InvariantViolation", "check_exchange", "exact_totals"]


class InvariantViolation(AssertionError):
    """An invariant failed after ``step``; ``state`` holds the offending quantities."""

    def __init__(self, step: int, message: str, state: dict[str, Any]) -> None:
        self.step = step
        self.message = message
        self.state = state
        super().__init__(f"step {step}: {message}; state: {state}")


def exact_totals(exchange: Exchange) -> dict[str, dict[int, int]]:
    """Sums over every account from the exact structs (the slow, authoritative side of the checks)."""
    totals: dict[str, dict[int, int]] = {k: {} for k in (
        "deposit_scaled", "borrow_scaled", "base", "base_long", "base_short", "quote", "entry_long", "entry_short",
        "be_long", "be_short", "if_shares")}
    for account in exchange.accounts:
        for sp in account.user.spot_positions:
            if sp.scaled_balance == 0:
                continue
            key = "deposit_scaled" if sp.balance_type == SpotBalanceType.Deposit else "borrow_scaled"
            totals[key][sp.market_index] = totals[key].get(sp.market_index, 0) + sp.scaled_balance
        for pp in account.user.perp_positions:  # an available slot holds zeros and adds nothing
            m, b = pp.market_index, pp.base_asset_amount
            totals["base"][m] = totals["base"].get(m, 0) + b
            side = "long" if b > 0 else "short"
            if b != 0:
                totals[f"base_{side}"][m] = totals[f"base_{side}"].get(m, 0) + b
                totals[f"entry_{side}"][m] = totals[f"entry_{side}"].get(m, 0) + pp.quote_entry_amount
                totals[f"be_{side}"][m] = totals[f"be_{side}"].get(m, 0) + pp.quote_break_even_amount
            totals["quote"][m] = totals["quote"].get(m, 0) + pp.quote_asset_amount
        if account.stake is not None:
            m = account.stake.market_index
            totals["if_shares"][m] = totals["if_shares"].get(m, 0) + account.stake.if_shares
    return totals


def _fail(step: int, message: str, **state: Any) -> None:
    raise InvariantViolation(step, message, state)


def check_exchange(exchange: Exchange, totals: dict[str, dict[int, int]]) -> None:
    """Check every invariant against ``totals`` (from ``exact_totals`` or the simulator's mirrors)."""
    step = exchange.step
    pools: dict[int, int] = {}
    for index, market in exchange.perp_markets.items():
        q = market.quote_spot_market_index
        pools[q] = pools.get(q, 0) + market.pnl_pool.scaled_balance + market.amm.fee_pool.scaled_balance
        amm = market.amm
        base_long = totals["base_long"].get(index, 0)
        base_short = totals["base_short"].get(index, 0)
        checks = (
            ("base_asset_amount_long", amm.base_asset_amount_long, base_long),
            ("base_asset_amount_short", amm.base_asset_amount_short, base_short),
            ("base_asset_amount_with_amm", amm.base_asset_amount_with_amm, totals["base"].get(index, 0)),
            ("quote_asset_amount", amm.quote_asset_amount, totals["quote"].get(index, 0)),
            ("quote_entry_amount_long", amm.quote_entry_amount_long, totals["entry_long"].get(index, 0)),
            ("quote_entry_amount_short", amm.quote_entry_amount_short, totals["entry_short"].get(index, 0)),
            ("quote_break_even_amount_long", amm.quote_break_even_amount_long, totals["be_long"].get(index, 0)),
            ("quote_break_even_amount_short", amm.quote_break_even_amount_short, totals["be_short"].get(index, 0)),
        )
        for name, market_value, users_value in checks:
            if market_value != users_value:
                _fail(step, f"perp market {index}: {name} is not the users' sum", market=market_value,
                      users=users_value, difference=market_value - users_value)
        for name, pool in (("pnl_pool", market.pnl_pool), ("fee_pool", amm.fee_pool)):
            if pool.scaled_balance < 0:
                _fail(step, f"perp market {index}: negative {name}", scaled_balance=pool.scaled_balance)
    for index, spot in exchange.spot_markets.items():
        deposits_users = totals["deposit_scaled"].get(index, 0)
        borrows_users = totals["borrow_scaled"].get(index, 0)
        pool_scaled = pools.get(index, 0) + spot.revenue_pool.scaled_balance + spot.spot_fee_pool.scaled_balance
        if spot.deposit_balance != deposits_users + pool_scaled:
            _fail(step, f"spot market {index}: deposit_balance is not users + pools",
                  deposit_balance=spot.deposit_balance, users=deposits_users, pools=pool_scaled,
                  difference=spot.deposit_balance - deposits_users - pool_scaled)
        if spot.borrow_balance != borrows_users:
            _fail(step, f"spot market {index}: borrow_balance is not the users' borrows",
                  borrow_balance=spot.borrow_balance, users=borrows_users)
        vault, if_vault = exchange.vault[index], exchange.insurance_vault[index]
        if vault < 0 or if_vault < 0:
            _fail(step, f"spot market {index}: negative vault", vault=vault, insurance_vault=if_vault)
        if vault + if_vault != exchange.external_in[index]:
            _fail(step, f"spot market {index}: tokens minted or burnt", vault=vault, insurance_vault=if_vault,
                  brought_in=exchange.external_in[index],
                  difference=vault + if_vault - exchange.external_in[index])
        try:
            claim = ex.validate_spot_market_vault_amount(spot, vault)
        except ex.DriftError as error:
            _fail(step, f"spot market {index}: vault below the depositors' claim ({type(error).__name__})",
                  vault=vault, deposit_balance=spot.deposit_balance, borrow_balance=spot.borrow_balance)
        unclaimed = exchange.unclaimed[index]
        slack = vault - claim - unclaimed
        if slack < 0:
            _fail(step, f"spot market {index}: vault below the claims plus the unclaimed tokens", vault=vault,
                  claims=claim, unclaimed=unclaimed, difference=slack)
        if (spot.cumulative_deposit_interest == SPOT_CUMULATIVE_INTEREST_PRECISION
                and spot.cumulative_borrow_interest == SPOT_CUMULATIVE_INTEREST_PRECISION
                and spot.borrow_balance == 0 and slack != 0):
            _fail(step, f"spot market {index}: vault differs from the claims with no borrows or interest",
                  vault=vault, claims=claim, unclaimed=unclaimed, difference=slack)
        fund = spot.insurance_fund
        staked = totals["if_shares"].get(index, 0)
        if fund.user_shares != staked or fund.total_shares < fund.user_shares:
            _fail(step, f"spot market {index}: insurance fund shares", user_shares=fund.user_shares,
                  stakes=staked, total_shares=fund.total_shares)
