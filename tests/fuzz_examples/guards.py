"""Fuzz examples for driftlab.guards (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

EXAMPLES: dict[str, Example] = {
    # a price <= 0 is the NonPositive state, not an error; the program's oracle delay is a signed slot count
    "driftlab.guards.oracle_validity": Example(
        dict(price=100.0, confidence=0.5, delay=3.0, twap=101.0, slots_before_stale_for_amm=10.0,
             slots_before_stale_for_margin=120.0, confidence_interval_max_size=0.02, too_volatile_ratio=5),
        accepts={"price": ZERO_OR_NEGATIVE, "confidence": {"zero"}, "delay": ZERO_OR_NEGATIVE,
                 "slots_before_stale_for_amm": {"zero"}, "slots_before_stale_for_margin": {"zero"},
                 "confidence_interval_max_size": {"zero"}},
        scalar={"too_volatile_ratio"}),
    "driftlab.guards.valid_for_action": Example(dict(validity="StaleForAMM", action="Liquidate"),
                                                bad={"validity": ("Sideways", None), "action": ("Fly", None)}),
    "driftlab.guards.action_table": Example(dict()),
    "driftlab.guards.fill_price_band": Example(
        dict(oracle_price=100.0, oracle_twap_5min=101.0, margin_ratio_initial=0.05, twap_divergence=0.5)),
    "driftlab.guards.fill_within_price_bands": Example(
        dict(fill_price=102.0, oracle_price=100.0, oracle_twap_5min=101.0, margin_ratio_initial=0.05,
             twap_divergence=0.5, direction="long")),
    # the band is max(10%, mark_oracle_divergence): a setting of 0 leaves the 10% floor
    "driftlab.guards.market_within_price_band": Example(
        dict(reserve_price=102.0, oracle_price=100.0, oracle_twap_5min=101.0, mark_oracle_divergence=0.1),
        accepts={"mark_oracle_divergence": {"zero"}}),
    "driftlab.guards.oracle_too_divergent_with_twap": Example(
        dict(oracle_price=100.0, oracle_twap_5min=101.0, max_divergence=0.5)),
    "driftlab.guards.maker_band_limit": Example(dict(oracle_price=100.0, direction="long", margin_ratio_initial=0.05)),
    "driftlab.guards.maker_breaches_oracle_band": Example(
        dict(limit_price=106.0, oracle_price=100.0, direction="long", margin_ratio_initial=0.05)),
    "driftlab.guards.pause_flags": Example(dict(market="perp"), bad={"market": ("futures", None)}),
    "driftlab.guards.paused_operations": Example(dict(flags=6, market="perp"), accepts={"flags": {"zero"}}),
    "driftlab.guards.is_paused": Example(dict(flags=6, operation="AmmFill", market="perp"),
                                         accepts={"flags": {"zero"}}),
}
