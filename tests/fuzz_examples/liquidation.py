"""Fuzz examples for driftlab.liquidation (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example


def _liquidation_accounts() -> tuple[Any, Any]:
    """Accounts for driftlab.liquidation's examples: $500 against 200 SOL-PERP from $25, now $23.5 (below
    maintenance); $1,000 against a 10-SOL borrow at $95."""
    from driftlab.margin import QUOTE, Account, PerpHolding, SpotHolding

    perp = Account(spot=(SpotHolding("USDC", 500.0, oracle=QUOTE, decimals=6),),
                   perps=(PerpHolding("SOL-PERP", 200.0, 25.0, 23.5, 0.1, 0.05, liquidator_fee=0.01,
                                      if_liquidation_fee=0.01),))
    spot = Account(spot=(SpotHolding("USDC", 1_000.0, oracle=QUOTE, decimals=6),
                         SpotHolding("SOL", -10.0, 95.0, 0.8, 0.9, 1.2, 1.1, liquidator_fee=0.01,
                                     if_liquidation_fee=0.005)))
    return perp, spot


FUZZ_ACCOUNT, FUZZ_SPOT_ACCOUNT = _liquidation_accounts()


EXAMPLES: dict[str, Example] = {
    "driftlab.liquidation.asset_for_liability": Example(
        dict(liability_amount=1.0, liability_price=100.0, asset_price=1.0, asset_multiplier=1.01,
             liability_multiplier=0.99, asset_amount=1_000.0),
        accepts={"liability_amount": {"zero"}, "asset_amount": {"inf", "zero"}}),
    "driftlab.liquidation.base_to_cover_shortage": Example(
        dict(shortage=10.0, price=100.0, margin_ratio=0.1, liquidator_fee=0.01, if_fee=0.01, quote_price=1.0),
        accepts={"shortage": {"zero"}, "margin_ratio": {"zero"}, "liquidator_fee": {"zero"}, "if_fee": {"zero"}}),
    "driftlab.liquidation.liability_implied_by_asset": Example(
        dict(asset_amount=10.0, asset_price=1.0, liability_price=100.0, asset_multiplier=1.01,
             liability_multiplier=0.99),
        accepts={"asset_amount": {"zero"}}),
    "driftlab.liquidation.liability_to_cover_shortage": Example(
        dict(shortage=10.0, liability_price=100.0, liability_weight=1.2, asset_weight=0.8, asset_multiplier=1.01,
             liability_multiplier=0.99, if_fee=0.01),
        accepts={"shortage": {"zero"}, "asset_weight": {"zero"}, "if_fee": {"zero"}}),
    "driftlab.liquidation.liquidate_perp": Example(
        dict(account=FUZZ_ACCOUNT, market="SOL-PERP", buffer=0.02, slots_since_active=10.0, max_pct=0.5,
             liquidator_max_base=50.0),
        accepts={"buffer": {"zero"}, "slots_since_active": {"zero"}, "max_pct": {"zero"},
                 "liquidator_max_base": {"inf", "zero"}}),
    "driftlab.liquidation.liquidate_spot": Example(
        dict(account=FUZZ_SPOT_ACCOUNT, asset="USDC", liability="SOL", buffer=0.02, max_pct=0.5,
             liquidator_max_liability=5.0),
        accepts={"buffer": {"zero"}, "max_pct": {"zero"}, "liquidator_max_liability": {"inf", "zero"}}),
    "driftlab.liquidation.liquidation_fee": Example(
        dict(base_fee=0.01, max_fee=0.03, slots_since_active=2_000.0),
        accepts={"base_fee": {"zero"}, "max_fee": {"zero"}, "slots_since_active": {"zero"}}),
    "driftlab.liquidation.liquidation_multipliers": Example(
        dict(asset_fee=0.01, liability_fee=0.01), accepts={"asset_fee": {"zero"}, "liability_fee": {"zero"}}),
    "driftlab.liquidation.liquidation_path": Example(
        dict(account=FUZZ_ACCOUNT, market="SOL-PERP", prices=np.array([25.0, 23.0, 17.0]), buffer=0.02,
             max_pct=1.0, max_steps=5, insurance_fund=100.0, max_insurance=1_000.0, fee_pool=10.0,
             open_interest=1_000.0),
        accepts={"buffer": {"zero"}, "max_pct": {"zero"}, "insurance_fund": {"zero"}, "max_insurance": {"inf", "zero"},
                 "fee_pool": {"zero"}, "open_interest": {"zero"}},
        scalar={"buffer", "max_pct", "max_steps", "insurance_fund", "max_insurance", "fee_pool", "open_interest"}),
    "driftlab.liquidation.liquidation_price": Example(
        dict(account=FUZZ_ACCOUNT, market="SOL-PERP", buffer=0.02, price=25.0),
        accepts={"buffer": {"zero"}, "price": {"None"}}, scalar={"iterations"}),
    "driftlab.liquidation.liquidation_price_first_order": Example(
        dict(account=FUZZ_ACCOUNT, market="SOL-PERP", price=25.0), accepts={"price": {"None"}}),
    "driftlab.liquidation.liquidation_price_gap": Example(
        dict(account=FUZZ_ACCOUNT, market="SOL-PERP", price=25.0), accepts={"price": {"None"}}),
    "driftlab.liquidation.max_liquidation_fee": Example(
        dict(liquidator_fee=0.01, maintenance_ratio=0.05),
        accepts={"liquidator_fee": {"zero"}, "maintenance_ratio": {"zero"}}),
    "driftlab.liquidation.max_pct_to_liquidate": Example(
        dict(shortage=100.0, slots_since_active=10.0, initial_pct=0.1, duration=150.0, freed=20.0),
        accepts={"shortage": {"zero"}, "slots_since_active": {"zero"}, "initial_pct": {"zero"},
                 "duration": {"zero"}, "freed": {"zero"}}),
    "driftlab.liquidation.perp_bankruptcy": Example(
        dict(loss=1_000.0, insurance_fund=300.0, open_interest=1_300.0, max_insurance=250.0, fee_pool=100.0),
        accepts={"loss": {"zero"}, "insurance_fund": {"zero"}, "max_insurance": {"inf", "zero"},
                 "fee_pool": {"zero"}}),
    "driftlab.liquidation.perp_if_fee": Example(
        dict(shortage=20.0, base=10.0, price=100.0, margin_ratio=0.05, liquidator_fee=0.01, max_if_fee=0.05,
             quote_price=1.0),
        accepts={"shortage": {"zero"}, "base": ZERO_OR_NEGATIVE, "margin_ratio": {"zero"},
                 "liquidator_fee": {"zero"}, "max_if_fee": {"zero"}}),
    "driftlab.liquidation.perp_liquidation_step": Example(
        dict(base=100.0, price=100.0, shortage=50.0, margin_ratio=0.05, liquidator_fee=0.01, max_if_fee=0.01,
             buffer=0.02, tracked_shortage=40.0, quote_price=1.0, max_pct=0.5, liquidator_max_base=80.0,
             step_size=0.1),
        accepts={"base": ZERO_OR_NEGATIVE, "shortage": {"zero"}, "margin_ratio": {"zero"},
                 "liquidator_fee": {"zero"}, "max_if_fee": {"zero"}, "buffer": {"zero"},
                 "tracked_shortage": {"zero", "None"}, "max_pct": {"zero"}, "liquidator_max_base": {"inf", "zero"},
                 "step_size": {"zero"}}),
    "driftlab.liquidation.spot_bankruptcy": Example(
        dict(borrow=100.0, insurance_fund=30.0, total_deposits=1_000.0),
        accepts={"borrow": {"zero"}, "insurance_fund": {"zero"}, "total_deposits": {"zero"}}),
    "driftlab.liquidation.spot_if_fee": Example(
        dict(shortage=5.0, liability_amount=1.0, liability_price=100.0, liability_weight=1.1, asset_weight=1.0,
             asset_multiplier=1.01, liability_multiplier=1.0, max_if_fee=0.05),
        accepts={"shortage": {"zero"}, "liability_amount": ZERO_OR_NEGATIVE, "asset_weight": {"zero"},
                 "max_if_fee": {"zero"}}),
    "driftlab.liquidation.spot_liquidation_step": Example(
        dict(shortage=10.0, asset_amount=1_000.0, asset_price=1.0, asset_weight=0.8, asset_liquidator_fee=0.01,
             liability_amount=-5.0, liability_price=100.0, liability_weight=1.2, liability_liquidator_fee=0.01,
             max_if_fee=0.01, buffer=0.02, tracked_shortage=8.0, max_pct=0.5, liquidator_max_liability=4.0),
        accepts={"shortage": {"zero"}, "asset_amount": {"zero"}, "asset_weight": {"zero"},
                 "asset_liquidator_fee": {"zero"}, "liability_amount": ZERO_OR_NEGATIVE,
                 "liability_liquidator_fee": {"zero"}, "max_if_fee": {"zero"}, "buffer": {"zero"},
                 "tracked_shortage": {"zero", "None"}, "max_pct": {"zero"},
                 "liquidator_max_liability": {"inf", "zero"}}),
}
