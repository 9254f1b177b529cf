"""Markets, positions and users shaped like the fixtures of the program's margin tests.

``programs/drift/src/math/margin/tests.rs`` builds a USDC quote market, a SOL spot market (80/90/120/110% weights)
and a SOL-PERP market (10%/5% margin) around a $100 Pyth price; these builders return the same structs.
"""

from __future__ import annotations

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    LIQUIDATION_FEE_PRECISION,
    PEG_PRECISION,
    PRICE_PRECISION,
    SPOT_BALANCE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    SPOT_WEIGHT_PRECISION,
    HistoricalOracleData,
    MarginContext,
    MarginRequirementType,
    MarketStatus,
    OracleSource,
    PerpMarket,
    PerpPosition,
    SpotMarket,
    SpotPosition,
    User,
)

INITIAL = MarginRequirementType.Initial
FILL = MarginRequirementType.Fill
MAINTENANCE = MarginRequirementType.Maintenance
SOL_ORACLE = "J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix"
USDC_ORACLE = "Gnt27xtC473ZT2Mw5u8wZ68Z3gULkSTb5DuxJy7eJotD"
ORACLES = {SOL_ORACLE: 100 * PRICE_PRECISION}  # get_pyth_price(100, 6)


def quote_oracle() -> HistoricalOracleData:
    """``HistoricalOracleData::default_quote_oracle``."""
    return HistoricalOracleData(last_oracle_price=PRICE_PRECISION, last_oracle_price_twap=PRICE_PRECISION,
                                last_oracle_price_twap_5min=PRICE_PRECISION)


def usdc_market(**kw: object) -> SpotMarket:
    fields: dict[str, object] = dict(
        market_index=0, oracle_source=OracleSource.QuoteAsset,
        cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION, decimals=6,
        initial_asset_weight=SPOT_WEIGHT_PRECISION, maintenance_asset_weight=SPOT_WEIGHT_PRECISION,
        deposit_balance=10000 * SPOT_BALANCE_PRECISION, historical_oracle_data=quote_oracle())
    fields.update(kw)
    return SpotMarket(**fields)  # type: ignore[arg-type]


def sol_market(**kw: object) -> SpotMarket:
    fields: dict[str, object] = dict(
        market_index=1, oracle_source=OracleSource.Pyth, oracle=SOL_ORACLE,
        cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION,
        cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION, decimals=9,
        initial_asset_weight=8 * SPOT_WEIGHT_PRECISION // 10, maintenance_asset_weight=9 * SPOT_WEIGHT_PRECISION // 10,
        initial_liability_weight=12 * SPOT_WEIGHT_PRECISION // 10,
        maintenance_liability_weight=11 * SPOT_WEIGHT_PRECISION // 10, liquidator_fee=LIQUIDATION_FEE_PRECISION // 1000)
    fields.update(kw)
    return SpotMarket(**fields)  # type: ignore[arg-type]


def sol_perp(**kw: object) -> PerpMarket:
    amm = AMM(base_asset_reserve=100 * AMM_RESERVE_PRECISION, quote_asset_reserve=100 * AMM_RESERVE_PRECISION,
              bid_base_asset_reserve=101 * AMM_RESERVE_PRECISION, bid_quote_asset_reserve=99 * AMM_RESERVE_PRECISION,
              ask_base_asset_reserve=99 * AMM_RESERVE_PRECISION, ask_quote_asset_reserve=101 * AMM_RESERVE_PRECISION,
              sqrt_k=100 * AMM_RESERVE_PRECISION, peg_multiplier=100 * PEG_PRECISION, order_step_size=10000000,
              oracle=SOL_ORACLE)
    fields: dict[str, object] = dict(amm=amm, margin_ratio_initial=1000, margin_ratio_maintenance=500,
                                     status=MarketStatus.Initialized)
    fields.update(kw)
    return PerpMarket(**fields)  # type: ignore[arg-type]


def spot_positions(*positions: SpotPosition) -> list[SpotPosition]:
    """Quote position in slot 0, the others from slot 1 (as the program's tests lay them out)."""
    slots = [SpotPosition() for _ in range(8)]
    others = 1
    for position in positions:
        if position.market_index == 0:
            slots[0] = position
        else:
            slots[others] = position
            others += 1
    return slots


def perp_positions(position: PerpPosition | None = None) -> list[PerpPosition]:
    """``test_utils::get_positions``: the position in slot 0."""
    slots = [PerpPosition() for _ in range(8)]
    if position is not None:
        slots[0] = position
    return slots


def calc(user: User, perp_map: dict[int, PerpMarket], spot_map: dict[int, SpotMarket], context: MarginContext,
         oracles: dict[object, object] | None = None) -> ex.MarginCalculation:
    return ex.calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_map, spot_map, ORACLES if oracles is None else oracles, context)


SBP = SPOT_BALANCE_PRECISION
