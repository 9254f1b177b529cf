"""Oracle guard rails: the validity classification of an oracle reading and what each action may use.

``oracle_validity`` checks, in order of severity: NonPositive, TooVolatile (price/TWAP ratio above
``too_volatile_ratio``), TooUncertain (confidence above ``confidence_interval_max_size`` times the contract
tier's multiplier), StaleForMargin, InsufficientDataPoints, StaleForAMM {immediate, low_risk}, else Valid.
``StaleForAMM`` with its two flags is returned as :class:`OracleValidityStaleForAMM` (``enums.py``), which compares
equal to ``OracleValidity.StaleForAMM`` and carries ``.immediate`` / ``.low_risk``.

Note the program computes every test before choosing, so a zero oracle price is ``MathError`` (division by zero
in the confidence test) and a negative one ``CastingFailure``: ``NonPositive`` is never returned for them.

program: math/oracle.rs
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .constants import BID_ASK_SPREAD_PRECISION
from .enums import (
    DriftAction,
    LogMode,
    MarketType,
    OracleSource,
    OracleValidity,
    OracleValidityStaleForAMM,
    PerpOperation,
)
from .safe_math import I8, I64, U64, cast, safe_div, safe_mul

if TYPE_CHECKING:
    from .state import OracleGuardRails, OraclePriceData, PerpMarket, ValidityGuardRails

OracleValidityLike = OracleValidity | OracleValidityStaleForAMM


def _default_price_data() -> OraclePriceData:
    from .state import OraclePriceData

    return OraclePriceData()


@dataclass
class OracleStatus:
    """program: math/oracle.rs::OracleStatus"""

    price_data: OraclePriceData = field(default_factory=_default_price_data)
    oracle_reserve_price_spread_pct: int = 0  # i64
    mark_too_divergent: bool = False
    oracle_validity: OracleValidityLike = OracleValidity.Valid


def _is_stale_for_amm(validity: OracleValidityLike, low_risk: bool | None = None) -> bool:
    """``matches!(validity, StaleForAMM { low_risk: <low_risk>, .. })`` (any flags when ``low_risk`` is None)."""
    if isinstance(validity, OracleValidityStaleForAMM):
        return low_risk is None or validity.low_risk == low_risk
    if validity is OracleValidity.StaleForAMM:
        # the bare member stands for unknown flags: it matches only a flag-agnostic pattern
        return low_risk is None
    return False


def is_oracle_valid_for_action(oracle_validity: OracleValidityLike, action: DriftAction | None) -> bool:
    """Whether an oracle of this validity may be used for ``action`` (None: only Valid).

    FillOrderAmmImmediate: Valid. FillOrderAmmLowRisk: Valid or StaleForAMM{low_risk: false}. UpdateFunding and
    SettlePnl: Valid, StaleForAMM, InsufficientDataPoints, StaleForMargin. OracleOrderPrice: Valid, StaleForAMM,
    InsufficientDataPoints. MarginCalc: not NonPositive/TooVolatile/TooUncertain/StaleForMargin. TriggerOrder,
    Liquidate, UseMMOraclePrice: not NonPositive/TooVolatile. FillOrderMatch, UpdateAmmCache, UpdateLpPoolAum,
    LpPoolSwap: not NonPositive/TooVolatile/TooUncertain. UpdateTwap, UpdateAMMCurve: not NonPositive.
    program: math/oracle.rs::is_oracle_valid_for_action
    """
    v = oracle_validity
    is_valid = v is OracleValidity.Valid
    if action is None:
        return is_valid
    bad = {OracleValidity.NonPositive, OracleValidity.TooVolatile}
    if action == DriftAction.FillOrderAmmImmediate:
        return is_valid
    if action == DriftAction.FillOrderAmmLowRisk:
        return is_valid or _is_stale_for_amm(v, low_risk=False)
    if action in (DriftAction.UpdateFunding, DriftAction.SettlePnl):
        return (is_valid or _is_stale_for_amm(v)
                or v in (OracleValidity.InsufficientDataPoints, OracleValidity.StaleForMargin))
    if action == DriftAction.OracleOrderPrice:
        return is_valid or _is_stale_for_amm(v) or v is OracleValidity.InsufficientDataPoints
    if action == DriftAction.MarginCalc:
        return not (v in bad or v in (OracleValidity.TooUncertain, OracleValidity.StaleForMargin))
    if action in (DriftAction.TriggerOrder, DriftAction.Liquidate, DriftAction.UseMMOraclePrice):
        return v not in bad
    if action in (DriftAction.FillOrderMatch, DriftAction.UpdateAmmCache, DriftAction.UpdateLpPoolAum,
                  DriftAction.LpPoolSwap):
        return not (v in bad or v is OracleValidity.TooUncertain)
    if action in (DriftAction.UpdateTwap, DriftAction.UpdateAMMCurve):
        return v is not OracleValidity.NonPositive
    raise ValueError(f"unknown DriftAction {action!r}")


def block_operation(market: PerpMarket, oracle_price_data: OraclePriceData, guard_rails: OracleGuardRails,
                    reserve_price: int, slot: int) -> bool:
    """Whether a funding update must be blocked.

    Blocked when the AMM has not been updated for more than ``funding_period`` slots, the oracle is not valid for
    UpdateFunding, the reserve price diverges too far from the 5-min oracle TWAP, or funding is paused.
    program: math/oracle.rs::block_operation
    """
    status = get_oracle_status(market, oracle_price_data, guard_rails, reserve_price)
    is_oracle_valid = is_oracle_valid_for_action(status.oracle_validity, DriftAction.UpdateFunding)
    slots_since_amm_update = max(slot - market.amm.last_update_slot, 0)
    funding_paused_on_market = market.is_operation_paused(PerpOperation.UpdateFunding)
    return (slots_since_amm_update > cast(market.amm.funding_period, U64)
            or not is_oracle_valid
            or status.mark_too_divergent
            or funding_paused_on_market)


def get_oracle_status(market: PerpMarket, oracle_price_data: OraclePriceData, guard_rails: OracleGuardRails,
                      reserve_price: int) -> OracleStatus:
    """Oracle validity for the market (both AMM staleness overrides = ``slots_before_stale_for_amm``) and the
    reserve price's divergence from the 5-minute oracle TWAP.

    ``slots_before_stale_for_amm`` must fit an i8 (``CastingFailure`` otherwise).
    program: math/oracle.rs::get_oracle_status
    """
    from . import amm as amm_math

    slot_delay_override = cast(guard_rails.validity.slots_before_stale_for_amm, I8)
    validity = oracle_validity(
        MarketType.Perp, market.market_index, market.amm.historical_oracle_data.last_oracle_price_twap,
        oracle_price_data, guard_rails.validity, market.get_max_confidence_interval_multiplier(),
        market.amm.oracle_source, LogMode.None_, slot_delay_override, slot_delay_override)
    spread_pct = amm_math.calculate_oracle_twap_5min_price_spread_pct(market.amm, reserve_price)
    too_divergent = amm_math.is_oracle_mark_too_divergent(spread_pct, guard_rails.price_divergence)
    return OracleStatus(price_data=oracle_price_data, oracle_reserve_price_spread_pct=spread_pct,
                        mark_too_divergent=too_divergent, oracle_validity=validity)


def oracle_validity(market_type: MarketType, market_index: int, last_oracle_twap: int,
                    oracle_price_data: OraclePriceData, valid_oracle_guard_rails: ValidityGuardRails,
                    max_confidence_interval_multiplier: int, oracle_source: OracleSource, log_mode: LogMode,
                    slots_before_stale_for_amm_immdiate_override: int,
                    oracle_low_risk_slot_delay_override: int) -> OracleValidityLike:
    """Classify an oracle reading (first match wins).

    1. NonPositive: price <= 0. 2. TooVolatile: ``max(p, twap) / max(min(p, twap), 1) > too_volatile_ratio``.
    3. TooUncertain: ``conf * 1e6 / price > confidence_interval_max_size * multiplier``.
    4. StaleForMargin: ``delay > slots_before_stale_for_margin`` (x3, saturating, for PythStableCoinPull and
    PythLazerStableCoin). 5. InsufficientDataPoints. 6. StaleForAMM{immediate, low_risk}: immediate =
    ``delay > max(immediate_override, 0)`` if the override is non-zero, else always true; low_risk =
    ``delay > max(low_risk_override, 0)`` if non-zero, else ``delay > slots_before_stale_for_amm``. 7. Valid.
    Every test is computed first: price 0 raises ``MathError`` and a negative price ``CastingFailure``.
    ``market_type``, ``market_index`` and ``log_mode`` only select the program's log lines.
    program: math/oracle.rs::oracle_validity
    """
    price = oracle_price_data.price
    conf = oracle_price_data.confidence
    delay = oracle_price_data.delay
    rails = valid_oracle_guard_rails

    is_nonpositive = price <= 0
    is_too_volatile = safe_div(max(price, last_oracle_twap), max(min(last_oracle_twap, price), 1)) \
        > rails.too_volatile_ratio
    conf_pct_of_price = safe_div(safe_mul(conf, BID_ASK_SPREAD_PRECISION, U64), cast(price, U64))
    is_conf_too_large = conf_pct_of_price > safe_mul(rails.confidence_interval_max_size,
                                                     max_confidence_interval_multiplier, U64)
    if slots_before_stale_for_amm_immdiate_override != 0:
        is_stale_immediate = delay > max(slots_before_stale_for_amm_immdiate_override, 0)
    else:
        is_stale_immediate = True
    if oracle_low_risk_slot_delay_override != 0:
        is_stale_low_risk = delay > max(oracle_low_risk_slot_delay_override, 0)
    else:
        is_stale_low_risk = delay > rails.slots_before_stale_for_amm
    if oracle_source in (OracleSource.PythStableCoinPull, OracleSource.PythLazerStableCoin):
        margin_slots = min(max(rails.slots_before_stale_for_margin * 3, I64.min), I64.max)  # saturating_mul
        is_stale_for_margin = delay > margin_slots
    else:
        is_stale_for_margin = delay > rails.slots_before_stale_for_margin

    if is_nonpositive:
        return OracleValidity.NonPositive
    if is_too_volatile:
        return OracleValidity.TooVolatile
    if is_conf_too_large:
        return OracleValidity.TooUncertain
    if is_stale_for_margin:
        return OracleValidity.StaleForMargin
    if not oracle_price_data.has_sufficient_number_of_data_points:
        return OracleValidity.InsufficientDataPoints
    if is_stale_immediate or is_stale_low_risk:
        return OracleValidityStaleForAMM(is_stale_immediate, is_stale_low_risk)
    return OracleValidity.Valid


def oracle_validity_from_u8(v: int) -> OracleValidityLike:
    """The program's ``TryFrom<u8> for OracleValidity`` (5: StaleForAMM{true, true}, 6: {true, false},
    7: Valid); other values panic in the program (``ValueError`` here).

    program: math/oracle.rs::OracleValidity::try_from
    """
    table: dict[int, OracleValidityLike] = {
        0: OracleValidity.NonPositive, 1: OracleValidity.TooVolatile, 2: OracleValidity.TooUncertain,
        3: OracleValidity.StaleForMargin, 4: OracleValidity.InsufficientDataPoints,
        5: OracleValidityStaleForAMM(True, True), 6: OracleValidityStaleForAMM(True, False), 7: OracleValidity.Valid,
    }
    if v not in table:
        raise ValueError("Invalid OracleValidity")
    return table[v]


def oracle_validity_to_u8(validity: OracleValidityLike) -> int:
    """The program's ``From<OracleValidity> for u8``: StaleForAMM{false, false} maps to 7 like Valid;
    StaleForAMM{false, true} is unreachable in the program (``ValueError`` here).

    program: math/oracle.rs::From<OracleValidity> for u8
    """
    if isinstance(validity, OracleValidityStaleForAMM):
        flags = (validity.immediate, validity.low_risk)
        if flags == (False, True):
            raise ValueError("unreachable: StaleForAMM { immediate: false, low_risk: true }")
        return {(True, True): 5, (True, False): 6, (False, False): 7}[flags]
    if validity is OracleValidity.StaleForAMM:
        raise ValueError("OracleValidity.StaleForAMM without flags has no u8 encoding")
    return {OracleValidity.NonPositive: 0, OracleValidity.TooVolatile: 1, OracleValidity.TooUncertain: 2,
            OracleValidity.StaleForMargin: 3, OracleValidity.InsufficientDataPoints: 4,
            OracleValidity.Valid: 7}[validity]


__all__ = [
    "OracleStatus",
    "block_operation",
    "get_oracle_status",
    "is_oracle_valid_for_action",
    "oracle_validity",
    "oracle_validity_from_u8",
    "oracle_validity_to_u8",
]
