"""Market and exchange parameters in natural units, validated, convertible to the exact layer's structs.

Fractions are fractions (``0.05`` is 5%), prices are USD, sizes are base units. Every dataclass validates at
construction: a bad value is a ``ValueError`` naming the parameter and the allowed range (the ranges are the
program's own checks where it has one, e.g. ``validation/margin.rs::validate_margin``). ``to_exact()`` returns
the program's struct (``driftlab.exact.PerpMarket``, ``SpotMarket``, ``OracleGuardRails``, ``FeeStructure``,
``State``) with the values at the program's precisions; ``dataclasses.replace(preset, imf_factor=...)`` makes a
variant.

Presets (``PERP_PRESETS``, ``SPOT_PRESETS``) cite the source of every value in a comment: the program's test
fixtures (protocol-v2 v2.161.0, e.g. ``AMM::default_btc_test``), the docs as digested in
``shared/reference/drift-docs-digest.md`` (section named), or "illustrative" where no source gives the value.
Nothing here reads the network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from . import exact as ex

__all__ = [
    "AuctionParams",
    "ExchangeParams",
    "FeeStructureParams",
    "FeeTierParams",
    "GuardRailParams",
    "LiquidationParams",
    "PerpMarketParams",
    "SpotMarketParams",
    "PERP_PRESETS",
    "SPOT_PRESETS",
    "SOL_PERP",
    "BTC_PERP",
    "USDC_SPOT",
    "SOL_SPOT",
]

_CONTRACT_TIERS = ("A", "B", "C", "Speculative", "HighlySpeculative", "Isolated")
_ASSET_TIERS = ("Collateral", "Protected", "Cross", "Isolated", "Unlisted")


# --------------------------------------------------------------------------- validation helpers


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _check(name: str, value: Any, low: float, high: float, *, low_open: bool = False,
           high_open: bool = False) -> None:
    x = _number(name, value)
    bad_low = x <= low if low_open else x < low
    bad_high = x >= high if high_open else x > high
    if bad_low or bad_high:
        left, right = ("(" if low_open else "["), (")" if high_open else "]")
        raise ValueError(f"{name} must be in {left}{low:g}, {high:g}{right}, got {value!r}")


def _integer(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")


def _choice(name: str, value: Any, options: tuple[str, ...]) -> None:
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}; got {value!r}")


def _scaled(value: float, precision: int) -> int:
    """``value`` in natural units as the program's integer at ``precision`` (rounded to nearest)."""
    return int(round(value * precision))


# --------------------------------------------------------------------------- perp market


@dataclass(frozen=True)
class PerpMarketParams:
    """A perp market's risk and AMM parameters (natural units). ``to_exact()`` builds an active ``PerpMarket``.

    The AMM starts balanced (base reserve = quote reserve = ``amm_base_reserve`` = sqrt_k) with its peg at
    ``oracle_price``; ``concentration_scale`` sets ``concentration_coef`` as ``update_concentration_coef`` does.
    ``quote_max_insurance`` None means the program's cap for the contract tier (``INSURANCE_A_MAX`` ...).
    """

    name: str = "PERP"
    oracle_price: float = 100.0
    amm_base_reserve: float = 100_000.0
    margin_ratio_initial: float = 0.10
    margin_ratio_maintenance: float = 0.05
    imf_factor: float = 0.0
    unrealized_pnl_imf_factor: float = 0.0
    unrealized_pnl_initial_asset_weight: float = 0.0
    unrealized_pnl_maintenance_asset_weight: float = 1.0
    liquidator_fee: float = 0.01
    if_liquidation_fee: float = 0.01
    base_spread: float = 0.001
    max_spread: float = 0.05
    order_step_size: float = 0.001
    order_tick_size: float = 0.0001
    min_order_size: float = 0.001
    contract_tier: str = "HighlySpeculative"
    curve_update_intensity: int = 100
    funding_period: int = 3600
    max_fill_reserve_fraction: int = 100
    concentration_scale: int = 1
    quote_max_insurance: float | None = None
    max_revenue_withdraw_per_period: float = 1_000_000.0
    unrealized_pnl_max_imbalance: float = 0.0
    fee_adjustment: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        _check("oracle_price", self.oracle_price, 0, 1e9, low_open=True)
        _check("amm_base_reserve", self.amm_base_reserve, 0, 1e11, low_open=True)
        # validation/margin.rs::validate_margin: MIN_MARGIN_RATIO <= maintenance < initial <= MAX_MARGIN_RATIO
        _check("margin_ratio_initial", self.margin_ratio_initial, 0, 1, low_open=True)
        _check("margin_ratio_maintenance", self.margin_ratio_maintenance, ex.MIN_MARGIN_RATIO / 1e4,
               self.margin_ratio_initial, high_open=True)
        _check("imf_factor", self.imf_factor, 0, 1)
        _check("unrealized_pnl_imf_factor", self.unrealized_pnl_imf_factor, 0, 1)
        _check("unrealized_pnl_initial_asset_weight", self.unrealized_pnl_initial_asset_weight, 0, 1)
        _check("unrealized_pnl_maintenance_asset_weight", self.unrealized_pnl_maintenance_asset_weight,
               self.unrealized_pnl_initial_asset_weight, 1)
        # validate_margin: margin_ratio_maintenance * 100 > liquidator_fee (both at 1e6)
        _check("liquidator_fee", self.liquidator_fee, 0, self.margin_ratio_maintenance, high_open=True)
        _check("if_liquidation_fee", self.if_liquidation_fee, 0, 1, high_open=True)
        # validate_margin: margin_ratio_initial * 100 > max_spread
        _check("max_spread", self.max_spread, 0, self.margin_ratio_initial, low_open=True, high_open=True)
        _check("base_spread", self.base_spread, 0, self.max_spread)
        _check("order_step_size", self.order_step_size, 1e-9, 1e6)
        _check("order_tick_size", self.order_tick_size, 1e-6, 1e6)
        _check("min_order_size", self.min_order_size, self.order_step_size, 1e6)
        _choice("contract_tier", self.contract_tier, _CONTRACT_TIERS)
        _integer("curve_update_intensity", self.curve_update_intensity, 0, 200)
        _integer("funding_period", self.funding_period, 1, 86_400 * 7)
        _integer("max_fill_reserve_fraction", self.max_fill_reserve_fraction, 1, 65_535)
        _integer("concentration_scale", self.concentration_scale, 1, 1_000_000)
        if self.quote_max_insurance is not None:
            _check("quote_max_insurance", self.quote_max_insurance, 0, 1e12)
        _check("max_revenue_withdraw_per_period", self.max_revenue_withdraw_per_period, 0, 1e12)
        _check("unrealized_pnl_max_imbalance", self.unrealized_pnl_max_imbalance, 0, 1e12)
        _integer("fee_adjustment", self.fee_adjustment, -100, 100)

    @property
    def tier(self) -> ex.ContractTier:
        return ex.ContractTier[self.contract_tier]

    def to_exact(self, market_index: int = 0, now: int = 0, slot: int = 0) -> ex.PerpMarket:
        """An Active ``driftlab.exact.PerpMarket`` at ``now``: balanced reserves, peg = oracle, TWAPs = oracle."""
        price = _scaled(self.oracle_price, ex.PRICE_PRECISION)
        sqrt_k = _scaled(self.amm_base_reserve, ex.AMM_RESERVE_PRECISION)
        tier = self.tier
        insurance = {ex.ContractTier.A: ex.INSURANCE_A_MAX, ex.ContractTier.B: ex.INSURANCE_B_MAX,
                     ex.ContractTier.C: ex.INSURANCE_C_MAX}.get(tier, ex.INSURANCE_SPECULATIVE_MAX)
        if self.quote_max_insurance is not None:
            insurance = _scaled(self.quote_max_insurance, ex.QUOTE_PRECISION)
        step = max(_scaled(self.order_step_size, ex.BASE_PRECISION), 1)
        historical = ex.HistoricalOracleData(
            last_oracle_price=price, last_oracle_conf=0, last_oracle_delay=0, last_oracle_price_twap=price,
            last_oracle_price_twap_5min=price, last_oracle_price_twap_ts=now)
        amm = ex.AMM(
            oracle=f"oracle-perp-{market_index}", historical_oracle_data=historical,
            base_asset_reserve=sqrt_k, quote_asset_reserve=sqrt_k, sqrt_k=sqrt_k, peg_multiplier=price,
            terminal_quote_asset_reserve=sqrt_k,
            concentration_coef=ex.CONCENTRATION_PRECISION
            + (ex.MAX_CONCENTRATION_COEFFICIENT - ex.CONCENTRATION_PRECISION) // self.concentration_scale,
            base_spread=_scaled(self.base_spread, ex.BID_ASK_SPREAD_PRECISION),
            max_spread=_scaled(self.max_spread, ex.BID_ASK_SPREAD_PRECISION),
            order_step_size=step, order_tick_size=max(_scaled(self.order_tick_size, ex.PRICE_PRECISION), 1),
            min_order_size=max(_scaled(self.min_order_size, ex.BASE_PRECISION), step),
            curve_update_intensity=self.curve_update_intensity, funding_period=self.funding_period,
            max_fill_reserve_fraction=self.max_fill_reserve_fraction, max_slippage_ratio=50,
            last_funding_rate_ts=now, last_mark_price_twap=price, last_mark_price_twap_5min=price,
            last_bid_price_twap=price, last_ask_price_twap=price, last_mark_price_twap_ts=now,
            last_oracle_valid=True, last_update_slot=slot, last_trade_ts=now, oracle_source=ex.OracleSource.Pyth)
        amm.min_base_asset_reserve, amm.max_base_asset_reserve = ex.calculate_bid_ask_bounds(
            amm.concentration_coef, sqrt_k)
        market = ex.PerpMarket(
            pubkey=f"perp-{market_index}", amm=amm, name=self.name.encode(), market_index=market_index,
            status=ex.MarketStatus.Active, contract_tier=tier,
            margin_ratio_initial=_scaled(self.margin_ratio_initial, ex.MARGIN_PRECISION),
            margin_ratio_maintenance=_scaled(self.margin_ratio_maintenance, ex.MARGIN_PRECISION),
            imf_factor=_scaled(self.imf_factor, ex.SPOT_IMF_PRECISION),
            unrealized_pnl_imf_factor=_scaled(self.unrealized_pnl_imf_factor, ex.SPOT_IMF_PRECISION),
            unrealized_pnl_initial_asset_weight=_scaled(self.unrealized_pnl_initial_asset_weight,
                                                        ex.SPOT_WEIGHT_PRECISION),
            unrealized_pnl_maintenance_asset_weight=_scaled(self.unrealized_pnl_maintenance_asset_weight,
                                                            ex.SPOT_WEIGHT_PRECISION),
            unrealized_pnl_max_imbalance=_scaled(self.unrealized_pnl_max_imbalance, ex.QUOTE_PRECISION),
            liquidator_fee=_scaled(self.liquidator_fee, ex.LIQUIDATION_FEE_PRECISION),
            if_liquidation_fee=_scaled(self.if_liquidation_fee, ex.LIQUIDATION_FEE_PRECISION),
            insurance_claim=ex.InsuranceClaim(
                quote_max_insurance=insurance,
                max_revenue_withdraw_per_period=_scaled(self.max_revenue_withdraw_per_period, ex.QUOTE_PRECISION)),
            fee_adjustment=self.fee_adjustment, quote_spot_market_index=ex.QUOTE_SPOT_MARKET_INDEX)
        ex.update_spreads(market, amm.reserve_price(), slot)
        return market


# --------------------------------------------------------------------------- spot market


@dataclass(frozen=True)
class SpotMarketParams:
    """A spot market's weights, borrow curve and insurance-fund settings. ``to_exact()`` builds a ``SpotMarket``.

    Rates are annual fractions (``optimal_borrow_rate=0.1`` is 10%/yr); ``min_borrow_rate`` is rounded to the
    program's 0.5% units. The market with index 0 is the quote market (its oracle is the quote asset).
    """

    name: str = "USDC"
    decimals: int = 6
    oracle_price: float = 1.0
    initial_asset_weight: float = 1.0
    maintenance_asset_weight: float = 1.0
    initial_liability_weight: float = 1.0
    maintenance_liability_weight: float = 1.0
    imf_factor: float = 0.0
    optimal_utilization: float = 0.7
    optimal_borrow_rate: float = 0.1
    max_borrow_rate: float = 5.0
    min_borrow_rate: float = 0.0
    liquidator_fee: float = 0.0
    if_liquidation_fee: float = 0.0
    if_total_factor: float = 0.1
    if_user_factor: float = 0.05
    unstaking_period: int = ex.THIRTEEN_DAY
    revenue_settle_period: int = 3600
    withdraw_guard_threshold: float = 0.0
    asset_tier: str = "Collateral"
    max_token_deposits: float = 0.0
    order_step_size: float = 1e-6

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        _integer("decimals", self.decimals, 5, 19)
        _check("oracle_price", self.oracle_price, 0, 1e9, low_open=True)
        # validation/margin.rs::validate_margin_weights: iaw <= maw <= 1 <= mlw <= ilw
        _check("maintenance_asset_weight", self.maintenance_asset_weight, 0, 1)
        _check("initial_asset_weight", self.initial_asset_weight, 0, self.maintenance_asset_weight)
        _check("maintenance_liability_weight", self.maintenance_liability_weight, 1, 10)
        _check("initial_liability_weight", self.initial_liability_weight, self.maintenance_liability_weight, 10)
        _check("imf_factor", self.imf_factor, 0, 1)
        _check("optimal_utilization", self.optimal_utilization, 0, 1, low_open=True)
        _check("max_borrow_rate", self.max_borrow_rate, 0, 4294.967295)
        _check("optimal_borrow_rate", self.optimal_borrow_rate, 0, self.max_borrow_rate)
        _check("min_borrow_rate", self.min_borrow_rate, 0, 1.275)
        _check("liquidator_fee", self.liquidator_fee, 0, 1, high_open=True)
        _check("if_liquidation_fee", self.if_liquidation_fee, 0, 1, high_open=True)
        _check("if_total_factor", self.if_total_factor, 0, 1)
        _check("if_user_factor", self.if_user_factor, 0, self.if_total_factor)
        _integer("unstaking_period", self.unstaking_period, 0, 10**9)
        _integer("revenue_settle_period", self.revenue_settle_period, 0, 10**9)
        _check("withdraw_guard_threshold", self.withdraw_guard_threshold, 0, 1e12)
        _choice("asset_tier", self.asset_tier, _ASSET_TIERS)
        _check("max_token_deposits", self.max_token_deposits, 0, 1e15)
        _check("order_step_size", self.order_step_size, 10.0 ** -self.decimals, 1e9)

    @property
    def precision(self) -> int:
        return 10**self.decimals

    def to_exact(self, market_index: int = 0, now: int = 0) -> ex.SpotMarket:
        """A ``driftlab.exact.SpotMarket`` (Active, interest indexes at 1.0, TWAPs at the oracle price)."""
        price = _scaled(self.oracle_price, ex.PRICE_PRECISION)
        historical = ex.HistoricalOracleData(last_oracle_price=price, last_oracle_price_twap=price,
                                             last_oracle_price_twap_5min=price, last_oracle_price_twap_ts=now)
        weight = ex.SPOT_WEIGHT_PRECISION
        return ex.SpotMarket(
            pubkey=f"spot-{market_index}", oracle="" if market_index == 0 else f"oracle-spot-{market_index}",
            name=self.name.encode(), historical_oracle_data=historical,
            historical_index_data=ex.HistoricalIndexData(last_index_bid_price=price, last_index_ask_price=price,
                                                         last_index_price_twap=price,
                                                         last_index_price_twap_5min=price,
                                                         last_index_price_twap_ts=now),
            revenue_pool=ex.PoolBalance(market_index=market_index),
            spot_fee_pool=ex.PoolBalance(market_index=market_index),
            insurance_fund=ex.InsuranceFund(
                vault=f"if-vault-{market_index}", unstaking_period=self.unstaking_period,
                revenue_settle_period=self.revenue_settle_period, last_revenue_settle_ts=now,
                total_factor=_scaled(self.if_total_factor, ex.IF_FACTOR_PRECISION),
                user_factor=_scaled(self.if_user_factor, ex.IF_FACTOR_PRECISION)),
            cumulative_deposit_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
            cumulative_borrow_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
            withdraw_guard_threshold=_scaled(self.withdraw_guard_threshold, self.precision),
            max_token_deposits=_scaled(self.max_token_deposits, self.precision),
            last_interest_ts=now, last_twap_ts=now,
            order_step_size=max(_scaled(self.order_step_size, self.precision), 1),
            order_tick_size=1,
            initial_asset_weight=_scaled(self.initial_asset_weight, weight),
            maintenance_asset_weight=_scaled(self.maintenance_asset_weight, weight),
            initial_liability_weight=_scaled(self.initial_liability_weight, weight),
            maintenance_liability_weight=_scaled(self.maintenance_liability_weight, weight),
            imf_factor=_scaled(self.imf_factor, ex.SPOT_IMF_PRECISION),
            liquidator_fee=_scaled(self.liquidator_fee, ex.LIQUIDATION_FEE_PRECISION),
            if_liquidation_fee=_scaled(self.if_liquidation_fee, ex.LIQUIDATION_FEE_PRECISION),
            optimal_utilization=_scaled(self.optimal_utilization, ex.SPOT_UTILIZATION_PRECISION),
            optimal_borrow_rate=_scaled(self.optimal_borrow_rate, ex.SPOT_RATE_PRECISION),
            max_borrow_rate=_scaled(self.max_borrow_rate, ex.SPOT_RATE_PRECISION),
            min_borrow_rate=int(round(self.min_borrow_rate / 0.005)),
            decimals=self.decimals, market_index=market_index, orders_enabled=market_index != 0,
            oracle_source=ex.OracleSource.QuoteAsset if market_index == 0 else ex.OracleSource.Pyth,
            status=ex.MarketStatus.Active, asset_tier=ex.AssetTier[self.asset_tier])


# --------------------------------------------------------------------------- exchange-wide parameters


@dataclass(frozen=True)
class AuctionParams:
    """Auction defaults of the exchange ``State``: durations in slots. ``to_exact()`` is a ``State`` with them."""

    min_perp_auction_duration: int = 10
    default_spot_auction_duration: int = 10
    default_market_order_time_in_force: int = 60

    def __post_init__(self) -> None:
        _integer("min_perp_auction_duration", self.min_perp_auction_duration, 0, 255)
        _integer("default_spot_auction_duration", self.default_spot_auction_duration, 0, 255)
        _integer("default_market_order_time_in_force", self.default_market_order_time_in_force, 0, 255)

    def to_exact(self) -> ex.State:
        return ex.State(min_perp_auction_duration=self.min_perp_auction_duration,
                        default_spot_auction_duration=self.default_spot_auction_duration,
                        default_market_order_time_in_force=self.default_market_order_time_in_force)


@dataclass(frozen=True)
class GuardRailParams:
    """Oracle guard rails (fractions and slots); the defaults are ``OracleGuardRails::default`` (state/state.rs)."""

    mark_oracle_percent_divergence: float = 0.10
    oracle_twap_5min_percent_divergence: float = 0.50
    slots_before_stale_for_amm: int = 10
    slots_before_stale_for_margin: int = 120
    confidence_interval_max_size: float = 0.02
    too_volatile_ratio: int = 5

    def __post_init__(self) -> None:
        _check("mark_oracle_percent_divergence", self.mark_oracle_percent_divergence, 0, 1)
        _check("oracle_twap_5min_percent_divergence", self.oracle_twap_5min_percent_divergence, 0, 10)
        _integer("slots_before_stale_for_amm", self.slots_before_stale_for_amm, 0, 10**6)
        _integer("slots_before_stale_for_margin", self.slots_before_stale_for_margin, 0, 10**6)
        _check("confidence_interval_max_size", self.confidence_interval_max_size, 0, 1)
        _integer("too_volatile_ratio", self.too_volatile_ratio, 1, 10**6)

    def to_exact(self) -> ex.OracleGuardRails:
        return ex.OracleGuardRails(
            price_divergence=ex.PriceDivergenceGuardRails(
                mark_oracle_percent_divergence=_scaled(self.mark_oracle_percent_divergence, ex.PERCENTAGE_PRECISION),
                oracle_twap_5min_percent_divergence=_scaled(self.oracle_twap_5min_percent_divergence,
                                                            ex.PERCENTAGE_PRECISION)),
            validity=ex.ValidityGuardRails(
                slots_before_stale_for_amm=self.slots_before_stale_for_amm,
                slots_before_stale_for_margin=self.slots_before_stale_for_margin,
                confidence_interval_max_size=_scaled(self.confidence_interval_max_size, ex.PERCENTAGE_PRECISION),
                too_volatile_ratio=self.too_volatile_ratio))


@dataclass(frozen=True)
class FeeTierParams:
    """One fee tier: taker fee and maker rebate as fractions of notional, referral split as fractions of the fee.

    Stored over the program's denominators (FEE_DENOMINATOR = 1e5, FEE_PERCENTAGE_DENOMINATOR = 100), so fees
    resolve to 0.1 bp. The default is tier 0 of ``FeeStructure::perps_default`` (state/state.rs).
    """

    taker_fee: float = 0.001
    maker_rebate: float = 0.0002
    referrer_reward: float = 0.15
    referee_discount: float = 0.05

    def __post_init__(self) -> None:
        _check("taker_fee", self.taker_fee, 0, 0.1)
        _check("maker_rebate", self.maker_rebate, 0, self.taker_fee)
        _check("referrer_reward", self.referrer_reward, 0, 1)
        _check("referee_discount", self.referee_discount, 0, 1 - self.referrer_reward)

    def to_exact(self) -> ex.FeeTier:
        return ex.FeeTier(fee_numerator=_scaled(self.taker_fee, ex.FEE_DENOMINATOR),
                          maker_rebate_numerator=_scaled(self.maker_rebate, ex.FEE_DENOMINATOR),
                          referrer_reward_numerator=_scaled(self.referrer_reward, ex.FEE_PERCENTAGE_DENOMINATOR),
                          referee_fee_numerator=_scaled(self.referee_discount, ex.FEE_PERCENTAGE_DENOMINATOR))


def _perps_default_tiers() -> tuple[FeeTierParams, ...]:
    # FeeStructure::perps_default: taker 10/9/8/7/6/5 bps, maker rebate 2 bps, referrer 15%, referee 5%
    return tuple(FeeTierParams(taker_fee=bps / 1e4) for bps in (10, 9, 8, 7, 6, 5))


@dataclass(frozen=True)
class FeeStructureParams:
    """Fee tiers (by 30-day volume, at most 10) and the filler reward; defaults ``FeeStructure::perps_default``."""

    tiers: tuple[FeeTierParams, ...] = field(default_factory=_perps_default_tiers)
    filler_reward: float = 0.10
    time_based_reward_lower_bound: float = 0.01
    flat_filler_fee: float = 0.01

    def __post_init__(self) -> None:
        if not isinstance(self.tiers, tuple) or not 1 <= len(self.tiers) <= 10 or not all(
                isinstance(t, FeeTierParams) for t in self.tiers):
            raise ValueError(f"tiers must be a tuple of 1 to 10 FeeTierParams, got {self.tiers!r}")
        _check("filler_reward", self.filler_reward, 0, 1)
        _check("time_based_reward_lower_bound", self.time_based_reward_lower_bound, 0, 1e6)
        _check("flat_filler_fee", self.flat_filler_fee, 0, 1e6)

    def to_exact(self) -> ex.FeeStructure:
        tiers = [t.to_exact() for t in self.tiers] + [ex.FeeTier() for _ in range(10 - len(self.tiers))]
        return ex.FeeStructure(
            fee_tiers=tiers,
            filler_reward_structure=ex.OrderFillerRewardStructure(
                reward_numerator=_scaled(self.filler_reward, ex.FEE_PERCENTAGE_DENOMINATOR),
                reward_denominator=ex.FEE_PERCENTAGE_DENOMINATOR,
                time_based_reward_lower_bound=_scaled(self.time_based_reward_lower_bound, ex.QUOTE_PRECISION)),
            flat_filler_fee=_scaled(self.flat_filler_fee, ex.QUOTE_PRECISION))


@dataclass(frozen=True)
class LiquidationParams:
    """The exchange's liquidation pacing: buffer over maintenance, first share and ramp (slots) of a liquidation.

    Defaults: ``DEFAULT_LIQUIDATION_MARGIN_BUFFER_RATIO`` (2%, math/constants.rs); ``initial_pct_to_liquidate``
    100% and ``liquidation_duration`` 150 slots as in controller/liquidation/tests.rs (the State default is 0,
    which also means "all at once").
    """

    margin_buffer_ratio: float = 0.02
    initial_pct_to_liquidate: float = 1.0
    liquidation_duration: int = 150

    def __post_init__(self) -> None:
        _check("margin_buffer_ratio", self.margin_buffer_ratio, 0, 1)
        _check("initial_pct_to_liquidate", self.initial_pct_to_liquidate, 0, 1)
        _integer("liquidation_duration", self.liquidation_duration, 0, 255)

    def to_exact(self) -> ex.State:
        return ex.State(liquidation_margin_buffer_ratio=_scaled(self.margin_buffer_ratio, ex.MARGIN_PRECISION),
                        initial_pct_to_liquidate=_scaled(self.initial_pct_to_liquidate,
                                                         ex.LIQUIDATION_PCT_PRECISION),
                        liquidation_duration=self.liquidation_duration)


@dataclass(frozen=True)
class ExchangeParams:
    """Guard rails, perp fees, auctions and liquidation together; ``to_exact()`` is the program's ``State``."""

    guard_rails: GuardRailParams = field(default_factory=GuardRailParams)
    perp_fees: FeeStructureParams = field(default_factory=FeeStructureParams)
    auction: AuctionParams = field(default_factory=AuctionParams)
    liquidation: LiquidationParams = field(default_factory=LiquidationParams)

    def __post_init__(self) -> None:
        for f, kind in (("guard_rails", GuardRailParams), ("perp_fees", FeeStructureParams),
                        ("auction", AuctionParams), ("liquidation", LiquidationParams)):
            if not isinstance(getattr(self, f), kind):
                raise ValueError(f"{f} must be a {kind.__name__}, got {getattr(self, f)!r}")

    def to_exact(self) -> ex.State:
        state = self.liquidation.to_exact()
        auction = self.auction.to_exact()
        for f in ("min_perp_auction_duration", "default_spot_auction_duration", "default_market_order_time_in_force"):
            setattr(state, f, getattr(auction, f))
        state.oracle_guard_rails = self.guard_rails.to_exact()
        state.perp_fee_structure = self.perp_fees.to_exact()
        return state


def as_dict(params: Any) -> dict[str, Any]:
    """The dataclass's fields as a flat dict (for tables in notebooks)."""
    return {f.name: getattr(params, f.name) for f in fields(params)}


# --------------------------------------------------------------------------- presets

SOL_PERP = PerpMarketParams(
    name="SOL-PERP",
    oracle_price=25.0,  # docs, trading/liquidations example "long 200 SOL-PERP at $25" (digest (g) Liquidation)
    amm_base_reserve=1_000_000.0,  # illustrative depth (sqrt_k in SOL)
    margin_ratio_initial=0.10,  # PerpMarket::default_test margin_ratio_initial 1000 (10x); illustrative for SOL
    margin_ratio_maintenance=0.05,  # docs liquidation example: "Maintenance 5%" (digest (g) Liquidation)
    imf_factor=0.0005,  # illustrative (the docs quote 0.003 for SOL *spot*, digest (b) table)
    unrealized_pnl_imf_factor=0.0005,  # illustrative
    unrealized_pnl_initial_asset_weight=0.0,  # program market-init default (digest (b) Unrealised-PnL weight)
    unrealized_pnl_maintenance_asset_weight=1.0,  # program market-init default (same)
    liquidator_fee=0.01,  # liquidation/tests.rs successful_liquidation_long_perp: LIQUIDATION_FEE_PRECISION/100
    if_liquidation_fee=0.01,  # same test: if_liquidation_fee LIQUIDATION_FEE_PRECISION/100
    base_spread=0.0005,  # illustrative
    max_spread=0.02,  # illustrative (must stay below margin_ratio_initial: validate_margin)
    order_step_size=0.01,  # illustrative
    order_tick_size=0.0001,  # illustrative
    min_order_size=0.01,  # illustrative
    contract_tier="A",  # illustrative (docs market-specs list tiers, digest (g) Delisting, not per market)
    curve_update_intensity=100,  # AMM::default_btc_test curve_update_intensity 100
    funding_period=3600,  # AMM::default_btc_test funding_period 3600 (hourly funding, docs funding-rates)
    quote_max_insurance=None,  # tier cap INSURANCE_A_MAX ($100M, math/constants.rs; digest (g) Insurance fund)
    max_revenue_withdraw_per_period=1_000_000.0,  # illustrative
)

BTC_PERP = PerpMarketParams(
    name="BTC-PERP",
    oracle_price=19_400.0,  # AMM::default_btc_test peg_multiplier 19_400e6 / last_oracle_price 19_400e6
    amm_base_reserve=64.0,  # AMM::default_btc_test sqrt_k 64 * AMM_RESERVE_PRECISION (balanced here)
    margin_ratio_initial=0.10,  # PerpMarket::default_btc_test margin_ratio_initial 1000 (10x)
    margin_ratio_maintenance=0.05,  # PerpMarket::default_btc_test margin_ratio_maintenance 500 (5x)
    imf_factor=0.0,  # PerpMarket::default (0)
    liquidator_fee=0.01,  # liquidation/tests.rs: LIQUIDATION_FEE_PRECISION/100
    if_liquidation_fee=0.01,  # liquidation/tests.rs: LIQUIDATION_FEE_PRECISION/100
    base_spread=0.00025,  # AMM::default_btc_test base_spread 250 (1e6)
    max_spread=0.000975,  # AMM::default_btc_test max_spread 975 (1e6)
    order_step_size=0.0001,  # illustrative
    order_tick_size=0.1,  # illustrative
    min_order_size=0.0001,  # illustrative
    contract_tier="A",  # illustrative
    curve_update_intensity=100,  # AMM::default_btc_test curve_update_intensity 100
    funding_period=3600,  # AMM::default_btc_test funding_period 3600
    max_revenue_withdraw_per_period=1_000_000.0,  # illustrative
)

USDC_SPOT = SpotMarketParams(
    name="USDC",
    decimals=6,  # the USDC mint (QUOTE_PRECISION 1e6)
    oracle_price=1.0,  # quote asset, OracleSource::QuoteAsset
    initial_asset_weight=1.0,  # docs cross-collateral table: USDC 100% / 100% / 100% / 100% (digest (b))
    maintenance_asset_weight=1.0,  # same table
    initial_liability_weight=1.0,  # same table
    maintenance_liability_weight=1.0,  # same table
    imf_factor=0.0,  # same table (IMF 0)
    optimal_utilization=0.7,  # multi-kink borrow-rate vectors of spot_balance tests: 70% / 10% / 500%
    optimal_borrow_rate=0.1,  # same vectors
    max_borrow_rate=5.0,  # same vectors
    if_total_factor=0.1,  # illustrative
    if_user_factor=0.05,  # docs IF staking example: "Half of this is reserved for the protocol" (digest (g))
    unstaking_period=ex.THIRTEEN_DAY,  # THIRTEEN_DAY default; docs "Unstake cooldown 13 days" (digest (g))
    revenue_settle_period=3600,  # docs insurance-fund-staking: "revenue is settled hourly" (digest (g))
    asset_tier="Collateral",  # illustrative
)

SOL_SPOT = SpotMarketParams(
    name="SOL",
    decimals=9,  # the SOL mint (lamports)
    oracle_price=25.0,  # as SOL_PERP
    initial_asset_weight=0.8,  # docs cross-collateral table: SOL 80% / 90% / 120% / 110%, IMF 0.003 (digest (b))
    maintenance_asset_weight=0.9,  # same table
    initial_liability_weight=1.2,  # same table
    maintenance_liability_weight=1.1,  # same table
    imf_factor=0.003,  # same table; also the docs' worked asset-weight example (digest (b))
    optimal_utilization=0.7,  # illustrative (the program's multi-kink vectors' curve)
    optimal_borrow_rate=0.1,  # illustrative
    max_borrow_rate=5.0,  # illustrative
    liquidator_fee=0.01,  # illustrative
    if_liquidation_fee=0.01,  # illustrative
    if_total_factor=0.1,  # illustrative
    if_user_factor=0.05,  # docs IF staking example: half to the protocol (digest (g))
    unstaking_period=ex.THIRTEEN_DAY,  # program default
    revenue_settle_period=3600,  # docs: revenue settled hourly
    asset_tier="Collateral",  # illustrative
    order_step_size=0.001,  # illustrative
)

PERP_PRESETS: dict[str, PerpMarketParams] = {"SOL-PERP": SOL_PERP, "BTC-PERP": BTC_PERP}
SPOT_PRESETS: dict[str, SpotMarketParams] = {"USDC": USDC_SPOT, "SOL": SOL_SPOT}
