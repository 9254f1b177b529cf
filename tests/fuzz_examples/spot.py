"""Fuzz examples for driftlab.spot (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

# a USDC-like curve: optimal 80% at 5%, max 100%, min 1%
_CURVE = dict(optimal_utilization=0.8, optimal_borrow_rate=0.05, max_borrow_rate=1.0, min_borrow_rate=0.01)
# utilization 0 is an idle market, a zero min rate a valid setting; a zero optimal rate is below the 1% min
_CURVE_ACCEPTS = {"utilization": {"zero"}, "min_borrow_rate": {"zero"}}

EXAMPLES: dict[str, Example] = {
    "driftlab.spot.apr_to_apy": Example(dict(apr=0.1, periods_per_year=8_760.0),
                                        accepts={"apr": {"zero"}, "periods_per_year": {"None"}}),  # None: continuous
    "driftlab.spot.apy_to_apr": Example(dict(apy=0.1, periods_per_year=8_760.0),
                                        accepts={"apy": {"zero"}, "periods_per_year": {"None"}}),  # None: continuous
    "driftlab.spot.borrow_rate": Example(dict(utilization=0.9, **_CURVE), accepts=_CURVE_ACCEPTS),
    "driftlab.spot.borrow_rate_two_slope": Example(dict(utilization=0.9, **_CURVE), accepts=_CURVE_ACCEPTS),
    "driftlab.spot.deposit_rate": Example(
        dict(utilization=0.8, borrow_rate=0.1, insurance_factor=0.1),
        accepts={"utilization": {"zero"}, "borrow_rate": {"zero"}, "insurance_factor": {"zero"}}),
    "driftlab.spot.exact_accrual": Example(
        dict(deposits=1_000_000_000, borrows=700_000_000, days=2, update_interval=3_600, decimals=6,
             optimal_utilization=800_000, optimal_borrow_rate=50_000, max_borrow_rate=1_000_000, min_borrow_rate=2,
             total_factor=100_000, record_every=86_400),
        accepts={"borrows": {"zero"}, "days": {"zero"}, "min_borrow_rate": {"zero"}, "total_factor": {"zero"}},
        scalar={"deposits", "borrows", "days", "update_interval", "decimals", "optimal_utilization",
                "optimal_borrow_rate", "max_borrow_rate", "min_borrow_rate", "total_factor", "record_every"}),
    "driftlab.spot.index_growth": Example(dict(rate=0.1, elapsed=86_400.0, update_interval=3_600.0),
                                          accepts={"rate": {"zero"}, "elapsed": {"zero"},
                                                   "update_interval": {"None"}}),  # None: continuous
    "driftlab.spot.interest_path": Example(
        dict(deposits=1_000.0, borrows=700.0, elapsed=86_400.0, update_interval=3_600.0, insurance_factor=0.1,
             deposit_index=1.1, borrow_index=1.2, **_CURVE),
        accepts={"borrows": {"zero"}, "elapsed": {"zero"}, "min_borrow_rate": {"zero"}, "insurance_factor": {"zero"}},
        scalar={"elapsed", "update_interval"}),
    "driftlab.spot.max_borrows_for_twap": Example(
        dict(deposits=1_000.0, deposit_token_twap=900.0, borrow_token_twap=500.0, withdraw_guard_threshold=100.0,
             max_token_borrows=800.0),
        accepts={"deposits": {"zero"}, "deposit_token_twap": {"zero"}, "borrow_token_twap": {"zero"},
                 "withdraw_guard_threshold": {"zero"}, "max_token_borrows": {"inf", "zero"}}),  # inf: no cap
    "driftlab.spot.max_withdraw": Example(
        dict(token_amount=100.0, deposits=1_000.0, borrows=500.0, deposit_token_twap=900.0, borrow_token_twap=450.0,
             utilization_twap=0.5, optimal_utilization=0.8, withdraw_guard_threshold=50.0, max_token_borrows=800.0),
        accepts={"token_amount": ZERO_OR_NEGATIVE,  # negative: a borrow
                 "deposits": {"zero"}, "borrows": {"zero"}, "deposit_token_twap": {"zero"},
                 "borrow_token_twap": {"zero"}, "utilization_twap": {"zero"}, "withdraw_guard_threshold": {"zero"},
                 "max_token_borrows": {"inf", "zero"}}),  # inf: no cap
    "driftlab.spot.min_deposits_for_twap": Example(
        dict(deposit_token_twap=1_000.0, withdraw_guard_threshold=100.0),
        accepts={"deposit_token_twap": {"zero"}, "withdraw_guard_threshold": {"zero"}}),
    "driftlab.spot.optimal_borrow_rate_for_deposit_rate": Example(
        dict(target_deposit_rate=0.03, utilization=0.7, optimal_utilization=0.8, max_borrow_rate=1.0,
             insurance_factor=0.1),
        accepts={"target_deposit_rate": {"zero"}, "insurance_factor": {"zero"}}),
    "driftlab.spot.rates": Example(dict(utilization=0.9, insurance_factor=0.1, **_CURVE),
                                   accepts={**_CURVE_ACCEPTS, "insurance_factor": {"zero"}}),
    "driftlab.spot.scaled_balance": Example(dict(token_amount=100.0, cumulative_interest=1.05),
                                            accepts={"token_amount": {"zero"}}),
    "driftlab.spot.token_amount": Example(dict(scaled_balance=95.0, cumulative_interest=1.05, decimals=6),
                                          accepts={"scaled_balance": {"zero"}}),
    "driftlab.spot.utilization": Example(dict(deposits=1_000.0, borrows=700.0),
                                         accepts={"deposits": {"zero"}, "borrows": {"zero"}}),
    "driftlab.spot.utilization_limits": Example(
        dict(deposits=1_000.0, borrows=500.0, utilization_twap=0.5, optimal_utilization=0.8,
             withdraw_guard_threshold=50.0),
        accepts={"deposits": {"zero"}, "borrows": {"zero"}, "utilization_twap": {"zero"},
                 "withdraw_guard_threshold": {"zero"}}),
}
