"""Fuzz examples for driftlab.pnl (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

import pandas as pd

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

# open, add, pay funding, reduce (the position stays open: a flat row's entry price is NaN by design)
_TRADES = pd.DataFrame({"base": [2.0, 1.0, 0.0, -1.5], "price": [100.0, 102.0, 103.0, 105.0],
                        "fee": [0.1, 0.05, 0.0, 0.08], "funding": [0.0, 0.0, -0.3, 0.0]})

# tables position_ledger must reject, naming trades: no base column, not a table, no rows
_BAD_TRADES = (pd.DataFrame({"x": [1.0]}), 42, "trades", pd.DataFrame())

EXAMPLES: dict[str, Example] = {
    # the ledgers take one DataFrame, no number: nothing here to fuzz (test_registered_example_is_a_valid_call
    # says so); their columns are checked in tests/test_pnl.py::test_ledger_bad_input_names_the_column
    "driftlab.pnl.position_ledger": Example(dict(trades=_TRADES), bad={"trades": _BAD_TRADES}),
    "driftlab.pnl.exact_position_ledger": Example(dict(trades=_TRADES), bad={"trades": _BAD_TRADES}),
    "driftlab.pnl.settleable_pnl": Example(
        dict(unrealized_pnl=120.0, realized_pnl=30.0, pnl_pool=500.0, net_user_pnl=400.0, fee_pool=50.0),
        accepts={"unrealized_pnl": ZERO_OR_NEGATIVE, "realized_pnl": ZERO_OR_NEGATIVE,  # P&L is signed
                 "pnl_pool": {"zero"}, "fee_pool": {"zero"},  # empty pools
                 "net_user_pnl": ZERO_OR_NEGATIVE}),  # users net losing: the pool is in excess
    "driftlab.pnl.pool_after_settlement": Example(
        dict(settled=-50.0, pnl_pool=1_000.0, fee_pool=100.0),
        accepts={"settled": ZERO_OR_NEGATIVE,  # negative: a loss taken from the user
                 "pnl_pool": {"zero"}, "fee_pool": {"zero"}}),
    "driftlab.pnl.unrealized_pnl_weight": Example(
        dict(net_user_pnl=2_000.0, max_imbalance=1_000.0, initial_weight=0.9),
        accepts={"net_user_pnl": ZERO_OR_NEGATIVE,  # users net losing: no discount
                 "max_imbalance": {"zero"},  # zero: no cap
                 "initial_weight": {"zero"}}),
    "driftlab.pnl.expiry_price": Example(
        dict(target_price=100.0, net_user_base=10.0, net_user_quote=-900.0, excess_balance=50.0,
             order_step_size=0.01),
        accepts={"net_user_base": ZERO_OR_NEGATIVE,  # net short; or no net position: settles at the target
                 "net_user_quote": ZERO_OR_NEGATIVE, "excess_balance": {"zero"}}),
    "driftlab.pnl.expiry_settlement": Example(
        dict(base=10.0, quote_asset_amount=-900.0, expiry_price=95.0, fee_rate=0.001),
        accepts={"base": ZERO_OR_NEGATIVE, "quote_asset_amount": ZERO_OR_NEGATIVE,
                 "expiry_price": {"zero"},  # a prediction market resolving 0
                 "fee_rate": {"zero"}}),
    "driftlab.pnl.liability_value": Example(
        dict(base=-10.0, price=95.0),
        accepts={"base": ZERO_OR_NEGATIVE,  # short or flat
                 "price": {"zero"}}),  # worthless: nothing to lose (a prediction share at 0)
}
