"""Margin: size-adjusted weights and ratios, a perp position's requirement and P&L, and the account-wide check.

Weights and margin ratios are in SPOT_WEIGHT_PRECISION = MARGIN_PRECISION (1e4), sizes in AMM_RESERVE_PRECISION
(1e9), imf factors in SPOT_IMF_PRECISION (1e6), values in QUOTE_PRECISION (1e6).

Market and oracle maps. Where the program takes a ``PerpMarketMap``, ``SpotMarketMap`` and ``OracleMap``, these
functions take plain mappings:

- ``perp_market_map``: ``{market_index: PerpMarket}``; ``spot_market_map``: ``{market_index: SpotMarket}``. A
  missing index is ``PerpMarketNotFound`` / ``SpotMarketNotFound`` as in the program.
- ``oracle_map``: a mapping whose keys are either ``(MarketType, market_index)`` (``(MarketType.Perp, 0)`` is
  the oracle of perp market 0) or an oracle pubkey string (the market's ``amm.oracle`` / ``oracle``); the
  ``(MarketType, index)`` key is looked up first. A value is an ``OraclePriceData``, a bare price (an int in
  PRICE_PRECISION: confidence 0, delay 0, enough data points) or a pair ``(price data or price,
  OracleValidity)``. As in the program's ``OracleMap``, a market whose oracle is the default pubkey (``""``) and
  that is not in the mapping is priced at the quote asset's 1.0 and Valid; any other missing oracle is
  ``OracleNotFound``. When no validity is given it is the program's ``oracle_validity`` with the default
  ``OracleGuardRails`` against the market's ``last_oracle_price_twap``, computed once per oracle for a call as
  the program's map caches it. An object with the program's ``get_price_data_and_validity`` /
  ``get_price_data`` methods may be passed instead of a mapping.

program: math/margin.rs
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import funding as funding_math
from . import oracle as oracle_math
from .constants import (
    MARGIN_PRECISION,
    MARGIN_PRECISION_U128,
    MAX_OPEN_ORDERS,
    MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN,
    PERCENTAGE_PRECISION,
    PRICE_PRECISION,
    PRICE_PRECISION_I64,
    PRICE_PRECISION_I128,
    SPOT_IMF_PRECISION_U128,
    SPOT_WEIGHT_PRECISION,
    SPOT_WEIGHT_PRECISION_U128,
)
from .enums import (
    AssetTier,
    ContractTier,
    DriftAction,
    LogMode,
    MarginMode,
    MarginRequirementType,
    MarketStatus,
    MarketType,
    OracleValidity,
    SpotBalanceType,
)
from .errors import (
    DefaultError,
    InsufficientCollateral,
    InvalidMarginRatio,
    InvalidOracle,
    InvalidPoolId,
    InvalidSpotPositionDetected,
    IsolatedAssetTierViolation,
    MarginTradingDisabled,
    OracleNotFound,
    PerpMarketNotFound,
    SpotMarketNotFound,
)
from .helpers import get_proportion_u128
from .margin_calculation import MarginCalculation, MarginContext, MarketIdentifier
from .oracle import OracleValidityLike
from .position import calculate_base_asset_value_and_pnl_with_oracle_price
from .safe_math import I128, U32, U64, U128, cast, checked, nth_root, safe_add, safe_div, safe_mul, safe_sub
from .spot_balance import get_strict_token_value, get_token_amount, get_token_value

if TYPE_CHECKING:
    from .state import (
        OraclePriceData,
        PerpMarket,
        PerpPosition,
        SpotMarket,
        SpotPosition,
        StrictOraclePrice,
        User,
    )


# --- size-adjusted weights -------------------------------------------------------------------------------------


def calculate_size_premium_liability_weight(
    size: int, imf_factor: int, liability_weight: int, precision: int, is_bounded: bool
) -> int:
    """Liability weight (or margin ratio) raised with size by the IMF factor.

    ``w = lw - lw/5 + isqrt(10*size + 1) * imf / (1e5 * 1e6 / precision)``; bounded: ``max(lw, w)``;
    ``imf_factor == 0`` returns ``lw``. A weight over u32 is ``CastingFailure``.
    program: math/margin.rs::calculate_size_premium_liability_weight
    """
    if imf_factor == 0:
        return liability_weight
    size_sqrt = nth_root(checked(size * 10 + 1, U128), 2)
    liability_weight_numerator = safe_sub(liability_weight, safe_div(liability_weight, 5), U128)
    denominator = safe_div(100_000 * SPOT_IMF_PRECISION_U128, precision)
    premium = safe_div(safe_mul(size_sqrt, imf_factor, U128), denominator)
    size_premium_liability_weight = cast(safe_add(liability_weight_numerator, premium, U128), U32)
    if is_bounded:
        return max(liability_weight, size_premium_liability_weight)
    return size_premium_liability_weight


def calc_high_leverage_mode_initial_margin_ratio_from_size(
    pre_size_adj_margin_ratio: int, size_adj_margin_ratio: int, default_margin_ratio: int
) -> int:
    """High-leverage initial ratio: the HLM default moved toward the normal ratio as size grows.

    With ``pre`` the normal ratio and ``sa`` its unbounded size premium: when ``sa < pre``,
    ``default + proportion(max(pre - default, 1), 1e6 - (pre - sa)*1e6/(pre/5), 1e6)`` (the discount factor
    saturating at 0); when ``sa == pre``, ``default``; otherwise ``sa``.
    program: math/margin.rs::calc_high_leverage_mode_initial_margin_ratio_from_size
    """
    if size_adj_margin_ratio < pre_size_adj_margin_ratio:
        discount = safe_div(safe_mul(safe_sub(pre_size_adj_margin_ratio, size_adj_margin_ratio, U128),
                                     PERCENTAGE_PRECISION, U128),
                            safe_div(pre_size_adj_margin_ratio, 5))
        size_pct_discount_factor = max(PERCENTAGE_PRECISION - discount, 0)
        hlm_margin_delta = max(max(pre_size_adj_margin_ratio - default_margin_ratio, 0), 1)
        proportion = cast(get_proportion_u128(hlm_margin_delta, size_pct_discount_factor, PERCENTAGE_PRECISION), U32)
        return safe_add(proportion, default_margin_ratio, U32)
    if size_adj_margin_ratio == pre_size_adj_margin_ratio:
        return default_margin_ratio
    return size_adj_margin_ratio


def calculate_size_discount_asset_weight(size: int, imf_factor: int, asset_weight: int) -> int:
    """Asset weight lowered with size by the IMF factor.

    ``min(aw, 1.1e6 * 1e4 / (1e6 + isqrt(10*size + 1) * imf / 1e5))``; ``imf_factor == 0`` returns ``aw``.
    program: math/margin.rs::calculate_size_discount_asset_weight
    """
    if imf_factor == 0:
        return asset_weight
    size_sqrt = nth_root(checked(size * 10 + 1, U128), 2)
    imf_numerator = SPOT_IMF_PRECISION_U128 + SPOT_IMF_PRECISION_U128 // 10
    denominator = safe_add(SPOT_IMF_PRECISION_U128, safe_div(safe_mul(size_sqrt, imf_factor, U128), 100_000), U128)
    size_discount_asset_weight = cast(safe_div(safe_mul(imf_numerator, SPOT_WEIGHT_PRECISION_U128, U128),
                                               denominator), U32)
    return min(asset_weight, size_discount_asset_weight)


# --- perp position ---------------------------------------------------------------------------------------------


def calculate_perp_position_value_and_pnl(
    market_position: PerpPosition,
    market: PerpMarket,
    oracle_price_data: OraclePriceData,
    strict_quote_price: StrictOraclePrice,
    margin_requirement_type: MarginRequirementType,
    user_custom_margin_ratio: int,
    user_high_leverage_mode: bool,
) -> tuple[int, int, int, int]:
    """``(margin_requirement, weighted_unrealized_pnl, worst_case_liability_value, base_asset_value)``.

    liability = worst case of all bids / all asks filling, valued at the oracle (``1 - p`` for prediction
    shorts) times the higher quote price; requirement = ``liability * max(custom, margin_ratio(size)) / 1e4 +
    $0.01 * open_orders`` (0 in settlement). P&L = ``base * price / 1e9 + quote + unsettled funding`` (expiry
    price in settlement), times ``get_unrealized_asset_weight`` and the quote price (lower for gains, higher for
    losses), capped at +$100 for Initial.
    program: math/margin.rs::calculate_perp_position_value_and_pnl
    """
    settlement = market.status == MarketStatus.Settlement
    valuation_price = market.expiry_price if settlement else oracle_price_data.price
    cumulative_rate = (market.amm.cumulative_funding_rate_long if market_position.base_asset_amount > 0
                       else market.amm.cumulative_funding_rate_short)
    unrealized_funding = funding_math.calculate_funding_payment(cumulative_rate, market_position)
    base_asset_value, unrealized_pnl = calculate_base_asset_value_and_pnl_with_oracle_price(
        market_position, valuation_price)
    total_unrealized_pnl = safe_add(unrealized_pnl, unrealized_funding, I128)

    worst_case_base_asset_amount, worst_case_liability_value = market_position.worst_case_liability_value(
        oracle_price_data.price, market.contract_type)
    worst_case_liability_value = safe_div(
        safe_mul(worst_case_liability_value, cast(strict_quote_price.max(), U128), U128), PRICE_PRECISION)

    if settlement:
        margin_requirement = 0
    else:
        margin_ratio = max(user_custom_margin_ratio, market.get_margin_ratio(
            abs(worst_case_base_asset_amount), margin_requirement_type, user_high_leverage_mode))
        margin_requirement = safe_div(safe_mul(worst_case_liability_value, margin_ratio, U128),
                                      MARGIN_PRECISION_U128)
    margin_requirement = safe_add(margin_requirement, market_position.margin_requirement_for_open_orders(), U128)

    weighted = weighted_unrealized_pnl(market, total_unrealized_pnl, strict_quote_price, margin_requirement_type)
    return margin_requirement, weighted, worst_case_liability_value, base_asset_value


def weighted_unrealized_pnl(market: PerpMarket, total_unrealized_pnl: int, strict_quote_price: StrictOraclePrice,
                            margin_requirement_type: MarginRequirementType) -> int:
    """``pnl * get_unrealized_asset_weight / 1e4 * quote_price / 1e6`` (the lower quote price for a gain, the higher
    for a loss), capped at +$100 for Initial: the tail of ``calculate_perp_position_value_and_pnl``, the same at
    v2.136.0 (driftlab.exact.lp) and v2.161.0.
    program: math/margin.rs::calculate_perp_position_value_and_pnl
    """
    unrealized_asset_weight = market.get_unrealized_asset_weight(total_unrealized_pnl, margin_requirement_type)
    if total_unrealized_pnl > 0:
        quote_price = strict_quote_price.min()
    elif total_unrealized_pnl < 0:
        quote_price = strict_quote_price.max()
    else:
        quote_price = strict_quote_price.current
    weighted = total_unrealized_pnl
    if unrealized_asset_weight != SPOT_WEIGHT_PRECISION:
        weighted = safe_div(safe_mul(weighted, unrealized_asset_weight, I128), SPOT_WEIGHT_PRECISION)
    if quote_price != PRICE_PRECISION_I64:
        weighted = safe_div(safe_mul(weighted, quote_price, I128), PRICE_PRECISION_I128)
    if margin_requirement_type == MarginRequirementType.Initial:
        weighted = min(weighted, MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN)
    return weighted


# --- maps ------------------------------------------------------------------------------------------------------


def _get_perp_market(perp_market_map: Mapping[int, PerpMarket], market_index: int) -> PerpMarket:
    try:
        return perp_market_map[market_index]
    except KeyError:
        raise PerpMarketNotFound(f"perp market {market_index}") from None


def _get_spot_market(spot_market_map: Mapping[int, SpotMarket], market_index: int) -> SpotMarket:
    try:
        return spot_market_map[market_index]
    except KeyError:
        raise SpotMarketNotFound(f"spot market {market_index}") from None


def _quote_asset_price_data() -> OraclePriceData:
    from .state import OraclePriceData

    return OraclePriceData(price=PRICE_PRECISION_I64, confidence=1, delay=0,
                           has_sufficient_number_of_data_points=True)


class _OracleLookup:
    """The program's ``OracleMap`` over a plain mapping (see the module docstring), with its validity cache."""

    def __init__(self, oracle_map: Any) -> None:
        self.oracle_map = oracle_map
        self.delegate = not isinstance(oracle_map, Mapping) and hasattr(oracle_map, "get_price_data_and_validity")
        self.validity: dict[Any, OracleValidityLike] = {}

    def _lookup(self, market_type: MarketType, market_index: int, oracle_id: tuple[str, Any]) -> tuple[Any, Any]:
        """``(cache key, (price data, validity or None))``."""
        from .state import OraclePriceData

        pubkey = oracle_id[0]
        if (market_type, market_index) in self.oracle_map:
            key: Any = (market_type, market_index)
            value = self.oracle_map[key]
        elif pubkey != "" and pubkey in self.oracle_map:
            key = oracle_id
            value = self.oracle_map[pubkey]
        elif pubkey == "":
            return None, (_quote_asset_price_data(), OracleValidity.Valid)
        else:
            raise OracleNotFound(f"oracle {pubkey!r} ({market_type}, {market_index}) not in oracle_map")
        validity = None
        if isinstance(value, tuple):
            value, validity = value
        if isinstance(value, int):
            value = OraclePriceData(price=value, confidence=0, delay=0, has_sufficient_number_of_data_points=True)
        return key, (value, validity)

    def get_price_data(self, market_type: MarketType, market_index: int, oracle_id: tuple[str, Any]) -> OraclePriceData:
        if self.delegate:
            return self.oracle_map.get_price_data(oracle_id)
        _, (price_data, _) = self._lookup(market_type, market_index, oracle_id)
        return price_data

    def get_price_data_and_validity(
        self,
        market_type: MarketType,
        market_index: int,
        oracle_id: tuple[str, Any],
        last_oracle_price_twap: int,
        max_confidence_interval_multiplier: int,
        slots_before_stale_for_amm_override: int,
        oracle_low_risk_slot_delay_override: int,
    ) -> tuple[OraclePriceData, OracleValidityLike]:
        if self.delegate:
            return self.oracle_map.get_price_data_and_validity(
                market_type, market_index, oracle_id, last_oracle_price_twap, max_confidence_interval_multiplier,
                slots_before_stale_for_amm_override, oracle_low_risk_slot_delay_override)
        key, (price_data, validity) = self._lookup(market_type, market_index, oracle_id)
        if validity is not None:
            return price_data, validity
        if key in self.validity:
            return price_data, self.validity[key]
        from .state import OracleGuardRails

        validity = oracle_math.oracle_validity(
            market_type, market_index, last_oracle_price_twap, price_data, OracleGuardRails().validity,
            max_confidence_interval_multiplier, oracle_id[1], LogMode.Margin,
            slots_before_stale_for_amm_override, oracle_low_risk_slot_delay_override)
        self.validity[key] = validity
        return price_data, validity


def _oracle_lookup(oracle_map: Any) -> _OracleLookup:
    return oracle_map if isinstance(oracle_map, _OracleLookup) else _OracleLookup(oracle_map)


def _is_valid_for_margin(oracle_validity: OracleValidityLike) -> bool:
    return oracle_math.is_oracle_valid_for_action(oracle_validity, DriftAction.MarginCalc)


def _validate_spot_position(position: SpotPosition) -> None:
    """program: validation/position.rs::validate_spot_position"""
    if not position.open_orders <= MAX_OPEN_ORDERS:
        raise InvalidSpotPositionDetected(f"spot {position.market_index} open_orders={position.open_orders}")
    if not position.open_bids >= 0:
        raise InvalidSpotPositionDetected(f"spot {position.market_index} open_bids={position.open_bids} < 0")
    if not position.open_asks <= 0:
        raise InvalidSpotPositionDetected(f"spot {position.market_index} open_asks={position.open_asks} > 0")


def _strict_oracle_price(price: int, twap_5min: int, enabled: bool) -> StrictOraclePrice:
    from .state import StrictOraclePrice

    return StrictOraclePrice.new(price, twap_5min, enabled)


# --- account ---------------------------------------------------------------------------------------------------


def calculate_user_safest_position_tiers(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket]
) -> tuple[AssetTier, ContractTier]:
    """The safest asset tier among the user's spot borrows and the safest contract tier among its perp positions.

    Defaults (nothing held): ``(AssetTier.Unlisted, ContractTier.HighlySpeculative)``.
    program: math/margin.rs::calculate_user_safest_position_tiers
    """
    safest_spot = AssetTier.Unlisted
    safest_perp = ContractTier.HighlySpeculative
    for spot_position in user.spot_positions:
        if spot_position.is_available() or spot_position.balance_type == SpotBalanceType.Deposit:
            continue
        safest_spot = min(safest_spot, _get_spot_market(spot_market_map, spot_position.market_index).asset_tier)
    for market_position in user.perp_positions:
        if market_position.is_available():
            continue
        safest_perp = min(safest_perp, _get_perp_market(perp_market_map, market_position.market_index).contract_tier)
    return safest_spot, safest_perp


def calculate_margin_requirement_and_total_collateral_and_liability_info(
    user: User,
    perp_market_map: Mapping[int, PerpMarket],
    spot_market_map: Mapping[int, SpotMarket],
    oracle_map: Any,
    context: MarginContext,
) -> MarginCalculation:
    """The cross-margin (and isolated-position) calculation over every spot and perp position of ``user``.

    Spot: quote deposits count in full and borrows at 100%; other markets' worst case of open orders filling is
    weighted by the size-adjusted asset / liability weight (tightened by the user's custom ratio). Perp:
    requirement from ``calculate_perp_position_value_and_pnl``, weighted P&L added to collateral. ``strict``
    prices value assets at ``min(oracle, twap_5min)`` and liabilities at the max. Maps: see the module docstring.
    program: math/margin.rs::calculate_margin_requirement_and_total_collateral_and_liability_info
    """
    oracles = _oracle_lookup(oracle_map)
    calculation = MarginCalculation.new(context)

    user_custom_margin_ratio = user.max_margin_ratio if context.margin_type == MarginRequirementType.Initial else 0
    if context.margin_ratio_override is not None:
        user_custom_margin_ratio = max(context.margin_ratio_override, user_custom_margin_ratio)
    user_pool_id = user.pool_id
    user_high_leverage_mode = user.is_high_leverage_mode(context.margin_type)

    for spot_position in user.spot_positions:
        _validate_spot_position(spot_position)
        if spot_position.is_available():
            continue
        spot_market = _get_spot_market(spot_market_map, spot_position.market_index)
        oracle_price_data, oracle_validity = oracles.get_price_data_and_validity(
            MarketType.Spot, spot_market.market_index, spot_market.oracle_id(),
            spot_market.historical_oracle_data.last_oracle_price_twap,
            spot_market.get_max_confidence_interval_multiplier(), 0, 0)

        skip_token_value = False
        if not (user_pool_id == 1 and spot_market.market_index == 0 and not spot_position.is_borrow()):
            if user_pool_id != spot_market.pool_id:
                raise InvalidPoolId(f"user pool id ({user_pool_id}) != spot market pool id ({spot_market.pool_id})")
        else:
            skip_token_value = True

        oracle_valid = _is_valid_for_margin(oracle_validity)
        strict_oracle_price = _strict_oracle_price(
            oracle_price_data.price, spot_market.historical_oracle_data.last_oracle_price_twap_5min,
            calculation.context.strict)
        strict_oracle_price.validate()

        if spot_market.market_index == 0:
            token_amount = spot_position.get_signed_token_amount(spot_market)
            if token_amount == 0 and spot_position.scaled_balance != 0:
                raise InvalidMarginRatio(f"scaled_balance={spot_position.scaled_balance} when token_amount=0")
            calculation.update_fuel_spot_bonus(spot_market, token_amount, strict_oracle_price)
            token_value = get_strict_token_value(token_amount, spot_market.decimals, strict_oracle_price)
            if spot_position.balance_type == SpotBalanceType.Deposit:
                if calculation.context.ignore_invalid_deposit_oracles and not oracle_valid:
                    token_value = 0
                if skip_token_value:
                    token_value = 0
                calculation.add_cross_margin_total_collateral(token_value)
                calculation.update_all_deposit_oracles_valid(oracle_valid)
            else:
                token_value = abs(token_value)
                if token_value == 0:
                    raise InvalidMarginRatio(f"token_value=0 for token_amount={token_amount} in spot market 0")
                calculation.add_cross_margin_margin_requirement(token_value, token_value, MarketIdentifier.spot(0))
                calculation.add_spot_liability()
                calculation.update_all_liability_oracles_valid(oracle_valid)
            continue

        signed_token_amount = spot_position.get_signed_token_amount(spot_market)
        calculation.update_fuel_spot_bonus(spot_market, signed_token_amount, strict_oracle_price)
        simulation = spot_position.get_worst_case_fill_simulation(
            spot_market, strict_oracle_price, signed_token_amount, context.margin_type,
        ).apply_user_custom_margin_ratio(spot_market, strict_oracle_price.current, user_custom_margin_ratio)
        worst_case_token_amount = simulation.token_amount
        worst_case_orders_value = simulation.orders_value
        worst_case_token_value = simulation.token_value
        worst_case_weighted_token_value = simulation.weighted_token_value

        if worst_case_token_amount == 0 and spot_position.scaled_balance != 0:
            raise InvalidMarginRatio(f"scaled_balance={spot_position.scaled_balance} when worst_case_token_amount=0 "
                                     f"market_index={spot_market.market_index}")
        calculation.add_cross_margin_margin_requirement(
            spot_position.margin_requirement_for_open_orders(), 0, MarketIdentifier.spot(spot_market.market_index))

        if worst_case_token_value > 0:
            if calculation.context.ignore_invalid_deposit_oracles and not oracle_valid:
                worst_case_weighted_token_value = 0
            calculation.add_cross_margin_total_collateral(worst_case_weighted_token_value)
            calculation.update_all_deposit_oracles_valid(oracle_valid)
        elif worst_case_token_value < 0:
            if not abs(worst_case_weighted_token_value) >= abs(worst_case_token_value):
                raise InvalidMarginRatio(f"weighted_token_value < abs(worst_case_token_value) in spot market "
                                         f"{spot_market.market_index}")
            if worst_case_weighted_token_value == 0:
                raise InvalidOracle(f"weighted_token_value=0 for worst_case_token_amount={worst_case_token_amount} "
                                    f"in spot market {spot_market.market_index}")
            calculation.add_cross_margin_margin_requirement(
                abs(worst_case_weighted_token_value), abs(worst_case_token_value),
                MarketIdentifier.spot(spot_market.market_index))
            calculation.add_spot_liability()
            calculation.update_with_spot_isolated_liability(spot_market.asset_tier == AssetTier.Isolated)
            calculation.update_all_liability_oracles_valid(oracle_valid)
        elif spot_position.has_open_order():
            calculation.add_spot_liability()
            calculation.update_all_liability_oracles_valid(oracle_valid)
            calculation.update_with_spot_isolated_liability(spot_market.asset_tier == AssetTier.Isolated)

        if worst_case_orders_value > 0:
            if calculation.context.ignore_invalid_deposit_oracles and not oracle_valid:
                worst_case_orders_value = 0
            calculation.add_cross_margin_total_collateral(worst_case_orders_value)
        elif worst_case_orders_value < 0:
            calculation.add_cross_margin_margin_requirement(
                abs(worst_case_orders_value), abs(worst_case_orders_value), MarketIdentifier.spot(0))

    for market_position in user.perp_positions:
        if market_position.is_available():
            continue
        market = _get_perp_market(perp_market_map, market_position.market_index)
        if user_pool_id != market.pool_id:
            raise InvalidPoolId(f"user pool id ({user_pool_id}) != perp market pool id ({market.pool_id})")

        quote_spot_market = _get_spot_market(spot_market_map, market.quote_spot_market_index)
        quote_oracle_price_data, quote_oracle_validity = oracles.get_price_data_and_validity(
            MarketType.Spot, quote_spot_market.market_index, quote_spot_market.oracle_id(),
            quote_spot_market.historical_oracle_data.last_oracle_price_twap,
            quote_spot_market.get_max_confidence_interval_multiplier(), 0, 0)
        strict_quote_price = _strict_oracle_price(
            quote_oracle_price_data.price, quote_spot_market.historical_oracle_data.last_oracle_price_twap_5min,
            calculation.context.strict)

        oracle_price_data, oracle_validity = oracles.get_price_data_and_validity(
            MarketType.Perp, market.market_index, market.oracle_id(),
            market.amm.historical_oracle_data.last_oracle_price_twap,
            market.get_max_confidence_interval_multiplier(), market.amm.oracle_slot_delay_override,
            market.amm.oracle_low_risk_slot_delay_override)

        perp_position_custom_margin_ratio = (market_position.max_margin_ratio
                                             if context.margin_type == MarginRequirementType.Initial else 0)
        perp_margin_requirement, weighted_pnl, worst_case_liability_value, base_asset_value = (
            calculate_perp_position_value_and_pnl(
                market_position, market, oracle_price_data, strict_quote_price, context.margin_type,
                max(user_custom_margin_ratio, perp_position_custom_margin_ratio), user_high_leverage_mode))

        calculation.update_fuel_perp_bonus(market, market_position, base_asset_value, oracle_price_data.price)

        if market_position.is_isolated():
            quote_token_amount = get_token_amount(market_position.isolated_position_scaled_balance,
                                                  quote_spot_market, SpotBalanceType.Deposit)
            quote_token_value = get_strict_token_value(cast(quote_token_amount, I128), quote_spot_market.decimals,
                                                       strict_quote_price)
            calculation.add_isolated_margin_calculation(market.market_index, quote_token_value, weighted_pnl,
                                                        worst_case_liability_value, perp_margin_requirement)
        else:
            calculation.add_cross_margin_margin_requirement(perp_margin_requirement, worst_case_liability_value,
                                                            MarketIdentifier.perp(market.market_index))
            calculation.add_cross_margin_total_collateral(weighted_pnl)

        has_perp_liability = (market_position.base_asset_amount != 0 or market_position.quote_asset_amount < 0
                              or market_position.has_open_order())
        if has_perp_liability:
            calculation.add_perp_liability()
            calculation.update_with_perp_isolated_liability(market.contract_tier == ContractTier.Isolated)
        if has_perp_liability or calculation.context.margin_type != MarginRequirementType.Initial:
            calculation.update_all_liability_oracles_valid(_is_valid_for_margin(quote_oracle_validity))
            calculation.update_all_liability_oracles_valid(_is_valid_for_margin(oracle_validity))

    calculation.validate_num_spot_liabilities()

    for market_index, delta in calculation.context.fuel_spot_deltas:
        if delta == 0:
            continue
        if any(p.market_index == market_index and not p.is_available() for p in user.spot_positions):
            continue
        spot_market = _get_spot_market(spot_market_map, market_index)
        oracle_price_data = oracles.get_price_data(MarketType.Spot, market_index, spot_market.oracle_id())
        strict_oracle_price = _strict_oracle_price(
            oracle_price_data.price, spot_market.historical_oracle_data.last_oracle_price_twap_5min,
            calculation.context.strict)
        strict_oracle_price.validate()
        calculation.update_fuel_spot_bonus(spot_market, 0, strict_oracle_price)

    return calculation


def validate_any_isolated_tier_requirements(user: User, calculation: MarginCalculation) -> None:
    """Isolated-tier liabilities must be held alone (``IsolatedAssetTierViolation``), unless reduce-only.

    An isolated perp allows one perp liability, no margin trading and at most a quote borrow; an isolated spot
    borrow must be the only liability.
    program: math/margin.rs::validate_any_isolated_tier_requirements
    """
    if calculation.with_perp_isolated_liability and not user.is_reduce_only():
        if not calculation.num_perp_liabilities <= 1:
            raise IsolatedAssetTierViolation("more than one perp liability with an isolated tier liability")
        if user.is_margin_trading_enabled:
            raise IsolatedAssetTierViolation("isolated tier liability with margin trading enabled")
        if calculation.num_spot_liabilities > 0:
            quote_spot_position = user.get_quote_spot_position()
            if not (calculation.num_spot_liabilities == 1 and quote_spot_position.is_borrow()):
                raise IsolatedAssetTierViolation("spot liabilities beyond usdc with an isolated tier liability")
    if calculation.with_spot_isolated_liability and not user.is_reduce_only():
        if not (calculation.num_perp_liabilities == 0 and calculation.num_spot_liabilities == 1):
            raise IsolatedAssetTierViolation("other liabilities with an isolated tier spot liability")


def meets_place_order_margin_requirement(
    user: User,
    perp_market_map: Mapping[int, PerpMarket],
    spot_market_map: Mapping[int, SpotMarket],
    oracle_map: Any,
    risk_increasing: bool,
) -> None:
    """Placing an order: Initial (risk increasing) or Maintenance with strict prices, else ``InsufficientCollateral``.

    program: math/margin.rs::meets_place_order_margin_requirement
    """
    margin_type = MarginRequirementType.Initial if risk_increasing else MarginRequirementType.Maintenance
    calculation = calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_market_map, spot_market_map, oracle_map, MarginContext.standard(margin_type).with_strict(True))
    if not calculation.meets_margin_requirement():
        raise InsufficientCollateral(f"total_collateral={calculation.total_collateral} "
                                     f"margin_requirement={calculation.margin_requirement}")
    validate_any_isolated_tier_requirements(user, calculation)


def meets_initial_margin_requirement(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket], oracle_map: Any
) -> bool:
    """Total collateral covers the Initial requirement (cross and every isolated position).

    program: math/margin.rs::meets_initial_margin_requirement
    """
    return calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_market_map, spot_market_map, oracle_map,
        MarginContext.standard(MarginRequirementType.Initial)).meets_margin_requirement()


def meets_settle_pnl_maintenance_margin_requirement(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket], oracle_map: Any
) -> bool:
    """Total collateral covers the Maintenance requirement at strict prices.

    program: math/margin.rs::meets_settle_pnl_maintenance_margin_requirement
    """
    return calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_market_map, spot_market_map, oracle_map,
        MarginContext.standard(MarginRequirementType.Maintenance).with_strict(True)).meets_margin_requirement()


def meets_maintenance_margin_requirement(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket], oracle_map: Any
) -> bool:
    """Total collateral covers the Maintenance requirement.

    program: math/margin.rs::meets_maintenance_margin_requirement
    """
    return calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_market_map, spot_market_map, oracle_map,
        MarginContext.standard(MarginRequirementType.Maintenance)).meets_margin_requirement()


def validate_user_can_enable_high_leverage_mode(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket], oracle_map: Any
) -> None:
    """Not already HLM (``DefaultError``) and meets maintenance (``InsufficientCollateral``).

    program: math/margin.rs::validate_user_can_enable_high_leverage_mode
    """
    if user.margin_mode == MarginMode.HighLeverage:
        raise DefaultError("user already in high leverage mode")
    if not meets_maintenance_margin_requirement(user, perp_market_map, spot_market_map, oracle_map):
        raise InsufficientCollateral("user does not meet maintenance margin requirement")


def calculate_max_withdrawable_amount(
    market_index: int,
    user: User,
    perp_market_map: Mapping[int, PerpMarket],
    spot_market_map: Mapping[int, SpotMarket],
    oracle_map: Any,
) -> int:
    """Tokens of ``market_index`` the user can withdraw and still meet Initial margin (token precision, u64).

    ``(free_collateral - 1) * 1e4 / asset_weight * 1e6 / price``, rescaled to the token's decimals; the whole
    deposit when there are no liabilities; u64::MAX when the asset weight is 0.
    program: math/margin.rs::calculate_max_withdrawable_amount
    """
    oracles = _oracle_lookup(oracle_map)
    calculation = calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_market_map, spot_market_map, oracles, MarginContext.standard(MarginRequirementType.Initial))
    spot_market = _get_spot_market(spot_market_map, market_index)
    token_amount = user.get_spot_position(market_index).get_token_amount(spot_market)
    oracle_price = oracles.get_price_data(MarketType.Spot, market_index, spot_market.oracle_id()).price
    asset_weight = spot_market.get_asset_weight(token_amount, oracle_price, MarginRequirementType.Initial)
    if asset_weight == 0:
        return U64.max
    if calculation.get_num_of_liabilities() == 0:
        return cast(token_amount, U64)
    free_collateral = calculation.get_cross_free_collateral()
    if spot_market.decimals > 6:
        numerator_scale, denominator_scale = 10 ** (spot_market.decimals - 6), 1
    else:
        numerator_scale, denominator_scale = 1, 10 ** (6 - spot_market.decimals)
    amount = safe_div(safe_mul(max(free_collateral - 1, 0), MARGIN_PRECISION_U128, U128), asset_weight)
    amount = safe_div(safe_mul(amount, PRICE_PRECISION, U128), cast(oracle_price, U128))
    amount = safe_div(safe_mul(amount, numerator_scale, U128), denominator_scale)
    return cast(amount, U64)


def validate_spot_margin_trading(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket], oracle_map: Any
) -> None:
    """Without margin trading, open spot orders may not create borrows (``MarginTradingDisabled``).

    With margin trading enabled, only isolated-tier perp positions are refused (``IsolatedAssetTierViolation``).
    Otherwise each open ask must be covered by the deposit and the value of all open bids by the quote deposit.
    program: math/margin.rs::validate_spot_margin_trading
    """
    oracles = _oracle_lookup(oracle_map)
    if user.is_margin_trading_enabled:
        for perp_position in user.perp_positions:
            if not perp_position.is_available():
                perp_market = _get_perp_market(perp_market_map, perp_position.market_index)
                if perp_market.contract_tier == ContractTier.Isolated:
                    raise IsolatedAssetTierViolation(
                        f"isolated perp market {perp_market.market_index} doesn't allow margin trading")
        return

    total_open_bids_value = 0
    for spot_position in user.spot_positions:
        asks = spot_position.open_asks
        if asks < 0:
            spot_market = _get_spot_market(spot_market_map, spot_position.market_index)
            signed_token_amount = spot_position.get_signed_token_amount(spot_market)
            if not safe_add(signed_token_amount, asks, I128) >= 0:
                raise MarginTradingDisabled(
                    f"open asks can lead to increased borrow in spot market {spot_position.market_index}")
        bids = spot_position.open_bids
        if bids > 0:
            spot_market = _get_spot_market(spot_market_map, spot_position.market_index)
            oracle_price_data = oracles.get_price_data(MarketType.Spot, spot_market.market_index,
                                                       spot_market.oracle_id())
            open_bids_value = get_token_value(-bids, spot_market.decimals, oracle_price_data.price)
            total_open_bids_value = safe_add(total_open_bids_value, open_bids_value, I128)

    quote_token_amount = 0
    quote_spot_position = user.get_quote_spot_position()
    if not quote_spot_position.is_available():
        quote_spot_market = _get_spot_market(spot_market_map, 0)
        quote_token_amount = quote_spot_position.get_signed_token_amount(quote_spot_market)
    if not (total_open_bids_value == 0 or safe_add(quote_token_amount, total_open_bids_value, I128) >= 0):
        raise MarginTradingDisabled("open bids lead to increased borrow for spot market 0")


def get_margin_calculation_for_disable_high_leverage_mode(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket], oracle_map: Any
) -> MarginCalculation:
    """Initial margin with a 1% buffer, ignoring the positions' own max margin ratios (restored afterwards).

    program: math/margin.rs::get_margin_calculation_for_disable_high_leverage_mode
    """
    custom_margin_ratio_before = user.max_margin_ratio
    saved = {}
    for index, position in enumerate(user.perp_positions):
        if position.max_margin_ratio == 0:
            continue
        saved[index] = position.max_margin_ratio
        position.max_margin_ratio = 0
    try:
        return calculate_margin_requirement_and_total_collateral_and_liability_info(
            user, perp_market_map, spot_market_map, oracle_map,
            MarginContext.standard(MarginRequirementType.Initial).with_margin_buffer(MARGIN_PRECISION // 100))
    finally:
        user.max_margin_ratio = custom_margin_ratio_before
        for index, ratio in saved.items():
            user.perp_positions[index].max_margin_ratio = ratio


def calculate_user_equity(
    user: User, perp_market_map: Mapping[int, PerpMarket], spot_market_map: Mapping[int, SpotMarket], oracle_map: Any
) -> tuple[int, bool]:
    """``(net_usd_value, all_oracles_valid)``: unweighted spot values plus perp P&L (with funding) at the oracle.

    Perp P&L is converted at the quote oracle price; isolated positions add their quote deposit.
    program: math/margin.rs::calculate_user_equity
    """
    oracles = _oracle_lookup(oracle_map)
    net_usd_value = 0
    all_oracles_valid = True
    for spot_position in user.spot_positions:
        if spot_position.is_available():
            continue
        spot_market = _get_spot_market(spot_market_map, spot_position.market_index)
        oracle_price_data, oracle_validity = oracles.get_price_data_and_validity(
            MarketType.Spot, spot_market.market_index, spot_market.oracle_id(),
            spot_market.historical_oracle_data.last_oracle_price_twap,
            spot_market.get_max_confidence_interval_multiplier(), 0, 0)
        all_oracles_valid = _is_valid_for_margin(oracle_validity) and all_oracles_valid
        token_amount = spot_position.get_signed_token_amount(spot_market)
        token_value = get_token_value(token_amount, spot_market.decimals, oracle_price_data.price)
        net_usd_value = safe_add(net_usd_value, token_value, I128)

    for market_position in user.perp_positions:
        if market_position.is_available():
            continue
        market = _get_perp_market(perp_market_map, market_position.market_index)
        quote_spot_market = _get_spot_market(spot_market_map, market.quote_spot_market_index)
        quote_oracle_price_data, quote_oracle_validity = oracles.get_price_data_and_validity(
            MarketType.Spot, quote_spot_market.market_index, quote_spot_market.oracle_id(),
            quote_spot_market.historical_oracle_data.last_oracle_price_twap,
            quote_spot_market.get_max_confidence_interval_multiplier(), 0, 0)
        all_oracles_valid = _is_valid_for_margin(quote_oracle_validity) and all_oracles_valid
        if market_position.is_isolated():
            quote_token_amount = market_position.get_isolated_token_amount(quote_spot_market)
            token_value = get_token_value(cast(quote_token_amount, I128), quote_spot_market.decimals,
                                          quote_oracle_price_data.price)
            net_usd_value = safe_add(net_usd_value, token_value, I128)
        quote_oracle_price = quote_oracle_price_data.price

        oracle_price_data, oracle_validity = oracles.get_price_data_and_validity(
            MarketType.Perp, market.market_index, market.oracle_id(),
            market.amm.historical_oracle_data.last_oracle_price_twap,
            market.get_max_confidence_interval_multiplier(), market.amm.oracle_slot_delay_override,
            market.amm.oracle_low_risk_slot_delay_override)
        all_oracles_valid = _is_valid_for_margin(oracle_validity) and all_oracles_valid

        valuation_price = (market.expiry_price if market.status == MarketStatus.Settlement
                           else oracle_price_data.price)
        cumulative_rate = (market.amm.cumulative_funding_rate_long if market_position.base_asset_amount > 0
                           else market.amm.cumulative_funding_rate_short)
        unrealized_funding = funding_math.calculate_funding_payment(cumulative_rate, market_position)
        _, unrealized_pnl = calculate_base_asset_value_and_pnl_with_oracle_price(market_position, valuation_price)
        pnl = safe_add(unrealized_pnl, unrealized_funding, I128)
        pnl_value = safe_div(safe_mul(pnl, quote_oracle_price, I128), PRICE_PRECISION_I128)
        net_usd_value = safe_add(net_usd_value, pnl_value, I128)
    return net_usd_value, all_oracles_valid


__all__ = [
    "calc_high_leverage_mode_initial_margin_ratio_from_size",
    "calculate_margin_requirement_and_total_collateral_and_liability_info",
    "calculate_max_withdrawable_amount",
    "calculate_perp_position_value_and_pnl",
    "calculate_size_discount_asset_weight",
    "calculate_size_premium_liability_weight",
    "calculate_user_equity",
    "calculate_user_safest_position_tiers",
    "get_margin_calculation_for_disable_high_leverage_mode",
    "meets_initial_margin_requirement",
    "meets_maintenance_margin_requirement",
    "meets_place_order_margin_requirement",
    "meets_settle_pnl_maintenance_margin_requirement",
    "validate_any_isolated_tier_requirements",
    "validate_spot_margin_trading",
    "validate_user_can_enable_high_leverage_mode",
]
