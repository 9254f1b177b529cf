"""Fuzz examples for driftlab.margin (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

EXAMPLES: dict[str, Example] = {
    "driftlab.margin.asset_weight": Example(
        dict(size=2_000.0, weight=0.8, imf_factor=0.003),
        accepts={"size": ZERO_OR_NEGATIVE, "weight": {"zero"}, "imf_factor": {"zero"}}),
    "driftlab.margin.discount_binding_size": Example(dict(weight=0.8, imf_factor=0.003),
                                                     accepts={"imf_factor": {"zero"}}),
    "driftlab.margin.hlm_initial_margin_ratio": Example(
        dict(size=3_000.0, ratio=0.1, high_leverage_ratio=0.01, imf_factor=0.00005),
        accepts={"size": ZERO_OR_NEGATIVE, "imf_factor": {"zero"}}),
    "driftlab.margin.imf_factor_for_margin_ratio": Example(
        dict(target_ratio=0.2, notional=10_000_000.0, price=100.0, ratio=0.05)),
    "driftlab.margin.liability_weight": Example(
        dict(size=1_000.0, weight=1.1, imf_factor=0.001),
        accepts={"size": ZERO_OR_NEGATIVE, "weight": {"zero"}, "imf_factor": {"zero"}}),
    "driftlab.margin.margin_ratio": Example(
        dict(size=10_000.0, ratio=0.1, imf_factor=0.0005, high_leverage_ratio=0.01),
        accepts={"size": ZERO_OR_NEGATIVE, "imf_factor": {"zero"}, "high_leverage_ratio": {"None"}}),
    "driftlab.margin.max_leverage": Example(
        dict(size=10_000.0, ratio=0.1, imf_factor=0.0005, high_leverage_ratio=0.01),
        accepts={"size": ZERO_OR_NEGATIVE, "imf_factor": {"zero"}, "high_leverage_ratio": {"None"}}),
    "driftlab.margin.premium_binding_size": Example(dict(weight=0.1, imf_factor=0.0005),
                                                    accepts={"imf_factor": {"zero"}}),
    "driftlab.margin.scaled_initial_asset_weight": Example(
        dict(weight=0.9, deposits_value=1_000_000.0, scale_start=500_000.0),
        accepts={"weight": {"zero"}, "deposits_value": {"zero"}, "scale_start": {"zero"}}),
    "driftlab.margin.unrealized_pnl_weight": Example(
        dict(pnl=24_282.79, weight=1.0, imf_factor=0.001),
        accepts={"pnl": ZERO_OR_NEGATIVE, "weight": {"zero"}, "imf_factor": {"zero"}}),
}
