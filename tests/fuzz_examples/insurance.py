"""Fuzz examples for driftlab.insurance (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from tests.fuzz_examples import Example

EXAMPLES: dict[str, Example] = {
    "driftlab.insurance.amount_for_shares": Example(
        dict(shares=100.0, total_shares=1_000.0, vault=12_000.0),
        accepts={"shares": {"zero"}, "vault": {"zero"}}),  # vault 0: a drained fund, shares worth nothing
    "driftlab.insurance.settle_amount": Example(
        dict(revenue_pool=500.0, vault=100_000.0, revenue_settle_period=3_600.0, max_apr=10.0),
        accepts={"revenue_pool": {"zero"}, "vault": {"zero"}, "max_apr": {"zero"}}),
    "driftlab.insurance.share_price": Example(
        dict(total_shares=1_000.0, vault=12_000.0),
        accepts={"total_shares": {"zero"}, "vault": {"zero"}}),  # no shares: price 0; drained: price 0
    "driftlab.insurance.share_price_after_settle": Example(
        dict(amount=50.0, total_shares=1_000.0, vault=12_000.0, total_factor=0.1, user_factor=0.05),
        accepts={"amount": {"zero"}, "total_shares": {"zero"}, "user_factor": {"zero"}}),
    "driftlab.insurance.shares_for_amount": Example(
        dict(amount=100.0, total_shares=1_000.0, vault=12_000.0),
        accepts={"amount": {"zero"}, "total_shares": {"zero"}}),  # no shares yet: one per token
    "driftlab.insurance.shares_forfeited_on_cancel": Example(
        dict(request_shares=100.0, request_value=1_000.0, total_shares=1_000.0, vault=12_000.0),
        accepts={"request_shares": {"zero"}, "request_value": {"zero"}, "vault": {"zero"}}),
    "driftlab.insurance.staker_apr": Example(
        dict(revenue_per_settle=5.0, vault=100_000.0, total_factor=0.1, user_factor=0.05,
             revenue_settle_period=3_600.0, max_apr=10.0),
        accepts={"revenue_per_settle": {"zero"}, "user_factor": {"zero"}, "max_apr": {"zero"}}),
    "driftlab.insurance.unstake_payout": Example(
        dict(shares=100.0, total_shares=1_000.0, vault_at_request=12_000.0, vault_at_unstake=11_000.0),
        accepts={"shares": {"zero"}, "vault_at_request": {"zero"}, "vault_at_unstake": {"zero"}}),
}
