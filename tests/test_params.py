"""``driftlab.params``: validation (the parameter and its range in the message), conversion to the exact
structs at the program's precisions, presets matching the program fixtures they cite."""

from __future__ import annotations

import dataclasses

import pytest

import driftlab.exact as ex
from driftlab import params as p


def test_perp_to_exact_precisions_and_a_balanced_amm() -> None:
    market = p.PerpMarketParams(oracle_price=25.0, amm_base_reserve=1_000.0, margin_ratio_initial=0.1,
                                margin_ratio_maintenance=0.05, imf_factor=0.0005, liquidator_fee=0.01,
                                if_liquidation_fee=0.005, base_spread=0.001, max_spread=0.02,
                                contract_tier="B").to_exact(3, now=7200, slot=10)
    amm = market.amm
    assert (market.market_index, market.status, market.contract_tier) == (3, ex.MarketStatus.Active, ex.ContractTier.B)
    assert (market.margin_ratio_initial, market.margin_ratio_maintenance, market.imf_factor) == (1000, 500, 500)
    assert (market.liquidator_fee, market.if_liquidation_fee) == (10_000, 5_000)
    assert amm.base_asset_reserve == amm.quote_asset_reserve == amm.sqrt_k == 1_000 * ex.AMM_RESERVE_PRECISION
    assert amm.peg_multiplier == 25_000_000 and amm.reserve_price() == 25_000_000
    assert (amm.base_spread, amm.max_spread) == (1000, 20_000)
    assert amm.historical_oracle_data.last_oracle_price_twap_ts == 7200 == amm.last_funding_rate_ts
    assert market.insurance_claim.quote_max_insurance == ex.INSURANCE_B_MAX
    bid, ask = amm.bid_ask_price(amm.reserve_price())
    assert bid < 25_000_000 < ask


def test_btc_preset_matches_default_btc_test() -> None:
    """AMM::default_btc_test / PerpMarket::default_btc_test (state/perp_market.rs)."""
    market = p.BTC_PERP.to_exact()
    assert market.amm.peg_multiplier == 19_400_000_000 and market.amm.sqrt_k == 64 * ex.AMM_RESERVE_PRECISION
    assert (market.amm.base_spread, market.amm.max_spread) == (250, 975)
    assert (market.amm.curve_update_intensity, market.amm.funding_period) == (100, 3600)
    assert (market.margin_ratio_initial, market.margin_ratio_maintenance) == (1000, 500)


def test_spot_to_exact_and_presets() -> None:
    usdc = p.USDC_SPOT.to_exact(0)
    assert usdc.decimals == 6 and usdc.oracle_source == ex.OracleSource.QuoteAsset and usdc.oracle == ""
    assert usdc.cumulative_deposit_interest == ex.SPOT_CUMULATIVE_INTEREST_PRECISION
    assert (usdc.optimal_utilization, usdc.optimal_borrow_rate, usdc.max_borrow_rate) == (700_000, 100_000, 5_000_000)
    assert usdc.insurance_fund.unstaking_period == ex.THIRTEEN_DAY
    # the multi-kink vector the preset's curve comes from: 70% / 10% / 500%, utilization 90% -> 835000
    assert ex.calculate_borrow_rate(usdc, 900_000) == 835_000
    sol = p.SOL_SPOT.to_exact(1)
    assert (sol.initial_asset_weight, sol.maintenance_asset_weight) == (8000, 9000)
    assert (sol.initial_liability_weight, sol.maintenance_liability_weight, sol.imf_factor) == (12000, 11000, 3000)
    assert sol.decimals == 9 and sol.oracle_source == ex.OracleSource.Pyth


def test_exchange_params_defaults_are_the_programs() -> None:
    state = p.ExchangeParams().to_exact()
    assert state.oracle_guard_rails == ex.OracleGuardRails()
    assert state.perp_fee_structure == ex.FeeStructure.perps_default()
    assert state.liquidation_margin_buffer_ratio == ex.DEFAULT_LIQUIDATION_MARGIN_BUFFER_RATIO
    assert (state.initial_pct_to_liquidate, state.liquidation_duration) == (ex.LIQUIDATION_PCT_PRECISION, 150)
    assert state.min_perp_auction_duration == 10


def test_variants_with_replace_are_validated() -> None:
    variant = dataclasses.replace(p.SOL_PERP, imf_factor=0.002)
    assert variant.to_exact().imf_factor == 2000
    with pytest.raises(ValueError, match="imf_factor"):
        dataclasses.replace(p.SOL_PERP, imf_factor=-0.1)


@pytest.mark.parametrize("cls, kwargs, name", [
    (p.PerpMarketParams, {"oracle_price": 0.0}, "oracle_price"),
    (p.PerpMarketParams, {"margin_ratio_maintenance": 0.2}, "margin_ratio_maintenance"),
    (p.PerpMarketParams, {"liquidator_fee": 0.06}, "liquidator_fee"),
    (p.PerpMarketParams, {"max_spread": 0.2}, "max_spread"),
    (p.PerpMarketParams, {"contract_tier": "Z"}, "contract_tier"),
    (p.PerpMarketParams, {"curve_update_intensity": 300}, "curve_update_intensity"),
    (p.PerpMarketParams, {"imf_factor": float("nan")}, "imf_factor"),
    (p.SpotMarketParams, {"initial_asset_weight": 0.95, "maintenance_asset_weight": 0.9}, "initial_asset_weight"),
    (p.SpotMarketParams, {"maintenance_liability_weight": 0.9}, "maintenance_liability_weight"),
    (p.SpotMarketParams, {"if_user_factor": 0.5, "if_total_factor": 0.1}, "if_user_factor"),
    (p.SpotMarketParams, {"decimals": 30}, "decimals"),
    (p.GuardRailParams, {"too_volatile_ratio": 0}, "too_volatile_ratio"),
    (p.FeeTierParams, {"maker_rebate": 0.01, "taker_fee": 0.001}, "maker_rebate"),
    (p.FeeStructureParams, {"tiers": ()}, "tiers"),
    (p.AuctionParams, {"min_perp_auction_duration": 300}, "min_perp_auction_duration"),
    (p.LiquidationParams, {"margin_buffer_ratio": 2.0}, "margin_buffer_ratio"),
])
def test_bad_values_name_the_parameter_and_range(cls, kwargs, name) -> None:
    with pytest.raises(ValueError, match=name) as info:
        cls(**kwargs)
    assert "must be" in str(info.value)
