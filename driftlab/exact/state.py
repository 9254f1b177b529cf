"""The program's account and value structs as dataclasses, with the program's field names and defaults.

Every field has a default (zero, or the program's ``Default`` impl), so ``AMM(sqrt_k=...)`` works; nested
structs nest as in the program (``PerpMarket(amm=AMM(...))``, ``SpotMarket(insurance_fund=InsuranceFund(...))``).
Each integer field's comment gives its Rust type; padding is left out, public keys are strings and byte arrays
``bytes``. Methods of the program's structs (``AMM::reserve_price``, ``PerpMarket::get_margin_ratio``, ...) are
methods here with the same names and arguments.

program: state/perp_market.rs, state/spot_market.rs, state/user.rs, state/oracle.rs, state/state.rs,
state/insurance_fund_stake.rs, state/order_params.rs, state/protected_maker_mode_config.rs
"""

from __future__ import annotations

import copy as _copy
from dataclasses import dataclass, field, replace

from . import amm as amm_math
from . import auction as auction_math
from . import controller_position as position_controller
from . import lp as lp_math
from . import margin as margin_math
from . import oracle as oracle_math
from . import orders as orders_math
from . import position as position_math
from . import spot_balance as spot_balance_math
from . import stats as stats_math
from .constants import (
    AMM_RESERVE_PRECISION,
    AMM_TO_QUOTE_PRECISION_RATIO,
    AMM_TO_QUOTE_PRECISION_RATIO_I128,
    BID_ASK_SPREAD_PRECISION,
    DEFAULT_REVENUE_SINCE_LAST_FUNDING_SPREAD_RETREAT,
    FEE_DENOMINATOR,
    FEE_PERCENTAGE_DENOMINATOR,
    FIVE_MINUTE,
    FUEL_START_TS,
    LIQUIDATION_FEE_PRECISION,
    LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO,
    MARGIN_PRECISION,
    MARGIN_PRECISION_U128,
    MAX_LIQUIDATION_MULTIPLIER,
    MAX_PREDICTION_MARKET_PRICE,
    MAX_REFERRER_REWARD_EPOCH_UPPER_BOUND,
    ONE_HOUR,
    OPEN_ORDER_MARGIN_REQUIREMENT,
    PEG_PRECISION,
    PERCENTAGE_PRECISION,
    PERCENTAGE_PRECISION_I64,
    PERCENTAGE_PRECISION_I128,
    PERCENTAGE_PRECISION_U64,
    PRICE_PRECISION_I128,
    QUOTE_SPOT_MARKET_INDEX,
    SPOT_WEIGHT_PRECISION,
    SPOT_WEIGHT_PRECISION_I128,
    SPOT_WEIGHT_PRECISION_U128,
    TWENTY_FOUR_HOUR,
)
from .enums import (
    AMMLiquiditySplit,
    AssetTier,
    AssetType,
    ContractTier,
    ContractType,
    DriftAction,
    InsuranceFundOperation,
    LogMode,
    MarginMode,
    MarginRequirementType,
    MarketConfigFlag,
    MarketStatus,
    MarketType,
    OracleSource,
    OracleValidity,
    OrderBitFlag,
    OrderParamsBitFlag,
    OrderStatus,
    OrderTriggerCondition,
    OrderType,
    PerpOperation,
    PositionDirection,
    PositionFlag,
    PostOnlyParam,
    SpotBalanceType,
    SpotOperation,
    UserStatus,
)
from .errors import (
    CantUpdateSpotBalanceType,
    CouldNotFindSpotPosition,
    DefaultError,
    InvalidIfRebalanceConfig,
    InvalidIFRebase,
    InvalidOracle,
    InvalidPerpPosition,
    MathError,
    MaxBorrows,
    MaxDeposit,
    NoSpotPositionAvailable,
    OracleNotFound,
    UnableToGetLimitPrice,
    UserHasNoPositionInMarket,
)
from .safe_math import (
    I32,
    I64,
    I128,
    U16,
    U32,
    U64,
    U128,
    cast,
    checked,
    nth_root,
    safe_add,
    safe_div,
    safe_mul,
    safe_sub,
)


def _fee_tier(fee: int, rebate: int, referrer: int, referee: int) -> FeeTier:
    return FeeTier(fee_numerator=fee, maker_rebate_numerator=rebate, referrer_reward_numerator=referrer,
                   referee_fee_numerator=referee)


def _perps_default_fee_tiers() -> list[FeeTier]:
    """``FeeStructure::perps_default``: taker 10/9/8/7/6/5 bps, maker rebate 2 bps, referrer 15%, referee 5%."""
    tiers = [_fee_tier(taker, 20, 15, 5) for taker in (100, 90, 80, 70, 60, 50)]
    return tiers + [FeeTier() for _ in range(10 - len(tiers))]


def _default_filler_reward_structure() -> OrderFillerRewardStructure:
    return OrderFillerRewardStructure(reward_numerator=10, reward_denominator=FEE_PERCENTAGE_DENOMINATOR,
                                      time_based_reward_lower_bound=10_000)


def _default_validity_guard_rails() -> ValidityGuardRails:
    """``OracleGuardRails::default().validity``: stale after 10 slots (AMM) / 120 (margin), 2% confidence, 5x."""
    return ValidityGuardRails(slots_before_stale_for_amm=10, slots_before_stale_for_margin=120,
                              confidence_interval_max_size=20_000, too_volatile_ratio=5)


# state/oracle.rs::MM_EXCHANGE_FALLBACK_THRESHOLD: above a 1% MM/exchange gap the exchange price is used
_MM_EXCHANGE_FALLBACK_THRESHOLD = PERCENTAGE_PRECISION // 100

def _perp_position_price(quote_amount: int, base_asset_amount: int) -> int:
    """``-quote * PRICE_PRECISION * AMM_TO_QUOTE_PRECISION_RATIO / base``, 0 for a flat position."""
    if base_asset_amount == 0:
        return 0
    numerator = safe_mul(safe_mul(-quote_amount, PRICE_PRECISION_I128, I128), AMM_TO_QUOTE_PRECISION_RATIO_I128, I128)
    return safe_div(numerator, base_asset_amount)

@dataclass
class HistoricalOracleData:
    """program: state/oracle.rs::HistoricalOracleData"""

    last_oracle_price: int = 0  # i64
    last_oracle_conf: int = 0  # u64
    last_oracle_delay: int = 0  # i64
    last_oracle_price_twap: int = 0  # i64
    last_oracle_price_twap_5min: int = 0  # i64
    last_oracle_price_twap_ts: int = 0  # i64


@dataclass
class HistoricalIndexData:
    """program: state/oracle.rs::HistoricalIndexData"""

    last_index_bid_price: int = 0  # u64
    last_index_ask_price: int = 0  # u64
    last_index_price_twap: int = 0  # u64
    last_index_price_twap_5min: int = 0  # u64
    last_index_price_twap_ts: int = 0  # i64


@dataclass
class OraclePriceData:
    """program: state/oracle.rs::OraclePriceData"""

    price: int = 0  # i64
    confidence: int = 0  # u64
    delay: int = 0  # i64
    has_sufficient_number_of_data_points: bool = False
    sequence_id: int | None = None  # Option<u64>


@dataclass
class StrictOraclePrice:
    """program: state/oracle.rs::StrictOraclePrice"""

    current: int = 0  # i64
    twap_5min: int | None = None  # Option<i64>

    @classmethod
    def new(cls, price: int, twap_5min: int, enabled: bool) -> StrictOraclePrice:
        """The current price, with the 5-minute TWAP only when ``enabled``. program: StrictOraclePrice::new"""
        return cls(current=price, twap_5min=twap_5min if enabled else None)

    def max(self) -> int:
        """``max(current, twap_5min)`` (``current`` without a TWAP). program: StrictOraclePrice::max"""
        return self.current if self.twap_5min is None else max(self.current, self.twap_5min)

    def min(self) -> int:
        """``min(current, twap_5min)`` (``current`` without a TWAP). program: StrictOraclePrice::min"""
        return self.current if self.twap_5min is None else min(self.current, self.twap_5min)

    def validate(self) -> None:
        """Both prices must be positive, else ``InvalidOracle``. program: StrictOraclePrice::validate"""
        if not self.current > 0:
            raise InvalidOracle(f"oracle_price_data={self.current} (<= 0)")
        if self.twap_5min is not None and not self.twap_5min > 0:
            raise InvalidOracle(f"oracle_price_twap={self.twap_5min} (<= 0)")


@dataclass
class MMOraclePriceData:
    """program: state/oracle.rs::MMOraclePriceData"""

    mm_oracle_price: int = 0  # i64
    mm_oracle_delay: int = 0  # i64
    mm_oracle_sequence_id: int = 0  # u64
    mm_oracle_validity: oracle_math.OracleValidityLike = OracleValidity.Valid
    mm_exchange_diff_bps: int = 0  # u128
    exchange_oracle_price_data: OraclePriceData = field(default_factory=OraclePriceData)
    safe_oracle_price_data: OraclePriceData = field(default_factory=OraclePriceData)

    def get_price(self) -> int:
        """The safe oracle price (``safe_oracle_price_data.price``). program: MMOraclePriceData::get_price"""
        return self.safe_oracle_price_data.price

    def get_delay(self) -> int:
        """``safe_oracle_price_data.delay``. program: MMOraclePriceData::get_delay"""
        return self.safe_oracle_price_data.delay

    def get_confidence(self) -> int:
        """``safe_oracle_price_data.confidence``. program: MMOraclePriceData::get_confidence"""
        return self.safe_oracle_price_data.confidence

    def get_safe_oracle_price_data(self) -> OraclePriceData:
        """program: MMOraclePriceData::get_safe_oracle_price_data"""
        return self.safe_oracle_price_data

    def get_exchange_oracle_price_data(self) -> OraclePriceData:
        """program: MMOraclePriceData::get_exchange_oracle_price_data"""
        return self.exchange_oracle_price_data

    def get_mm_oracle_validity(self) -> oracle_math.OracleValidityLike:
        """program: MMOraclePriceData::get_mm_oracle_validity"""
        return self.mm_oracle_validity

    def get_mm_exchange_diff_bps(self) -> int:
        """``|mm - exchange| * 1e6 / |exchange|``. program: MMOraclePriceData::get_mm_exchange_diff_bps"""
        return self.mm_exchange_diff_bps

    def is_mm_exchange_diff_bps_high(self) -> bool:
        """The MM and exchange prices differ by more than 1%.

        program: MMOraclePriceData::is_mm_exchange_diff_bps_high
        """
        return self.mm_exchange_diff_bps > _MM_EXCHANGE_FALLBACK_THRESHOLD

    def is_mm_oracle_as_recent(self) -> bool:
        """``mm_oracle_delay <= safe delay``. program: MMOraclePriceData::is_mm_oracle_as_recent"""
        return self.mm_oracle_delay <= self.safe_oracle_price_data.delay

    def is_enabled(self) -> bool:
        """``mm_oracle_price != 0 and mm_oracle_delay >= 0``. program: MMOraclePriceData::is_enabled"""
        return self.mm_oracle_price != 0 and self.mm_oracle_delay >= 0

    def _get_mm_oracle_price(self) -> int:
        """program: MMOraclePriceData::_get_mm_oracle_price"""
        return self.mm_oracle_price

    def get_mm_oracle_delay(self) -> int:
        """program: MMOraclePriceData::get_mm_oracle_delay"""
        return self.mm_oracle_delay

    def _get_mm_oracle_sequence_id(self) -> int:
        """program: MMOraclePriceData::_get_mm_oracle_sequence_id"""
        return self.mm_oracle_sequence_id

    @classmethod
    def new(
        cls, mm_oracle_price: int, mm_oracle_delay: int, mm_oracle_sequence_id: int,
        mm_oracle_validity: oracle_math.OracleValidityLike, oracle_price_data: OraclePriceData,
    ) -> MMOraclePriceData:
        """Pick the safe price: the market maker's oracle unless the exchange oracle is newer or it is unusable.

        ``diff_bps = |mm - exchange| * 1e6 / max(|exchange|, 1)``. The exchange data is used when it is more
        recent (by sequence id when both ids are non-zero and within ``exchange_id / 10000`` of each other, else by
        delay), when the MM price is 0, when the MM validity fails ``UseMMOraclePrice`` (NonPositive or
        TooVolatile) or when ``diff_bps`` exceeds 1%; otherwise the MM price with confidence widened by
        ``|mm - exchange|``.
        program: MMOraclePriceData::new
        """
        price_diff = safe_sub(mm_oracle_price, oracle_price_data.price, I64)
        price_diff_bps = safe_div(safe_mul(cast(checked(abs(price_diff), I64), U128), PERCENTAGE_PRECISION, U128),
                                  cast(max(checked(abs(oracle_price_data.price), I64), 1), U128))
        exchange_seq_id = oracle_price_data.sequence_id
        if (exchange_seq_id is not None
                and abs(exchange_seq_id - mm_oracle_sequence_id) < safe_div(exchange_seq_id, 10_000)
                and exchange_seq_id != 0 and mm_oracle_sequence_id != 0):
            exchange_oracle_is_more_recent = exchange_seq_id > mm_oracle_sequence_id
        else:
            exchange_oracle_is_more_recent = mm_oracle_delay > oracle_price_data.delay
        mm_usable = oracle_math.is_oracle_valid_for_action(mm_oracle_validity, DriftAction.UseMMOraclePrice)
        if (exchange_oracle_is_more_recent or mm_oracle_price == 0 or not mm_usable
                or price_diff_bps > _MM_EXCHANGE_FALLBACK_THRESHOLD):
            safe_oracle_price_data = oracle_price_data
        else:
            safe_oracle_price_data = OraclePriceData(
                price=mm_oracle_price,
                confidence=safe_add(oracle_price_data.confidence, abs(mm_oracle_price - oracle_price_data.price), U64),
                delay=mm_oracle_delay,
                has_sufficient_number_of_data_points=True,
                sequence_id=mm_oracle_sequence_id,
            )
        return cls(mm_oracle_price=mm_oracle_price, mm_oracle_delay=mm_oracle_delay,
                   mm_oracle_sequence_id=mm_oracle_sequence_id, mm_oracle_validity=mm_oracle_validity,
                   mm_exchange_diff_bps=price_diff_bps, exchange_oracle_price_data=oracle_price_data,
                   safe_oracle_price_data=safe_oracle_price_data)


@dataclass
class PoolBalance:
    """program: state/perp_market.rs::PoolBalance

    Implements the program's ``SpotBalance`` trait: ``balance_type`` is a read-only property (always Deposit),
    ``market_index`` the field.
    """

    scaled_balance: int = 0  # u128
    market_index: int = 0  # u16

    @property
    def balance_type(self) -> SpotBalanceType:
        """A pool balance is always a deposit. program: SpotBalance for PoolBalance::balance_type"""
        return SpotBalanceType.Deposit

    def balance(self) -> int:
        """The scaled balance. program: SpotBalance for PoolBalance::balance"""
        return self.scaled_balance

    def increase_balance(self, delta: int) -> None:
        """``scaled_balance += delta`` (u128). program: SpotBalance for PoolBalance::increase_balance"""
        self.scaled_balance = safe_add(self.scaled_balance, delta, U128)

    def decrease_balance(self, delta: int) -> None:
        """``scaled_balance -= delta`` (u128). program: SpotBalance for PoolBalance::decrease_balance"""
        self.scaled_balance = safe_sub(self.scaled_balance, delta, U128)

    def update_balance_type(self, balance_type: SpotBalanceType) -> None:
        """A pool cannot borrow: ``CantUpdateSpotBalanceType``. program: SpotBalance for PoolBalance"""
        raise CantUpdateSpotBalanceType(f"pool balance cannot become {balance_type}")


@dataclass
class InsuranceClaim:
    """program: state/perp_market.rs::InsuranceClaim"""

    revenue_withdraw_since_last_settle: int = 0  # i64
    max_revenue_withdraw_per_period: int = 0  # u64
    quote_max_insurance: int = 0  # u64
    quote_settled_insurance: int = 0  # u64
    last_revenue_withdraw_ts: int = 0  # i64


@dataclass
class AMM:
    """program: state/perp_market.rs::AMM"""

    oracle: str = ""  # Pubkey
    historical_oracle_data: HistoricalOracleData = field(default_factory=HistoricalOracleData)
    base_asset_amount_per_lp: int = 0  # i128
    quote_asset_amount_per_lp: int = 0  # i128
    fee_pool: PoolBalance = field(default_factory=PoolBalance)
    base_asset_reserve: int = 0  # u128
    quote_asset_reserve: int = 0  # u128
    concentration_coef: int = 0  # u128
    min_base_asset_reserve: int = 0  # u128
    max_base_asset_reserve: int = 0  # u128
    sqrt_k: int = 0  # u128
    peg_multiplier: int = 0  # u128
    terminal_quote_asset_reserve: int = 0  # u128
    base_asset_amount_long: int = 0  # i128
    base_asset_amount_short: int = 0  # i128
    base_asset_amount_with_amm: int = 0  # i128
    base_asset_amount_with_unsettled_lp: int = 0  # i128
    max_open_interest: int = 0  # u128
    quote_asset_amount: int = 0  # i128
    quote_entry_amount_long: int = 0  # i128
    quote_entry_amount_short: int = 0  # i128
    quote_break_even_amount_long: int = 0  # i128
    quote_break_even_amount_short: int = 0  # i128
    user_lp_shares: int = 0  # u128
    last_funding_rate: int = 0  # i64
    last_funding_rate_long: int = 0  # i64
    last_funding_rate_short: int = 0  # i64
    last_24h_avg_funding_rate: int = 0  # i64
    total_fee: int = 0  # i128
    total_mm_fee: int = 0  # i128
    total_exchange_fee: int = 0  # u128
    total_fee_minus_distributions: int = 0  # i128
    total_fee_withdrawn: int = 0  # u128
    total_liquidation_fee: int = 0  # u128
    cumulative_funding_rate_long: int = 0  # i128
    cumulative_funding_rate_short: int = 0  # i128
    total_social_loss: int = 0  # u128
    ask_base_asset_reserve: int = 0  # u128
    ask_quote_asset_reserve: int = 0  # u128
    bid_base_asset_reserve: int = 0  # u128
    bid_quote_asset_reserve: int = 0  # u128
    last_oracle_normalised_price: int = 0  # i64
    last_oracle_reserve_price_spread_pct: int = 0  # i64
    last_bid_price_twap: int = 0  # u64
    last_ask_price_twap: int = 0  # u64
    last_mark_price_twap: int = 0  # u64
    last_mark_price_twap_5min: int = 0  # u64
    last_update_slot: int = 0  # u64
    last_oracle_conf_pct: int = 0  # u64
    net_revenue_since_last_funding: int = 0  # i64
    last_funding_rate_ts: int = 0  # i64
    funding_period: int = 0  # i64
    order_step_size: int = 0  # u64
    order_tick_size: int = 0  # u64
    min_order_size: int = 1  # u64
    mm_oracle_slot: int = 0  # u64
    volume_24h: int = 0  # u64
    long_intensity_volume: int = 0  # u64
    short_intensity_volume: int = 0  # u64
    last_trade_ts: int = 0  # i64
    mark_std: int = 0  # u64
    oracle_std: int = 0  # u64
    last_mark_price_twap_ts: int = 0  # i64
    base_spread: int = 0  # u32
    max_spread: int = 0  # u32
    long_spread: int = 0  # u32
    short_spread: int = 0  # u32
    mm_oracle_price: int = 0  # i64
    max_fill_reserve_fraction: int = 0  # u16
    max_slippage_ratio: int = 0  # u16
    curve_update_intensity: int = 0  # u8
    amm_jit_intensity: int = 0  # u8
    oracle_source: OracleSource = OracleSource.Pyth
    last_oracle_valid: bool = False
    target_base_asset_amount_per_lp: int = 0  # i32
    per_lp_base: int = 0  # i8
    oracle_low_risk_slot_delay_override: int = 0  # i8
    amm_spread_adjustment: int = 0  # i8
    oracle_slot_delay_override: int = -1  # i8
    mm_oracle_sequence_id: int = 0  # u64
    net_unsettled_funding_pnl: int = 0  # i64
    quote_asset_amount_with_unsettled_lp: int = 0  # i64
    reference_price_offset: int = 0  # i32
    amm_inventory_spread_adjustment: int = 0  # i8
    reference_price_offset_deadband_pct: int = 0  # u8
    last_funding_oracle_twap: int = 0  # i64

    def reserve_price(self) -> int:
        """``quote_asset_reserve * peg_multiplier / base_asset_reserve``. program: AMM::reserve_price"""
        return amm_math.calculate_price(self.quote_asset_reserve, self.base_asset_reserve, self.peg_multiplier)

    def bid_price(self, reserve_price: int) -> int:
        """``reserve_price * (1 - short_spread + reference_price_offset)`` in 1e6. program: AMM::bid_price"""
        adjusted_spread = safe_add(-cast(self.short_spread, I32), self.reference_price_offset, I32)
        multiplier = cast(safe_add(BID_ASK_SPREAD_PRECISION, adjusted_spread, I128), U128)
        return cast(safe_div(safe_mul(reserve_price, multiplier, U128), BID_ASK_SPREAD_PRECISION), U64)

    def ask_price(self, reserve_price: int) -> int:
        """``reserve_price * (1 + long_spread + reference_price_offset)`` in 1e6. program: AMM::ask_price"""
        adjusted_spread = safe_add(cast(self.long_spread, I32), self.reference_price_offset, I32)
        multiplier = cast(safe_add(BID_ASK_SPREAD_PRECISION, adjusted_spread, I128), U128)
        return cast(safe_div(safe_mul(reserve_price, multiplier, U128), BID_ASK_SPREAD_PRECISION), U64)

    def bid_ask_price(self, reserve_price: int) -> tuple[int, int]:
        """``(bid_price, ask_price)``. program: AMM::bid_ask_price"""
        return self.bid_price(reserve_price), self.ask_price(reserve_price)

    def last_ask_premium(self) -> int:
        """Ask price minus the last oracle price. program: AMM::last_ask_premium"""
        ask = cast(self.ask_price(self.reserve_price()), I64)
        return safe_sub(ask, self.historical_oracle_data.last_oracle_price, I64)

    def last_bid_discount(self) -> int:
        """Last oracle price minus the bid price. program: AMM::last_bid_discount"""
        bid = cast(self.bid_price(self.reserve_price()), I64)
        return safe_sub(self.historical_oracle_data.last_oracle_price, bid, I64)

    def can_lower_k(self) -> bool:
        """Whether k may shrink: inventory below both sides' liquidity and min order size below sqrt_k.

        program: AMM::can_lower_k
        """
        max_bids, max_asks = amm_math.calculate_market_open_bids_asks(self)
        inventory = abs(self.base_asset_amount_with_amm)
        return (inventory < min(abs(max_bids), abs(max_asks))
                and max(inventory, self.min_order_size) < self.sqrt_k
                and self.min_order_size < max(abs(max_bids), abs(max_asks)))

    def get_lower_bound_sqrt_k(self) -> int:
        """``min(sqrt_k, max(min_order_size, |base_asset_amount_with_amm|))``. program: AMM::get_lower_bound_sqrt_k"""
        return min(self.sqrt_k, max(self.min_order_size, abs(self.base_asset_amount_with_amm)))

    def get_protocol_owned_position(self) -> int:
        """The users' net position against the AMM as i64. program: AMM::get_protocol_owned_position"""
        return cast(self.base_asset_amount_with_amm, I64)

    def get_reference_price_offset_deadband_pct(self) -> int:
        """``reference_price_offset_deadband_pct`` (percent) in PERCENTAGE_PRECISION.

        program: AMM::get_reference_price_offset_deadband_pct
        """
        return PERCENTAGE_PRECISION * self.reference_price_offset_deadband_pct // 100

    def get_max_reference_price_offset(self) -> int:
        """Cap on the reference price offset from ``curve_update_intensity``.

        0 up to intensity 100; ``max(max_spread/2, 1%)`` from 200; between, ``min(max_spread/2, (i-100) bps)``.
        program: AMM::get_max_reference_price_offset
        """
        if self.curve_update_intensity <= 100:
            return 0
        if self.curve_update_intensity >= 200:
            return max(self.max_spread // 2, 10_000)
        lower_bound_bps = (PERCENTAGE_PRECISION // 10_000) * (self.curve_update_intensity - 100)
        return min(self.max_spread // 2, lower_bound_bps)

    def amm_jit_is_active(self) -> bool:
        """``amm_jit_intensity > 0``. program: AMM::amm_jit_is_active"""
        return self.amm_jit_intensity > 0

    def amm_wants_to_jit_make(self, taker_direction: PositionDirection) -> bool:
        """The AMM takes the other side of a taker when that reduces its inventory by more than a step.

        program: AMM::amm_wants_to_jit_make
        """
        if taker_direction == PositionDirection.Long:
            wants = self.base_asset_amount_with_amm < -self.order_step_size
        else:
            wants = self.base_asset_amount_with_amm > self.order_step_size
        return wants and self.amm_jit_is_active()

    def amm_has_low_enough_inventory(self, amm_wants_to_jit_make: bool) -> bool:
        """Inventory below a tenth of the smaller side's liquidity (always true when not JIT making).

        program: AMM::amm_has_low_enough_inventory
        """
        if not amm_wants_to_jit_make:
            return True
        max_bids, max_asks = amm_math._calculate_market_open_bids_asks(
            self.base_asset_reserve, self.min_base_asset_reserve, self.max_base_asset_reserve)
        return abs(self.base_asset_amount_with_amm) < safe_div(min(max_bids, abs(max_asks)), 10)

    # -- Backstop AMM Liquidity: methods of AMM at v2.136.0, removed by v2.161.0 (bodies in lp.py) --

    def get_per_lp_base_unit(self) -> int:
        """One LP share's unit: ``1e9 * 10**per_lp_base`` (``1e9 / 10**-per_lp_base`` when negative), i128.

        program (v2.136.0): state/perp_market.rs::AMM::get_per_lp_base_unit
        """
        return lp_math._amm_get_per_lp_base_unit(self)

    def calculate_lp_base_delta(self, per_lp_delta_base: int, base_unit: int) -> int:
        """All LP shares' part of a per-share amount: ``per_lp_delta * user_lp_shares / base_unit``.

        program (v2.136.0): state/perp_market.rs::AMM::calculate_lp_base_delta
        """
        return lp_math._amm_calculate_lp_base_delta(self, per_lp_delta_base, base_unit)

    def calculate_per_lp_delta(self, delta: position_controller.PositionDelta, fee_to_market: int,
                               liquidity_split: AMMLiquiditySplit, base_unit: int) -> tuple[int, int, int]:
        """``(per_lp_base, per_lp_quote, per_lp_fee)``: a user's fill per LP share, and the LPs' fee per share.

        Per share of ``sqrt_k`` (of ``user_lp_shares`` when the split is LPOwned): ``delta * base_unit / shares``;
        when the user sold (per-share base < 0, the LPs buy) the per-share quote gets +1, against the LPs.
        ``per_lp_fee = (fee_to_market * 8/10) * base_unit / shares`` for a positive fee, else 0.
        program (v2.136.0): state/perp_market.rs::AMM::calculate_per_lp_delta
        """
        return lp_math._amm_calculate_per_lp_delta(self, delta, fee_to_market, liquidity_split, base_unit)

    def get_target_base_asset_amount_per_lp(self) -> int:
        """``target_base_asset_amount_per_lp`` rescaled by ``10**per_lp_base``.

        program (v2.136.0): state/perp_market.rs::AMM::get_target_base_asset_amount_per_lp
        """
        return lp_math._amm_get_target_base_asset_amount_per_lp(self)

    def imbalanced_base_asset_amount_with_lp(self) -> int:
        """The LPs' base beyond their target: ``(base_per_lp - target) * user_lp_shares / base_unit``.

        program (v2.136.0): state/perp_market.rs::AMM::imbalanced_base_asset_amount_with_lp
        """
        return lp_math._amm_imbalanced_base_asset_amount_with_lp(self)

    def amm_lp_wants_to_jit_make(self, taker_direction: PositionDirection) -> bool:
        """LPs exist, their per-share base is beyond target on the taker's side, and ``amm_jit_intensity > 100``.

        program (v2.136.0): state/perp_market.rs::AMM::amm_lp_wants_to_jit_make
        """
        return lp_math._amm_lp_wants_to_jit_make(self, taker_direction)

    def amm_lp_allowed_to_jit_make(self, amm_wants_to_jit_make: bool) -> bool:
        """Inventory below a tenth of the protocol-owned part of the smaller side (true when not JIT making).

        program (v2.136.0): state/perp_market.rs::AMM::amm_lp_allowed_to_jit_make
        """
        return lp_math._amm_lp_allowed_to_jit_make(self, amm_wants_to_jit_make)

    def amm_lp_jit_is_active(self) -> bool:
        """``amm_jit_intensity > 100``: intensities 101-200 let LPs JIT make too.

        program (v2.136.0): state/perp_market.rs::AMM::amm_lp_jit_is_active
        """
        return self.amm_jit_intensity > 100

    def update_volume_24h(self, quote_asset_amount: int, position_direction: PositionDirection, now: int) -> None:
        """Record a trade: the hourly long/short intensities and the 24h rolling volume; ``last_trade_ts = now``.

        ``volume_24h = rolling_sum(volume_24h, q, max(1, now - last_trade_ts), 86400)``.
        program: AMM::update_volume_24h
        """
        since_last = max(1, safe_sub(now, self.last_trade_ts, I64))
        amm_math.update_amm_long_short_intensity(self, now, quote_asset_amount, position_direction)
        self.volume_24h = stats_math.calculate_rolling_sum(self.volume_24h, quote_asset_amount, since_last,
                                                           TWENTY_FOUR_HOUR)
        self.last_trade_ts = now

    def get_new_oracle_conf_pct(self, confidence: int, reserve_price: int, now: int) -> int:
        """``max(conf * 1e6 / reserve_price, decayed last_oracle_conf_pct)``.

        The previous value decays by ``prev / max(21 - dt, 5)`` with ``dt`` seconds since the last oracle TWAP
        update (no decay when ``dt <= 0``), so the confidence widens at once and narrows slowly.
        program: AMM::get_new_oracle_conf_pct
        """
        since_last = max(safe_sub(now, self.historical_oracle_data.last_oracle_price_twap_ts, I64), 0)
        if since_last > 0:
            confidence_divisor = max(max(21 - cast(since_last, U64), 0), 5)
            lower_bound = safe_sub(self.last_oracle_conf_pct, self.last_oracle_conf_pct // confidence_divisor, U64)
        else:
            lower_bound = self.last_oracle_conf_pct
        return max(safe_div(safe_mul(confidence, BID_ASK_SPREAD_PRECISION, U64), reserve_price), lower_bound)

    def is_recent_oracle_valid(self, current_slot: int) -> bool:
        """``last_oracle_valid and current_slot == last_update_slot``. program: AMM::is_recent_oracle_valid"""
        return self.last_oracle_valid and current_slot == self.last_update_slot

    def update_mm_oracle_info(self, mm_oracle_price: int, mm_oracle_slot: int) -> None:
        """Store the market maker oracle's price and slot. program: AMM::update_mm_oracle_info"""
        self.mm_oracle_price = mm_oracle_price
        self.mm_oracle_slot = mm_oracle_slot


@dataclass
class PerpMarket:
    """program: state/perp_market.rs::PerpMarket"""

    pubkey: str = ""  # Pubkey
    amm: AMM = field(default_factory=AMM)
    pnl_pool: PoolBalance = field(default_factory=PoolBalance)
    name: bytes = b""  # [u8; 32]
    insurance_claim: InsuranceClaim = field(default_factory=InsuranceClaim)
    unrealized_pnl_max_imbalance: int = 0  # u64
    expiry_ts: int = 0  # i64
    expiry_price: int = 0  # i64
    next_fill_record_id: int = 0  # u64
    next_funding_rate_record_id: int = 0  # u64
    next_curve_record_id: int = 0  # u64
    imf_factor: int = 0  # u32
    unrealized_pnl_imf_factor: int = 0  # u32
    liquidator_fee: int = 0  # u32
    if_liquidation_fee: int = 0  # u32
    margin_ratio_initial: int = 0  # u32
    margin_ratio_maintenance: int = 0  # u32
    unrealized_pnl_initial_asset_weight: int = 0  # u32
    unrealized_pnl_maintenance_asset_weight: int = 0  # u32
    number_of_users_with_base: int = 0  # u32
    number_of_users: int = 0  # u32
    market_index: int = 0  # u16
    status: MarketStatus = MarketStatus.Initialized
    contract_type: ContractType = ContractType.Perpetual
    contract_tier: ContractTier = ContractTier.HighlySpeculative
    paused_operations: int = 0  # u8
    quote_spot_market_index: int = 0  # u16
    fee_adjustment: int = 0  # i16
    fuel_boost_position: int = 0  # u8
    fuel_boost_taker: int = 0  # u8
    fuel_boost_maker: int = 0  # u8
    pool_id: int = 0  # u8
    high_leverage_margin_ratio_initial: int = 0  # u16
    high_leverage_margin_ratio_maintenance: int = 0  # u16
    protected_maker_limit_price_divisor: int = 0  # u8
    protected_maker_dynamic_divisor: int = 0  # u8
    lp_fee_transfer_scalar: int = 0  # u8
    lp_status: int = 0  # u8
    lp_paused_operations: int = 0  # u8
    lp_exchange_fee_excluscion_scalar: int = 0  # u8
    last_fill_price: int = 0  # u64
    lp_pool_id: int = 0  # u8
    market_config: int = 0  # u8

    def __deepcopy__(self, memo: dict[int, object]) -> PerpMarket:
        """A deep copy built field by field: the only mutable members are the nested structs (``amm`` with its
        ``historical_oracle_data`` and ``fee_pool``, ``pnl_pool``, ``insurance_claim``); the rest are ints,
        bytes, strings and enums. Same result as ``copy.deepcopy``'s generic walk, ~50x faster (the repeg math
        copies the market on every AMM update)."""
        new = _copy.copy(self)
        new.amm = _copy.copy(self.amm)
        new.amm.historical_oracle_data = _copy.copy(self.amm.historical_oracle_data)
        new.amm.fee_pool = _copy.copy(self.amm.fee_pool)
        new.pnl_pool = _copy.copy(self.pnl_pool)
        new.insurance_claim = _copy.copy(self.insurance_claim)
        memo[id(self)] = new
        return new

    def oracle_id(self) -> tuple[str, OracleSource]:
        """``(amm.oracle, amm.oracle_source)``: the market's key in the oracle map. program: PerpMarket::oracle_id"""
        return self.amm.oracle, self.amm.oracle_source

    def is_high_leverage_mode_enabled(self) -> bool:
        """Both high-leverage margin ratios are set. program: PerpMarket::is_high_leverage_mode_enabled"""
        return self.high_leverage_margin_ratio_initial > 0 and self.high_leverage_margin_ratio_maintenance > 0

    def get_margin_ratio(self, size: int, margin_type: MarginRequirementType, user_high_leverage_mode: bool) -> int:
        """Margin ratio (MARGIN_PRECISION) for a position of ``size`` base (AMM_RESERVE_PRECISION).

        Default by type: Initial ``mri``, Fill ``(mri + mrm) / 2``, Maintenance ``mrm`` (the HLM ratios for an
        HLM user when the market has them), raised by the IMF size premium (bounded). HLM Initial/Fill instead
        interpolate between the HLM default and the normal ratio (``calc_high_leverage_mode_initial_margin_ratio
        _from_size``). 0 in settlement.
        program: PerpMarket::get_margin_ratio
        """
        if self.status == MarketStatus.Settlement:
            return 0
        is_high_leverage_user = user_high_leverage_mode and self.is_high_leverage_mode_enabled()
        if is_high_leverage_user:
            margin_ratio_initial = self.high_leverage_margin_ratio_initial
            margin_ratio_maintenance = self.high_leverage_margin_ratio_maintenance
        else:
            margin_ratio_initial, margin_ratio_maintenance = self.margin_ratio_initial, self.margin_ratio_maintenance
        if margin_type == MarginRequirementType.Initial:
            default_margin_ratio = margin_ratio_initial
        elif margin_type == MarginRequirementType.Fill:
            default_margin_ratio = safe_add(margin_ratio_initial, margin_ratio_maintenance, U32) // 2
        else:
            default_margin_ratio = margin_ratio_maintenance
        if is_high_leverage_user and margin_type != MarginRequirementType.Maintenance:
            if margin_type == MarginRequirementType.Initial:
                pre_size_adj_margin_ratio = self.margin_ratio_initial
            else:
                pre_size_adj_margin_ratio = safe_add(self.margin_ratio_initial, self.margin_ratio_maintenance, U32) // 2
            size_adj_margin_ratio = margin_math.calculate_size_premium_liability_weight(
                size, self.imf_factor, pre_size_adj_margin_ratio, MARGIN_PRECISION_U128, False)
            return margin_math.calc_high_leverage_mode_initial_margin_ratio_from_size(
                pre_size_adj_margin_ratio, size_adj_margin_ratio, default_margin_ratio)
        size_adj_margin_ratio = margin_math.calculate_size_premium_liability_weight(
            size, self.imf_factor, default_margin_ratio, MARGIN_PRECISION_U128, True)
        return max(default_margin_ratio, size_adj_margin_ratio)

    def get_base_liquidator_fee(self, user_high_leverage_mode: bool) -> int:
        """``liquidator_fee``; for an HLM user ``min(liquidator_fee, 0.8 * hlm_maintenance * 100)`` (1e6).

        program: PerpMarket::get_base_liquidator_fee
        """
        if user_high_leverage_mode and self.is_high_leverage_mode_enabled():
            margin_ratio = min(self.high_leverage_margin_ratio_maintenance * LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO,
                               U32.max)
            return min(self.liquidator_fee, max(margin_ratio - margin_ratio // 5, 0))
        return self.liquidator_fee

    def get_max_liquidation_fee(self) -> int:
        """``min(3 * liquidator_fee, margin_ratio_maintenance * 100)`` (LIQUIDATION_FEE_PRECISION).

        program: PerpMarket::get_max_liquidation_fee
        """
        maintenance_fee = self.margin_ratio_maintenance * (LIQUIDATION_FEE_PRECISION // MARGIN_PRECISION)
        return min(safe_mul(self.liquidator_fee, MAX_LIQUIDATION_MULTIPLIER, U32), min(maintenance_fee, U32.max))

    def get_unrealized_asset_weight(self, unrealized_pnl: int, margin_type: MarginRequirementType) -> int:
        """Weight (SPOT_WEIGHT_PRECISION) of unrealized P&L as collateral.

        Losses weigh 1e4. Gains: Maintenance ``unrealized_pnl_maintenance_asset_weight``; Initial/Fill the initial
        weight (first scaled by ``max_imbalance / net_user_pnl`` when users' net P&L exceeds
        ``unrealized_pnl_max_imbalance``), size-discounted by ``unrealized_pnl_imf_factor`` on ``pnl * 1000``.
        program: PerpMarket::get_unrealized_asset_weight
        """
        if margin_type in (MarginRequirementType.Initial, MarginRequirementType.Fill):
            margin_asset_weight = self.unrealized_pnl_initial_asset_weight
        else:
            margin_asset_weight = self.unrealized_pnl_maintenance_asset_weight
        if (margin_asset_weight > 0 and margin_type in (MarginRequirementType.Fill, MarginRequirementType.Initial)
                and self.unrealized_pnl_max_imbalance > 0):
            net_unsettled_pnl = amm_math.calculate_net_user_pnl(self.amm,
                                                                self.amm.historical_oracle_data.last_oracle_price)
            if net_unsettled_pnl > self.unrealized_pnl_max_imbalance:
                margin_asset_weight = cast(safe_div(safe_mul(margin_asset_weight, self.unrealized_pnl_max_imbalance,
                                                             U128), abs(net_unsettled_pnl)), U32)
        if unrealized_pnl <= 0:
            return SPOT_WEIGHT_PRECISION
        if margin_type == MarginRequirementType.Maintenance:
            return self.unrealized_pnl_maintenance_asset_weight
        if margin_asset_weight == 0:
            return 0
        return margin_math.calculate_size_discount_asset_weight(
            safe_mul(abs(unrealized_pnl), AMM_TO_QUOTE_PRECISION_RATIO, U128), self.unrealized_pnl_imf_factor,
            margin_asset_weight)

    def is_in_settlement(self, now: int) -> bool:
        """Status Settlement/Delisted, or past a non-zero ``expiry_ts``. program: PerpMarket::is_in_settlement"""
        in_settlement = self.status in (MarketStatus.Settlement, MarketStatus.Delisted)
        return in_settlement or (self.expiry_ts != 0 and now >= self.expiry_ts)

    def is_reduce_only(self) -> bool:
        """``status == ReduceOnly``. program: PerpMarket::is_reduce_only"""
        return self.status == MarketStatus.ReduceOnly

    def has_too_much_drawdown(self) -> bool:
        """Whether the AMM lost too much since the last funding update to keep filling.

        Only once ``net_revenue_since_last_funding <= -$25 * 400`` (tiers A, B) or ``-$25 * 200`` (others); then
        ``pct = net_rev * 1e6 / max(total_fee_minus_distributions, 1)`` must be ``<= -1/50`` (A), ``-1/33`` (B),
        ``-1/25`` (C) or ``-1/20`` (others).
        program: PerpMarket::has_too_much_drawdown
        """
        net_revenue = self.amm.net_revenue_since_last_funding
        multiple = 400 if self.contract_tier in (ContractTier.A, ContractTier.B) else 200
        if not net_revenue <= DEFAULT_REVENUE_SINCE_LAST_FUNDING_SPREAD_RETREAT * multiple:
            return False
        percent_drawdown = safe_div(safe_mul(net_revenue, PERCENTAGE_PRECISION_I128, I128),
                                    max(self.amm.total_fee_minus_distributions, 1))
        divisor = {ContractTier.A: 50, ContractTier.B: 33, ContractTier.C: 25}.get(self.contract_tier, 20)
        return percent_drawdown <= safe_div(-PERCENTAGE_PRECISION_I128, divisor)

    def get_sanitize_clamp_denominator(self) -> int | None:
        """TWAP input clamp denominator: A 10, B 5, C 2, others None (the default 3).

        program: PerpMarket::get_sanitize_clamp_denominator
        """
        return {ContractTier.A: 10, ContractTier.B: 5, ContractTier.C: 2}.get(self.contract_tier)

    def get_max_price_divergence_for_funding_rate(self, oracle_price_twap: int) -> int:
        """Funding clamp on the mark-oracle spread: ``oracle_twap / 33`` (A, B), ``/ 20`` (C), ``/ 10`` (others).

        program: PerpMarket::get_max_price_divergence_for_funding_rate
        """
        if self.contract_tier.is_as_safe_as_contract(ContractTier.B):
            return safe_div(oracle_price_twap, 33)
        if self.contract_tier.is_as_safe_as_contract(ContractTier.C):
            return safe_div(oracle_price_twap, 20)
        return safe_div(oracle_price_twap, 10)

    def get_open_interest(self) -> int:
        """``max(|base_asset_amount_long|, |base_asset_amount_short|)``. program: PerpMarket::get_open_interest"""
        return max(abs(self.amm.base_asset_amount_long), abs(self.amm.base_asset_amount_short))

    def get_market_depth_for_funding_rate(self) -> int:
        """``clamp(open_interest / 1000, 100 * min_order_size, 5000 * min_order_size)``.

        program: PerpMarket::get_market_depth_for_funding_rate
        """
        depth = cast(safe_div(self.get_open_interest(), 1000), U64)
        low = safe_mul(self.amm.min_order_size, 100, U64)
        high = safe_mul(self.amm.min_order_size, 5000, U64)
        if low > high:
            raise MathError("clamp bounds inverted (the program panics)")
        return min(max(depth, low), high)

    def is_price_divergence_ok_for_settle_pnl(self, oracle_price: int) -> bool:
        """Whether P&L may settle at ``oracle_price``: close enough to the 5-minute TWAP and calm enough.

        ``|oracle - twap5| * 1e6 / min(twap5, oracle)`` must stay below 50 bps (A, B), 100 bps (C) or 250 bps,
        and ``max(oracle_std, mark_std)`` below ``min(oracle, twap5)`` / 50, / 20 or / 10 by tier.
        program: PerpMarket::is_price_divergence_ok_for_settle_pnl
        """
        twap_5min = self.amm.historical_oracle_data.last_oracle_price_twap_5min
        oracle_divergence = abs(safe_div(safe_mul(safe_sub(oracle_price, twap_5min, I64), PERCENTAGE_PRECISION_I64,
                                                  I64), min(twap_5min, oracle_price)))
        tier = self.contract_tier
        if tier in (ContractTier.A, ContractTier.B):
            divergence_limit, std_divisor = PERCENTAGE_PRECISION_U64 // 200, 50
        elif tier == ContractTier.C:
            divergence_limit, std_divisor = PERCENTAGE_PRECISION_U64 // 100, 20
        else:
            divergence_limit, std_divisor = PERCENTAGE_PRECISION_U64 // 40, 10
        if oracle_divergence >= divergence_limit:
            return False
        std_limit = abs(safe_div(min(oracle_price, twap_5min), std_divisor))
        return not max(self.amm.oracle_std, self.amm.mark_std) >= std_limit

    def get_mm_oracle_price_data(
        self, oracle_price_data: OraclePriceData, clock_slot: int, oracle_guard_rails: ValidityGuardRails
    ) -> MMOraclePriceData:
        """The market maker oracle (``amm.mm_oracle_price`` at ``amm.mm_oracle_slot``) against the exchange oracle.

        Its delay is ``clock_slot - mm_oracle_slot``; a zero MM price is NonPositive, otherwise its validity comes
        from ``oracle_validity`` (math/oracle.rs). The result is ``MMOraclePriceData::new``.
        program: PerpMarket::get_mm_oracle_price_data
        """
        delay = safe_sub(cast(clock_slot, I64), cast(self.amm.mm_oracle_slot, I64), I64)
        validity: oracle_math.OracleValidityLike
        if self.amm.mm_oracle_price == 0:
            validity = OracleValidity.NonPositive
        else:
            oracle_data = OraclePriceData(price=self.amm.mm_oracle_price, confidence=oracle_price_data.confidence,
                                          delay=delay, has_sufficient_number_of_data_points=True, sequence_id=None)
            validity = oracle_math.oracle_validity(
                MarketType.Perp, self.market_index, self.amm.historical_oracle_data.last_oracle_price_twap,
                oracle_data, oracle_guard_rails, self.get_max_confidence_interval_multiplier(),
                self.amm.oracle_source, LogMode.MMOracle, self.amm.oracle_slot_delay_override,
                self.amm.oracle_low_risk_slot_delay_override)
        return MMOraclePriceData.new(self.amm.mm_oracle_price, delay, self.amm.mm_oracle_sequence_id, validity,
                                     oracle_price_data)

    def get_quote_asset_reserve_prediction_market_bounds(self, direction: PositionDirection) -> tuple[int, int]:
        """Quote-reserve bounds keeping a prediction market's ask at or above $0.05 and its bid at most $0.95.

        ``peg_sqrt = isqrt(peg * 1e6 + 1) + 1``; ``upper = sqrt_k * peg_sqrt / peg`` (the $1 reserve), lower 0;
        Long raises the lower bound to ``sqrt_k * 22361 * peg_sqrt / 100000 / peg``, Short lowers the upper to
        ``sqrt_k * 97467 * peg_sqrt / 100000 / peg``.
        program: PerpMarket::get_quote_asset_reserve_prediction_market_bounds
        """
        amm = self.amm
        peg_sqrt = nth_root(min(safe_mul(amm.peg_multiplier, PEG_PRECISION, U128) + 1, U128.max), 2)
        peg_sqrt = min(peg_sqrt + 1, U128.max)
        lower = 0
        upper = safe_div(safe_mul(amm.sqrt_k, peg_sqrt, U128), amm.peg_multiplier)
        if direction == PositionDirection.Long:
            lower = safe_div(safe_div(safe_mul(safe_mul(amm.sqrt_k, 22361, U128), peg_sqrt, U128), 100000),
                             amm.peg_multiplier)
        else:
            upper = safe_div(safe_div(safe_mul(safe_mul(amm.sqrt_k, 97467, U128), peg_sqrt, U128), 100000),
                             amm.peg_multiplier)
        return lower, upper

    def has_market_config_flag(self, flag: MarketConfigFlag) -> bool:
        """``market_config & flag != 0``. program: PerpMarket::has_market_config_flag"""
        return self.market_config & int(flag) != 0

    def is_operation_paused(self, operation: PerpOperation) -> bool:
        """``paused_operations & operation != 0``. program: state/perp_market.rs::PerpMarket::is_operation_paused"""
        return PerpOperation.is_operation_paused(self.paused_operations, operation)

    def get_max_confidence_interval_multiplier(self) -> int:
        """Confidence-band multiplier by tier: A/B 1, C 2, Speculative 10, HighlySpeculative/Isolated 50.

        program: state/perp_market.rs::PerpMarket::get_max_confidence_interval_multiplier
        """
        return {ContractTier.A: 1, ContractTier.B: 1, ContractTier.C: 2, ContractTier.Speculative: 10,
                ContractTier.HighlySpeculative: 50, ContractTier.Isolated: 50}[self.contract_tier]

    def get_auction_end_min_max_divisors(self) -> tuple[int, int]:
        """Auction end buffer clamp ``(twap/min_div .. twap/max_div)`` by tier.

        A (1000, 50), B (1000, 20), C (500, 20), Speculative (100, 10), HighlySpeculative/Isolated (50, 5).
        program: state/perp_market.rs::PerpMarket::get_auction_end_min_max_divisors
        """
        return {ContractTier.A: (1000, 50), ContractTier.B: (1000, 20), ContractTier.C: (500, 20),
                ContractTier.Speculative: (100, 10), ContractTier.HighlySpeculative: (50, 5),
                ContractTier.Isolated: (50, 5)}[self.contract_tier]

    def can_sanitize_market_order_auctions(self) -> bool:
        """Not a Prelaunch oracle. program: state/perp_market.rs::PerpMarket::can_sanitize_market_order_auctions"""
        return self.amm.oracle_source != OracleSource.Prelaunch

    def is_prediction_market(self) -> bool:
        """``contract_type == Prediction``. program: state/perp_market.rs::PerpMarket::is_prediction_market"""
        return self.contract_type == ContractType.Prediction

    def get_protected_maker_params(self) -> ProtectedMakerParams:
        """Protected-maker limit-price divisor, dynamic offset ``max(oracle_std, mark_std)/divisor`` and tick.

        program: state/perp_market.rs::PerpMarket::get_protected_maker_params
        """
        if self.protected_maker_dynamic_divisor > 0:
            dynamic_offset = max(self.amm.oracle_std, self.amm.mark_std) // self.protected_maker_dynamic_divisor
        else:
            dynamic_offset = 0
        return ProtectedMakerParams(limit_price_divisor=self.protected_maker_limit_price_divisor,
                                    dynamic_offset=dynamic_offset, tick_size=self.amm.order_tick_size)

    def update_market_with_counterparty(self, delta: position_controller.PositionDelta,
                                        new_settled_base_asset_amount: int) -> None:
        """An LP settling (a delta with a remainder) moves base and quote into ``*_with_unsettled_lp``.

        program (v2.136.0): state/perp_market.rs::PerpMarket::update_market_with_counterparty
        """
        lp_math._market_update_market_with_counterparty(self, delta, new_settled_base_asset_amount)


@dataclass
class InsuranceFund:
    """program: state/spot_market.rs::InsuranceFund"""

    vault: str = ""  # Pubkey
    total_shares: int = 0  # u128
    user_shares: int = 0  # u128
    shares_base: int = 0  # u128
    unstaking_period: int = 0  # i64
    last_revenue_settle_ts: int = 0  # i64
    revenue_settle_period: int = 0  # i64
    total_factor: int = 0  # u32
    user_factor: int = 0  # u32

    def get_protocol_shares(self) -> int:
        """``total_shares - user_shares`` (u128). program: state/spot_market.rs::InsuranceFund::get_protocol_shares"""
        return safe_sub(self.total_shares, self.user_shares, U128)


@dataclass
class SpotMarket:
    """program: state/spot_market.rs::SpotMarket"""

    pubkey: str = ""  # Pubkey
    oracle: str = ""  # Pubkey
    mint: str = ""  # Pubkey
    vault: str = ""  # Pubkey
    name: bytes = b""  # [u8; 32]
    historical_oracle_data: HistoricalOracleData = field(default_factory=HistoricalOracleData)
    historical_index_data: HistoricalIndexData = field(default_factory=HistoricalIndexData)
    revenue_pool: PoolBalance = field(default_factory=PoolBalance)
    spot_fee_pool: PoolBalance = field(default_factory=PoolBalance)
    insurance_fund: InsuranceFund = field(default_factory=InsuranceFund)
    total_spot_fee: int = 0  # u128
    deposit_balance: int = 0  # u128
    borrow_balance: int = 0  # u128
    cumulative_deposit_interest: int = 0  # u128
    cumulative_borrow_interest: int = 0  # u128
    total_social_loss: int = 0  # u128
    total_quote_social_loss: int = 0  # u128
    withdraw_guard_threshold: int = 0  # u64
    max_token_deposits: int = 0  # u64
    deposit_token_twap: int = 0  # u64
    borrow_token_twap: int = 0  # u64
    utilization_twap: int = 0  # u64
    last_interest_ts: int = 0  # u64
    last_twap_ts: int = 0  # u64
    expiry_ts: int = 0  # i64
    order_step_size: int = 1  # u64
    order_tick_size: int = 0  # u64
    min_order_size: int = 0  # u64
    max_position_size: int = 0  # u64
    next_fill_record_id: int = 0  # u64
    next_deposit_record_id: int = 0  # u64
    initial_asset_weight: int = 0  # u32
    maintenance_asset_weight: int = 0  # u32
    initial_liability_weight: int = 0  # u32
    maintenance_liability_weight: int = 0  # u32
    imf_factor: int = 0  # u32
    liquidator_fee: int = 0  # u32
    if_liquidation_fee: int = 0  # u32
    optimal_utilization: int = 0  # u32
    optimal_borrow_rate: int = 0  # u32
    max_borrow_rate: int = 0  # u32
    decimals: int = 0  # u32
    market_index: int = 0  # u16
    orders_enabled: bool = False
    oracle_source: OracleSource = OracleSource.Pyth
    status: MarketStatus = MarketStatus.Initialized
    asset_tier: AssetTier = AssetTier.Unlisted
    paused_operations: int = 0  # u8
    if_paused_operations: int = 0  # u8
    fee_adjustment: int = 0  # i16
    max_token_borrows_fraction: int = 0  # u16
    flash_loan_amount: int = 0  # u64
    flash_loan_initial_token_amount: int = 0  # u64
    total_swap_fee: int = 0  # u64
    scale_initial_asset_weight_start: int = 0  # u64
    min_borrow_rate: int = 0  # u8
    fuel_boost_deposits: int = 0  # u8
    fuel_boost_borrows: int = 0  # u8
    fuel_boost_taker: int = 0  # u8
    fuel_boost_maker: int = 0  # u8
    fuel_boost_insurance: int = 0  # u8
    token_program_flag: int = 0  # u8
    pool_id: int = 0  # u8

    def is_operation_paused(self, operation: SpotOperation) -> bool:
        """``paused_operations & operation != 0``. program: state/spot_market.rs::SpotMarket::is_operation_paused"""
        return SpotOperation.is_operation_paused(self.paused_operations, operation)

    def is_in_settlement(self, now: int) -> bool:
        """Status Settlement/Delisted, or past a non-zero ``expiry_ts``. program: SpotMarket::is_in_settlement"""
        in_settlement = self.status in (MarketStatus.Settlement, MarketStatus.Delisted)
        return in_settlement or (self.expiry_ts != 0 and now >= self.expiry_ts)

    def is_reduce_only(self) -> bool:
        """``status == ReduceOnly``. program: SpotMarket::is_reduce_only"""
        return self.status == MarketStatus.ReduceOnly

    def is_insurance_fund_operation_paused(self, operation: InsuranceFundOperation) -> bool:
        """``if_paused_operations & operation != 0``. program: SpotMarket::is_insurance_fund_operation_paused"""
        return self.if_paused_operations & operation != 0

    def fills_enabled(self) -> bool:
        """Active or ReduceOnly, and fills not paused. program: SpotMarket::fills_enabled"""
        return (self.status in (MarketStatus.Active, MarketStatus.ReduceOnly)
                and not self.is_operation_paused(SpotOperation.Fill))

    def get_max_confidence_interval_multiplier(self) -> int:
        """Oracle confidence multiplier by asset tier: 1, 1, 5, 50, 50. program: SpotMarket"""
        return {AssetTier.Collateral: 1, AssetTier.Protected: 1, AssetTier.Cross: 5, AssetTier.Isolated: 50,
                AssetTier.Unlisted: 50}[self.asset_tier]

    def get_sanitize_clamp_denominator(self) -> int | None:
        """TWAP clamp denominator by asset tier: 10, 10, 5, 3, None (the default). program: SpotMarket"""
        return {AssetTier.Collateral: 10, AssetTier.Protected: 10, AssetTier.Cross: 5, AssetTier.Isolated: 3,
                AssetTier.Unlisted: None}[self.asset_tier]

    def oracle_id(self) -> tuple[str, OracleSource]:
        """``(oracle, oracle_source)``: the market's key in the oracle map. program: SpotMarket::oracle_id"""
        return self.oracle, self.oracle_source

    def _size_in_amm_reserve_precision(self, size: int) -> int:
        size_precision = checked(10**self.decimals, U128)
        if size_precision > AMM_RESERVE_PRECISION:
            return safe_div(size, size_precision // AMM_RESERVE_PRECISION)
        return safe_div(checked(size * AMM_RESERVE_PRECISION, U128), size_precision)

    def get_asset_weight(self, size: int, oracle_price: int, margin_requirement_type: MarginRequirementType) -> int:
        """Asset weight (SPOT_WEIGHT_PRECISION) of a deposit of ``size`` tokens.

        Default by type: Initial ``get_scaled_initial_asset_weight``, Fill the mean of that and maintenance,
        Maintenance ``maintenance_asset_weight``; then ``calculate_size_discount_asset_weight`` on the size in 1e9.
        program: SpotMarket::get_asset_weight
        """
        size_in_amm_reserve_precision = self._size_in_amm_reserve_precision(size)
        if margin_requirement_type == MarginRequirementType.Initial:
            default_asset_weight = self.get_scaled_initial_asset_weight(oracle_price)
        elif margin_requirement_type == MarginRequirementType.Fill:
            default_asset_weight = safe_add(self.get_scaled_initial_asset_weight(oracle_price),
                                            self.maintenance_asset_weight, U32) // 2
        else:
            default_asset_weight = self.maintenance_asset_weight
        size_based_asset_weight = margin_math.calculate_size_discount_asset_weight(
            size_in_amm_reserve_precision, self.imf_factor, default_asset_weight)
        return min(size_based_asset_weight, default_asset_weight)

    def get_scaled_initial_asset_weight(self, oracle_price: int) -> int:
        """``initial_asset_weight``, scaled by ``start / deposit_value`` once total deposits are worth ``start``.

        ``start = scale_initial_asset_weight_start`` (QUOTE_PRECISION; 0 disables the scaling).
        program: SpotMarket::get_scaled_initial_asset_weight
        """
        if self.scale_initial_asset_weight_start == 0:
            return self.initial_asset_weight
        deposits = self.get_deposits()
        deposit_value = cast(spot_balance_math.get_token_value(cast(deposits, I128), self.decimals, oracle_price),
                             U128)
        if deposit_value < self.scale_initial_asset_weight_start:
            return self.initial_asset_weight
        return cast(safe_div(safe_mul(self.initial_asset_weight, self.scale_initial_asset_weight_start, U128),
                             deposit_value), U32)

    def get_liability_weight(self, size: int, margin_requirement_type: MarginRequirementType) -> int:
        """Liability weight (SPOT_WEIGHT_PRECISION) of a borrow of ``size`` tokens.

        Default by type (Fill the mean of initial and maintenance), raised by
        ``calculate_size_premium_liability_weight`` (bounded) on the size in 1e9.
        program: SpotMarket::get_liability_weight
        """
        size_in_amm_reserve_precision = self._size_in_amm_reserve_precision(size)
        if margin_requirement_type == MarginRequirementType.Initial:
            default_liability_weight = self.initial_liability_weight
        elif margin_requirement_type == MarginRequirementType.Fill:
            default_liability_weight = safe_add(self.initial_liability_weight, self.maintenance_liability_weight,
                                                U32) // 2
        else:
            default_liability_weight = self.maintenance_liability_weight
        size_based_liability_weight = margin_math.calculate_size_premium_liability_weight(
            size_in_amm_reserve_precision, self.imf_factor, default_liability_weight, SPOT_WEIGHT_PRECISION_U128,
            True)
        return max(size_based_liability_weight, default_liability_weight)

    def get_margin_ratio(self, margin_requirement_type: MarginRequirementType) -> int:
        """Liability weight minus 1 as a perp-style margin ratio; Fill is ``DefaultError``.

        program: SpotMarket::get_margin_ratio
        """
        if margin_requirement_type == MarginRequirementType.Initial:
            liability_weight = self.initial_liability_weight
        elif margin_requirement_type == MarginRequirementType.Fill:
            raise DefaultError("no Fill margin ratio for a spot market")
        else:
            liability_weight = self.maintenance_liability_weight
        return safe_sub(liability_weight, MARGIN_PRECISION, U32)

    def get_deposits(self) -> int:
        """Deposit token amount of ``deposit_balance``. program: SpotMarket::get_deposits"""
        return spot_balance_math.get_token_amount(self.deposit_balance, self, SpotBalanceType.Deposit)

    def get_borrows(self) -> int:
        """Borrow token amount of ``borrow_balance`` (rounded up). program: SpotMarket::get_borrows"""
        return spot_balance_math.get_token_amount(self.borrow_balance, self, SpotBalanceType.Borrow)

    def get_tvl(self) -> int:
        """``deposits - borrows`` (u128). program: SpotMarket::get_tvl"""
        return safe_sub(self.get_deposits(), self.get_borrows(), U128)

    def validate_max_token_deposits_and_borrows(self, do_max_borrow_check: bool) -> None:
        """Deposit cap and borrow cap (``max_token_deposits * max_token_borrows_fraction / 1e4``).

        Deposits above a non-zero ``max_token_deposits`` raise ``MaxDeposit``; with ``do_max_borrow_check``, a
        non-zero fraction and cap, borrows above the borrow cap raise ``MaxBorrows``.
        program: SpotMarket::validate_max_token_deposits_and_borrows
        """
        deposits = self.get_deposits()
        if not (self.max_token_deposits == 0 or deposits <= self.max_token_deposits):
            raise MaxDeposit(f"max token amount ({self.max_token_deposits}) < deposits ({deposits})")
        if do_max_borrow_check and self.max_token_borrows_fraction > 0 and self.max_token_deposits > 0:
            borrows = self.get_borrows()
            max_token_borrows = safe_div(safe_mul(self.max_token_deposits, self.max_token_borrows_fraction, U64),
                                         10000)
            if not (max_token_borrows == 0 or borrows <= max_token_borrows):
                raise MaxBorrows(f"max token amount ({max_token_borrows}) < borrows ({borrows})")

    def get_available_deposits(self) -> int:
        """``deposit tokens - borrow tokens`` (u128; MathError below 0). program: SpotMarket::get_available_deposits"""
        return safe_sub(self.get_deposits(), self.get_borrows(), U128)

    def get_precision(self) -> int:
        """``10^decimals`` (u64). program: SpotMarket::get_precision"""
        return checked(10**self.decimals, U64)

    def get_utilization(self) -> int:
        """Borrow tokens over deposit tokens (1e6). program: SpotMarket::get_utilization"""
        return spot_balance_math.calculate_utilization(self.get_deposits(), self.get_borrows())

    def is_healthy_utilization(self) -> bool:
        """Both the utilization TWAP and the utilization at most 90%. program: SpotMarket::is_healthy_utilization"""
        unhealthy_utilization = 900_000
        utilization = cast(self.get_utilization(), U64)
        return self.utilization_twap <= unhealthy_utilization and utilization <= unhealthy_utilization

    def get_min_borrow_rate(self) -> int:
        """``min_borrow_rate * 5000``: the field counts 0.5% steps (1e6 precision). program: SpotMarket"""
        return safe_mul(self.min_borrow_rate, PERCENTAGE_PRECISION // 200, U32)

    def update_historical_index_price(self, best_bid: int | None, best_ask: int | None, now: int) -> None:
        """Record the best bid/ask and fold their mid into the 1h and 5min index TWAPs.

        The mid is the bid, the ask, their average, or 0 when neither is given.
        program: SpotMarket::update_historical_index_price
        """
        data = self.historical_index_data
        mid_price = 0
        if best_bid is not None:
            data.last_index_bid_price = best_bid
            mid_price += best_bid
        if best_ask is not None:
            data.last_index_ask_price = best_ask
            mid_price = best_ask if mid_price == 0 else safe_div(safe_add(mid_price, best_ask, U64), 2)
        data.last_index_price_twap = cast(stats_math.calculate_new_twap(
            cast(mid_price, I64), now, cast(data.last_index_price_twap, I64), data.last_index_price_twap_ts,
            ONE_HOUR), U64)
        data.last_index_price_twap_5min = cast(stats_math.calculate_new_twap(
            cast(mid_price, I64), now, cast(data.last_index_price_twap_5min, I64), data.last_index_price_twap_ts,
            FIVE_MINUTE), U64)
        data.last_index_price_twap_ts = now

    def has_transfer_hook(self) -> bool:
        """``token_program_flag & TransferHook``. program: SpotMarket::has_transfer_hook"""
        return self.token_program_flag & 0b10 != 0


@dataclass
class PerpPosition:
    """program: state/user.rs::PerpPosition"""

    last_cumulative_funding_rate: int = 0  # i64
    base_asset_amount: int = 0  # i64
    quote_asset_amount: int = 0  # i64
    quote_break_even_amount: int = 0  # i64
    quote_entry_amount: int = 0  # i64
    open_bids: int = 0  # i64
    open_asks: int = 0  # i64
    settled_pnl: int = 0  # i64
    lp_shares: int = 0  # u64
    isolated_position_scaled_balance: int = 0  # u64
    last_quote_asset_amount_per_lp: int = 0  # i64
    max_margin_ratio: int = 0  # u16
    market_index: int = 0  # u16
    open_orders: int = 0  # u8
    position_flag: int = 0  # u8
    last_base_asset_amount_per_lp: int = 0  # i64 (v2.136.0; removed by v2.161.0)
    remainder_base_asset_amount: int = 0  # i32 (v2.136.0; removed by v2.161.0)
    per_lp_base: int = 0  # i8 (v2.136.0; removed by v2.161.0)

    def is_for(self, market_index: int) -> bool:
        """The slot holds this market's position (and is not available). program: PerpPosition::is_for"""
        return self.market_index == market_index and not self.is_available()

    def is_available(self) -> bool:
        """No base, no open orders, no unsettled P&L, no isolated deposit, not being liquidated.

        program: PerpPosition::is_available
        """
        return (not self.is_open_position() and not self.has_open_order() and not self.has_unsettled_pnl()
                and self.isolated_position_scaled_balance == 0 and not self.is_being_liquidated())

    def is_open_position(self) -> bool:
        """``base_asset_amount != 0``. program: PerpPosition::is_open_position"""
        return self.base_asset_amount != 0

    def has_open_order(self) -> bool:
        """Any open orders, bids or asks. program: PerpPosition::has_open_order"""
        return self.open_orders != 0 or self.open_bids != 0 or self.open_asks != 0

    def has_unsettled_pnl(self) -> bool:
        """No base but a non-zero quote amount. program: PerpPosition::has_unsettled_pnl"""
        return self.base_asset_amount == 0 and self.quote_asset_amount != 0

    def margin_requirement_for_open_orders(self) -> int:
        """``open_orders * $0.01``. program: PerpPosition::margin_requirement_for_open_orders"""
        return safe_mul(self.open_orders, OPEN_ORDER_MARGIN_REQUIREMENT, U128)

    def worst_case_base_asset_amount(self, oracle_price: int, contract_type: ContractType) -> int:
        """Base after all bids or all asks fill, whichever is the larger liability.

        program: PerpPosition::worst_case_base_asset_amount
        """
        return self.worst_case_liability_value(oracle_price, contract_type)[0]

    def worst_case_liability_value(self, oracle_price: int, contract_type: ContractType) -> tuple[int, int]:
        """``(base, liability_value)`` after all bids or all asks fill, the larger liability (asks on a tie).

        program: PerpPosition::worst_case_liability_value
        """
        base_all_bids_fill = cast(safe_add(self.base_asset_amount, self.open_bids, I64), I128)
        base_all_asks_fill = cast(safe_add(self.base_asset_amount, self.open_asks, I64), I128)
        value_all_bids_fill = position_math.calculate_perp_liability_value(base_all_bids_fill, oracle_price,
                                                                           contract_type)
        value_all_asks_fill = position_math.calculate_perp_liability_value(base_all_asks_fill, oracle_price,
                                                                           contract_type)
        if value_all_asks_fill >= value_all_bids_fill:
            return base_all_asks_fill, value_all_asks_fill
        return base_all_bids_fill, value_all_bids_fill

    def can_transfer_isolated_position_deposit(self) -> bool:
        """Isolated with a deposit and nothing open. program: PerpPosition::can_transfer_isolated_position_deposit"""
        return (self.is_isolated() and self.isolated_position_scaled_balance > 0 and not self.is_open_position()
                and not self.has_open_order() and not self.has_unsettled_pnl())

    def get_direction(self) -> PositionDirection:
        """Long when ``base >= 0`` (a flat position counts as long). program: PerpPosition::get_direction"""
        return PositionDirection.Long if self.base_asset_amount >= 0 else PositionDirection.Short

    def get_direction_to_close(self) -> PositionDirection:
        """Short for ``base >= 0``, else Long. program: PerpPosition::get_direction_to_close"""
        return PositionDirection.Short if self.base_asset_amount >= 0 else PositionDirection.Long

    def get_unrealized_pnl(self, oracle_price: int) -> int:
        """``base * max(oracle, 0) / 1e9 + quote_asset_amount``. program: PerpPosition::get_unrealized_pnl"""
        return position_math.calculate_base_asset_value_and_pnl_with_oracle_price(self, oracle_price)[1]

    def get_base_asset_amount(self) -> int:
        """``base_asset_amount`` as i128. program: PerpPosition::get_base_asset_amount"""
        return self.base_asset_amount

    def get_base_asset_amount_abs(self) -> int:
        """``|base_asset_amount|``. program: PerpPosition::get_base_asset_amount_abs"""
        return abs(self.base_asset_amount)

    def get_claimable_pnl(self, oracle_price: int, pnl_pool_excess: int) -> int:
        """Unrealized P&L, positive P&L capped at ``max(quote - quote_entry, 0) + max(pnl_pool_excess, 0)``.

        Only P&L already realised by reducing (quote above entry) or covered by the pool's excess can be
        claimed; losses are returned whole.
        program: PerpPosition::get_claimable_pnl
        """
        unrealized_pnl = position_math.calculate_base_asset_value_and_pnl_with_oracle_price(self, oracle_price)[1]
        if unrealized_pnl > 0:
            max_positive_pnl = safe_add(max(safe_sub(self.quote_asset_amount, self.quote_entry_amount, I128), 0),
                                        max(pnl_pool_excess, 0), I128)
            return min(unrealized_pnl, max_positive_pnl)
        return unrealized_pnl

    def get_existing_position_params_for_order_action(
        self, fill_direction: PositionDirection
    ) -> tuple[int, int] | None:
        """``(|quote_entry|, |base|)`` when the fill reduces the position, else None.

        program: PerpPosition::get_existing_position_params_for_order_action
        """
        if self.base_asset_amount == 0 or self.get_direction_to_close() != fill_direction:
            return None
        return abs(self.quote_entry_amount), abs(self.base_asset_amount)

    def is_isolated(self) -> bool:
        """The IsolatedPosition flag is set. program: PerpPosition::is_isolated"""
        return self.position_flag & PositionFlag.IsolatedPosition > 0

    def is_being_liquidated(self) -> bool:
        """BeingLiquidated or Bankrupt flag set. program: PerpPosition::is_being_liquidated"""
        return self.position_flag & (PositionFlag.BeingLiquidated | PositionFlag.Bankrupt) > 0

    def is_bankrupt(self) -> bool:
        """The Bankrupt flag is set. program: PerpPosition::is_bankrupt"""
        return self.position_flag & PositionFlag.Bankrupt > 0

    def get_breakeven_price(self) -> int:
        """``-quote_break_even_amount * 1e6 * 1e3 / base`` (PRICE_PRECISION, truncated); 0 when flat.

        program: PerpPosition::get_breakeven_price (a test helper in the program)
        """
        return _perp_position_price(self.quote_break_even_amount, self.base_asset_amount)

    def get_entry_price(self) -> int:
        """``-quote_entry_amount * 1e6 * 1e3 / base`` (PRICE_PRECISION, truncated); 0 when flat.

        program: PerpPosition::get_entry_price (a test helper in the program)
        """
        return _perp_position_price(self.quote_entry_amount, self.base_asset_amount)

    def get_cost_basis(self) -> int:
        """``-quote_asset_amount * 1e6 * 1e3 / base`` (fees and funding included); 0 when flat.

        program: PerpPosition::get_cost_basis (a test helper in the program)
        """
        return _perp_position_price(self.quote_asset_amount, self.base_asset_amount)

    # -- Backstop AMM Liquidity: methods of PerpPosition at v2.136.0, removed by v2.161.0 (bodies in lp.py) --

    def is_lp(self) -> bool:
        """``lp_shares > 0``. program (v2.136.0): state/user.rs::PerpPosition::is_lp"""
        return self.lp_shares > 0

    def margin_requirement_for_lp_shares(self, order_step_size: int, valuation_price: int) -> int:
        """An LP's flat add-on: ``max($1, order_step_size * price / 1e9)``; 0 without shares.

        program (v2.136.0): state/user.rs::PerpPosition::margin_requirement_for_lp_shares
        """
        return lp_math._position_margin_requirement_for_lp_shares(self, order_step_size, valuation_price)

    def simulate_settled_lp_position(self, market: PerpMarket, valuation_price: int) -> PerpPosition:
        """A copy as if the LP settled now: base and quote moved in, the remainder charged as dust, LP orders added.

        The LP's share of the AMM's base (on the step size) and quote is added; the remainder left (old plus new,
        less whole steps) is charged ``|remainder| * price + 1`` in quote, as burning would; the LP's share of the
        AMM's room to its reserve bounds (``calculate_lp_open_bids_asks``) is added to the open bids and asks. The
        program takes the base before folding whole steps of the remainder in, so those steps are dropped here.
        program (v2.136.0): state/user.rs::PerpPosition::simulate_settled_lp_position
        """
        return lp_math._position_simulate_settled_lp_position(self, market, valuation_price)

    def get_base_asset_amount_with_remainder(self) -> int:
        """``base_asset_amount + remainder_base_asset_amount`` (i128).

        program (v2.136.0): state/user.rs::PerpPosition::get_base_asset_amount_with_remainder
        """
        return self.base_asset_amount + self.remainder_base_asset_amount

    def get_base_asset_amount_with_remainder_abs(self) -> int:
        """``|base + remainder|``.

        program (v2.136.0): state/user.rs::PerpPosition::get_base_asset_amount_with_remainder_abs
        """
        return abs(self.get_base_asset_amount_with_remainder())

    @property
    def balance_type(self) -> SpotBalanceType:
        """The isolated balance is always a deposit. program: SpotBalance for PerpPosition::balance_type"""
        return SpotBalanceType.Deposit

    def balance(self) -> int:
        """``isolated_position_scaled_balance``. program: SpotBalance for PerpPosition::balance"""
        return self.isolated_position_scaled_balance

    def increase_balance(self, delta: int) -> None:
        """``isolated_position_scaled_balance += delta`` (u64). program: SpotBalance for PerpPosition"""
        self.isolated_position_scaled_balance = safe_add(self.isolated_position_scaled_balance, cast(delta, U64), U64)

    def decrease_balance(self, delta: int) -> None:
        """``isolated_position_scaled_balance -= delta`` (u64). program: SpotBalance for PerpPosition"""
        self.isolated_position_scaled_balance = safe_sub(self.isolated_position_scaled_balance, cast(delta, U64), U64)

    def update_balance_type(self, balance_type: SpotBalanceType) -> None:
        """An isolated balance cannot borrow: ``CantUpdateSpotBalanceType``. program: SpotBalance for PerpPosition"""
        raise CantUpdateSpotBalanceType(f"isolated perp balance cannot become {balance_type}")

    def get_isolated_token_amount(self, spot_market: SpotMarket) -> int:
        """Deposit token amount of the isolated balance. program: PerpPosition::get_isolated_token_amount"""
        return spot_balance_math.get_token_amount(self.isolated_position_scaled_balance, spot_market,
                                                  SpotBalanceType.Deposit)


@dataclass
class OrderFillSimulation:
    """A spot position after its open orders on one side fill. program: state/user.rs::OrderFillSimulation"""

    token_amount: int = 0  # i128
    orders_value: int = 0  # i128
    token_value: int = 0  # i128
    weighted_token_value: int = 0  # i128
    free_collateral_contribution: int = 0  # i128

    @staticmethod
    def riskier_side(ask: OrderFillSimulation, bid: OrderFillSimulation) -> OrderFillSimulation:
        """The side with the lower free-collateral contribution (``ask`` on a tie).

        program: OrderFillSimulation::riskier_side
        """
        return ask if ask.free_collateral_contribution <= bid.free_collateral_contribution else bid

    def risk_increasing(self, after: OrderFillSimulation) -> bool:
        """``after`` contributes less free collateral. program: OrderFillSimulation::risk_increasing"""
        return after.free_collateral_contribution < self.free_collateral_contribution

    def apply_user_custom_margin_ratio(
        self, spot_market: SpotMarket, oracle_price: int, user_custom_margin_ratio: int
    ) -> OrderFillSimulation:
        """Tighten the weights to the user's custom margin ratio (a new simulation; 0 leaves it unchanged).

        Liabilities: ``max(initial liability weight, 1e4 + custom)``; assets: ``min(initial asset weight,
        1e4 - custom)`` (saturating).
        program: OrderFillSimulation::apply_user_custom_margin_ratio
        """
        result = replace(self)
        if user_custom_margin_ratio == 0:
            return result
        if result.weighted_token_value < 0:
            max_liability_weight = max(
                spot_market.get_liability_weight(abs(result.token_amount), MarginRequirementType.Initial),
                safe_add(user_custom_margin_ratio, SPOT_WEIGHT_PRECISION, U32))
            result.weighted_token_value = safe_div(safe_mul(result.token_value, max_liability_weight, I128),
                                                   SPOT_WEIGHT_PRECISION_I128)
        elif result.weighted_token_value > 0:
            min_asset_weight = min(
                spot_market.get_asset_weight(abs(result.token_amount), oracle_price, MarginRequirementType.Initial),
                max(SPOT_WEIGHT_PRECISION - user_custom_margin_ratio, 0))
            result.weighted_token_value = safe_div(safe_mul(result.token_value, min_asset_weight, I128),
                                                   SPOT_WEIGHT_PRECISION_I128)
        result.free_collateral_contribution = safe_add(result.weighted_token_value, result.orders_value, I128)
        return result


@dataclass
class SpotPosition:
    """program: state/user.rs::SpotPosition"""

    scaled_balance: int = 0  # u64
    open_bids: int = 0  # i64
    open_asks: int = 0  # i64
    cumulative_deposits: int = 0  # i64
    market_index: int = 0  # u16
    balance_type: SpotBalanceType = SpotBalanceType.Deposit
    open_orders: int = 0  # u8

    # SpotBalance trait: ``market_index`` and ``balance_type`` are the fields themselves.
    def balance(self) -> int:
        """The scaled balance as u128. program: SpotBalance for SpotPosition::balance"""
        return self.scaled_balance

    def increase_balance(self, delta: int) -> None:
        """``scaled_balance += delta`` (u64; CastingFailure above u64). program: SpotBalance for SpotPosition"""
        self.scaled_balance = safe_add(self.scaled_balance, cast(delta, U64), U64)

    def decrease_balance(self, delta: int) -> None:
        """``scaled_balance -= delta`` (u64). program: SpotBalance for SpotPosition::decrease_balance"""
        self.scaled_balance = safe_sub(self.scaled_balance, cast(delta, U64), U64)

    def update_balance_type(self, balance_type: SpotBalanceType) -> None:
        """Switch between deposit and borrow. program: SpotBalance for SpotPosition::update_balance_type"""
        self.balance_type = balance_type

    def is_available(self) -> bool:
        """No balance and no open orders. program: SpotPosition::is_available"""
        return self.scaled_balance == 0 and self.open_orders == 0

    def has_open_order(self) -> bool:
        """Any open orders, bids or asks. program: SpotPosition::has_open_order"""
        return self.open_orders != 0 or self.open_bids != 0 or self.open_asks != 0

    def get_token_amount(self, spot_market: SpotMarket) -> int:
        """Token amount of the position (deposits round down, borrows up). program: SpotPosition::get_token_amount"""
        return spot_balance_math.get_token_amount(self.scaled_balance, spot_market, self.balance_type)

    def get_signed_token_amount(self, spot_market: SpotMarket) -> int:
        """Token amount, negative for a borrow. program: SpotPosition::get_signed_token_amount"""
        return spot_balance_math.get_signed_token_amount(self.get_token_amount(spot_market), self.balance_type)

    def margin_requirement_for_open_orders(self) -> int:
        """``open_orders * $0.01``. program: SpotPosition::margin_requirement_for_open_orders"""
        return safe_mul(self.open_orders, OPEN_ORDER_MARGIN_REQUIREMENT, U128)

    def is_borrow(self) -> bool:
        """A non-zero borrow balance. program: SpotPosition::is_borrow"""
        return self.scaled_balance > 0 and self.balance_type == SpotBalanceType.Borrow

    def get_worst_case_fill_simulation(
        self, spot_market: SpotMarket, strict_oracle_price: StrictOraclePrice, token_amount: int | None,
        margin_type: MarginRequirementType,
    ) -> OrderFillSimulation:
        """The riskier of all bids or all asks filling (lower free-collateral contribution; asks on a tie).

        program: SpotPosition::get_worst_case_fill_simulation
        """
        bid_simulation, ask_simulation = self.simulate_fills_both_sides(spot_market, strict_oracle_price,
                                                                        token_amount, margin_type)
        return OrderFillSimulation.riskier_side(ask_simulation, bid_simulation)

    def simulate_fills_both_sides(
        self, spot_market: SpotMarket, strict_oracle_price: StrictOraclePrice, token_amount: int | None,
        margin_type: MarginRequirementType,
    ) -> tuple[OrderFillSimulation, OrderFillSimulation]:
        """``(bids fill, asks fill)``: token amount, order value, token value and weighted value after each.

        Token value at the strict price, weighted by the size-adjusted asset or liability weight; an order's
        value ``-orders * max_price / 10^decimals`` (the quote paid or received) is added back.
        program: SpotPosition::simulate_fills_both_sides
        """
        if token_amount is None:
            token_amount = self.get_signed_token_amount(spot_market)
        token_value = spot_balance_math.get_strict_token_value(token_amount, spot_market.decimals,
                                                               strict_oracle_price)

        def weighted(amount: int, value: int) -> int:
            if value > 0:
                weight = spot_market.get_asset_weight(abs(amount), strict_oracle_price.current, margin_type)
            elif value < 0:
                weight = spot_market.get_liability_weight(abs(amount), margin_type)
            else:
                return 0
            return safe_div(safe_mul(value, weight, I128), SPOT_WEIGHT_PRECISION_I128)

        if self.open_bids == 0 and self.open_asks == 0:
            weighted_token_value = weighted(token_amount, token_value)
            calculation = OrderFillSimulation(token_amount, 0, token_value, weighted_token_value, weighted_token_value)
            return calculation, OrderFillSimulation(token_amount, 0, token_value, weighted_token_value,
                                                    weighted_token_value)

        def simulate_side(open_orders: int) -> OrderFillSimulation:
            order_value = spot_balance_math.get_token_value(-open_orders, spot_market.decimals,
                                                            strict_oracle_price.max())
            token_amount_after_fill = safe_add(token_amount, open_orders, I128)
            token_value_after_fill = safe_add(token_value, -order_value, I128)
            weighted_after_fill = weighted(token_amount_after_fill, token_value_after_fill)
            return OrderFillSimulation(token_amount_after_fill, order_value, token_value_after_fill,
                                       weighted_after_fill, safe_add(weighted_after_fill, order_value, I128))

        bid_simulation = simulate_side(self.open_bids)
        ask_simulation = simulate_side(self.open_asks)
        return bid_simulation, ask_simulation


@dataclass
class Order:
    """program: state/user.rs::Order"""

    slot: int = 0  # u64
    price: int = 0  # u64
    base_asset_amount: int = 0  # u64
    base_asset_amount_filled: int = 0  # u64
    quote_asset_amount_filled: int = 0  # u64
    trigger_price: int = 0  # u64
    auction_start_price: int = 0  # i64
    auction_end_price: int = 0  # i64
    max_ts: int = 0  # i64
    oracle_price_offset: int = 0  # i32
    order_id: int = 0  # u32
    market_index: int = 0  # u16
    status: OrderStatus = OrderStatus.Init
    order_type: OrderType = OrderType.Limit
    market_type: MarketType = MarketType.Perp
    user_order_id: int = 0  # u8
    existing_position_direction: PositionDirection = PositionDirection.Long
    direction: PositionDirection = PositionDirection.Long
    reduce_only: bool = False
    post_only: bool = False
    immediate_or_cancel: bool = False
    trigger_condition: OrderTriggerCondition = OrderTriggerCondition.Above
    auction_duration: int = 0  # u8
    posted_slot_tail: int = 0  # u8
    bit_flags: int = 0  # u8

    def seconds_til_expiry(self, now: int) -> int:
        """``max(max_ts - now, 0)``. program: state/user.rs::Order::seconds_til_expiry"""
        return max(self.max_ts - now, 0)

    def has_oracle_price_offset(self) -> bool:
        """``oracle_price_offset != 0``. program: state/user.rs::Order::has_oracle_price_offset"""
        return self.oracle_price_offset != 0

    def get_limit_price(self, valid_oracle_price: int | None, fallback_price: int | None, slot: int,
                        tick_size: int, is_prediction_market: bool,
                        pmm_params: ProtectedMakerParams | None) -> int | None:
        """The order's limit price now: auction price, oracle + offset, fallback, or ``price``.

        During an auction with prices set: ``calculate_auction_price``. Else with an oracle offset:
        ``max(oracle + offset, tick_size)`` (capped at $1 for prediction markets, shifted by the protected-maker
        offset) standardised to the tick in the order's direction; ``OracleNotFound`` without an oracle. Else a zero
        ``price`` takes the standardised ``fallback_price`` (or None); else ``price`` (protected-maker shifted).
        program: state/user.rs::Order::get_limit_price
        """
        if self.has_auction_price(self.slot, self.auction_duration, slot):
            return auction_math.calculate_auction_price(self, slot, tick_size, valid_oracle_price,
                                                        is_prediction_market)
        if self.has_oracle_price_offset():
            if valid_oracle_price is None:
                raise OracleNotFound("Could not find oracle too calculate oracle offset limit price")
            limit_price = cast(max(safe_add(valid_oracle_price, self.oracle_price_offset, I64),
                                   cast(tick_size, I64)), U64)
            if is_prediction_market:
                limit_price = min(limit_price, MAX_PREDICTION_MARKET_PRICE)
            if pmm_params is not None:
                limit_price = orders_math.apply_protected_maker_limit_price_offset(
                    limit_price, self.direction, pmm_params, False)
            return orders_math.standardize_price(limit_price, tick_size, self.direction)
        if self.price == 0:
            if fallback_price is None:
                return None
            return orders_math.standardize_price(fallback_price, tick_size, self.direction)
        price = self.price
        if pmm_params is not None:
            price = orders_math.apply_protected_maker_limit_price_offset(price, self.direction, pmm_params, True)
        return price

    def force_get_limit_price(self, valid_oracle_price: int | None, fallback_price: int | None, slot: int,
                              tick_size: int, is_prediction_market: bool,
                              pmm_params: ProtectedMakerParams | None) -> int:
        """``get_limit_price`` or ``UnableToGetLimitPrice`` when there is none.

        program: state/user.rs::Order::force_get_limit_price
        """
        price = self.get_limit_price(valid_oracle_price, fallback_price, slot, tick_size, is_prediction_market,
                                     pmm_params)
        if price is None:
            raise UnableToGetLimitPrice("Could not get limit price")
        return price

    def has_limit_price(self, slot: int) -> bool:
        """A price, an oracle offset, or an auction still running. program: state/user.rs::Order::has_limit_price"""
        return (self.price > 0 or self.has_oracle_price_offset()
                or not auction_math.is_auction_complete(self.slot, self.auction_duration, slot))

    def is_auction_complete(self, slot: int) -> bool:
        """``is_auction_complete(self.slot, auction_duration, slot)``.

        program: state/user.rs::Order::is_auction_complete
        """
        return auction_math.is_auction_complete(self.slot, self.auction_duration, slot)

    def has_auction(self) -> bool:
        """``auction_duration != 0``. program: state/user.rs::Order::has_auction"""
        return self.auction_duration != 0

    def has_auction_price(self, order_slot: int, auction_duration: int, slot: int) -> bool:
        """Auction not complete and a non-zero start or end price. program: state/user.rs::Order::has_auction_price"""
        auction_complete = auction_math.is_auction_complete(order_slot, auction_duration, slot)
        return not auction_complete and (self.auction_start_price != 0 or self.auction_end_price != 0)

    def get_base_asset_amount_unfilled(self, existing_position: int | None) -> int:
        """Unfilled size; with ``existing_position`` a reduce-only order is capped at the opposite position.

        ``base_asset_amount - base_asset_amount_filled`` (``MathError`` if overfilled); reduce-only: 0 when the
        position is flat or on the order's side, else ``min(unfilled, |position|)``.
        program: state/user.rs::Order::get_base_asset_amount_unfilled
        """
        unfilled = safe_sub(self.base_asset_amount, self.base_asset_amount_filled, U64)
        if existing_position is None or not self.reduce_only:
            return unfilled
        if existing_position == 0:
            return 0
        if self.direction == PositionDirection.Long:
            return 0 if existing_position > 0 else min(unfilled, abs(existing_position))
        return 0 if existing_position < 0 else min(unfilled, abs(existing_position))

    def get_standardized_base_asset_amount_unfilled(self, existing_position: int | None, step_size: int) -> int:
        """``get_base_asset_amount_unfilled`` rounded down to the step.

        program: state/user.rs::Order::get_standardized_base_asset_amount_unfilled
        """
        return orders_math.standardize_base_asset_amount(self.get_base_asset_amount_unfilled(existing_position),
                                                         step_size)

    def must_be_triggered(self) -> bool:
        """TriggerMarket or TriggerLimit. program: state/user.rs::Order::must_be_triggered"""
        return self.order_type in (OrderType.TriggerMarket, OrderType.TriggerLimit)

    def triggered(self) -> bool:
        """Trigger condition is TriggeredAbove or TriggeredBelow. program: state/user.rs::Order::triggered"""
        return self.trigger_condition in (OrderTriggerCondition.TriggeredAbove, OrderTriggerCondition.TriggeredBelow)

    def is_jit_maker(self) -> bool:
        """``post_only and immediate_or_cancel``. program: state/user.rs::Order::is_jit_maker"""
        return self.post_only and self.immediate_or_cancel

    def is_open_order_for_market(self, market_index: int, market_type: MarketType) -> bool:
        """Open and in this market. program: state/user.rs::Order::is_open_order_for_market"""
        return (self.market_index == market_index and self.status == OrderStatus.Open
                and self.market_type == market_type)

    def get_spot_position_update_direction(self, asset_type: AssetType) -> SpotBalanceType:
        """Deposit for bought base / sold quote, Borrow otherwise.

        program: state/user.rs::Order::get_spot_position_update_direction
        """
        buys_asset = (self.direction == PositionDirection.Long) == (asset_type == AssetType.Base)
        return SpotBalanceType.Deposit if buys_asset else SpotBalanceType.Borrow

    def is_market_order(self) -> bool:
        """Market, TriggerMarket or Oracle. program: state/user.rs::Order::is_market_order"""
        return self.order_type in (OrderType.Market, OrderType.TriggerMarket, OrderType.Oracle)

    def is_limit_order(self) -> bool:
        """Limit or TriggerLimit. program: state/user.rs::Order::is_limit_order"""
        return self.order_type in (OrderType.Limit, OrderType.TriggerLimit)

    def is_resting_limit_order(self, slot: int) -> bool:
        """A limit order that is post-only or past its auction. program: state/user.rs::Order::is_resting_limit_order"""
        if not self.is_limit_order():
            return False
        return self.post_only or self.is_auction_complete(slot)

    def is_signed_msg(self) -> bool:
        """SignedMessage bit set. program: state/user.rs::Order::is_signed_msg"""
        return self.is_bit_flag_set(OrderBitFlag.SignedMessage)

    def is_has_builder(self) -> bool:
        """HasBuilder bit set. program: state/user.rs::Order::is_has_builder"""
        return self.is_bit_flag_set(OrderBitFlag.HasBuilder)

    def add_bit_flag(self, flag: OrderBitFlag) -> None:
        """``bit_flags |= flag``. program: state/user.rs::Order::add_bit_flag"""
        self.bit_flags = (self.bit_flags | int(flag)) & 0xFF

    def is_bit_flag_set(self, flag: OrderBitFlag) -> bool:
        """``bit_flags & flag != 0``. program: state/user.rs::Order::is_bit_flag_set"""
        return self.bit_flags & int(flag) != 0

    def is_available(self) -> bool:
        """The slot is free: status is not Open. program: state/user.rs::Order::is_available"""
        return self.status != OrderStatus.Open

    def update_open_bids_and_asks(self) -> bool:
        """Whether the order counts in open bids/asks (untriggered and new reduce-only triggers do not).

        program: state/user.rs::Order::update_open_bids_and_asks
        """
        return not self.must_be_triggered() or (
            self.triggered() and not (self.reduce_only and self.is_bit_flag_set(OrderBitFlag.NewTriggerReduceOnly)))

    def is_low_risk_for_amm(self, mm_oracle_delay: int, clock_slot: int, is_liquidation: bool,
                            user_can_skip_auction_duration: bool) -> bool:
        """Perp order older than the oracle delay (or a liquidation, or a safe trigger order).

        ``clock_slot - mm_oracle_delay > order.slot`` (``>=`` when the user may skip the auction).
        program: state/user.rs::Order::is_low_risk_for_amm
        """
        if self.market_type == MarketType.Spot:
            return False
        clock_minus_delay = safe_sub(cast(clock_slot, I64), mm_oracle_delay, I64)
        order_slot = cast(self.slot, I64)
        if user_can_skip_auction_duration:
            older = clock_minus_delay >= order_slot
        else:
            older = clock_minus_delay > order_slot
        return older or is_liquidation or self.is_bit_flag_set(OrderBitFlag.SafeTriggerOrder)


@dataclass
class ProtectedMakerParams:
    """program: state/protected_maker_mode_config.rs::ProtectedMakerParams"""

    limit_price_divisor: int = 0  # u8
    dynamic_offset: int = 0  # u64
    tick_size: int = 0  # u64


@dataclass
class OrderParams:
    """The parameters of a new order (``None`` where the program has ``Option::None``).

    program: state/order_params.rs::OrderParams
    """

    order_type: OrderType = OrderType.Limit
    market_type: MarketType = MarketType.Spot  # the derived Default is MarketType::Spot
    direction: PositionDirection = PositionDirection.Long
    user_order_id: int = 0  # u8
    base_asset_amount: int = 0  # u64
    price: int = 0  # u64
    market_index: int = 0  # u16
    reduce_only: bool = False
    post_only: PostOnlyParam = PostOnlyParam.None_
    bit_flags: int = 0  # u8
    max_ts: int | None = None  # Option<i64>
    trigger_price: int | None = None  # Option<u64>
    trigger_condition: OrderTriggerCondition = OrderTriggerCondition.Above
    oracle_price_offset: int | None = None  # Option<i32>
    auction_duration: int | None = None  # Option<u8>
    auction_start_price: int | None = None  # Option<i64>
    auction_end_price: int | None = None  # Option<i64>

    def has_valid_auction_params(self) -> bool:
        """All three auction params set and ordered for the direction, or a Limit order with none of them.

        program: state/order_params.rs::OrderParams::has_valid_auction_params
        """
        return auction_math.has_valid_auction_params(self)

    def update_perp_auction_params_limit_orders(self, perp_market: PerpMarket, oracle_price: int,
                                                is_signed_msg: bool) -> bool:
        """Give a crossing limit order an auction (in place); True if any auction param changed.

        program: state/order_params.rs::OrderParams::update_perp_auction_params_limit_orders
        """
        return auction_math.update_perp_auction_params_limit_orders(self, perp_market, oracle_price, is_signed_msg)

    def get_auction_start_price_offset(self, oracle_price: int) -> int:
        """The auction start as an oracle offset (Oracle orders store offsets already).

        program: state/order_params.rs::OrderParams::get_auction_start_price_offset
        """
        return auction_math.get_auction_start_price_offset(self, oracle_price)

    def get_auction_end_price_offset(self, oracle_price: int) -> int:
        """The auction end as an oracle offset.

        program: state/order_params.rs::OrderParams::get_auction_end_price_offset
        """
        return auction_math.get_auction_end_price_offset(self, oracle_price)

    def update_perp_auction_params_market_and_oracle_orders(self, perp_market: PerpMarket, oracle_price: int,
                                                            is_market_order: bool, is_signed_msg: bool) -> bool:
        """Derive or sanitize a market/oracle order's auction (in place); True if changed.

        program: state/order_params.rs::OrderParams::update_perp_auction_params_market_and_oracle_orders
        """
        return auction_math.update_perp_auction_params_market_and_oracle_orders(
            self, perp_market, oracle_price, is_market_order, is_signed_msg)

    @staticmethod
    def derive_market_order_auction_params(perp_market: PerpMarket, direction: PositionDirection,
                                           oracle_price: int, limit_price: int,
                                           start_buffer: int) -> tuple[int, int, int]:
        """``(auction_start_price, auction_end_price, auction_duration)`` for a market order.

        program: state/order_params.rs::OrderParams::derive_market_order_auction_params
        """
        return auction_math.derive_market_order_auction_params(perp_market, direction, oracle_price, limit_price,
                                                               start_buffer)

    @staticmethod
    def derive_oracle_order_auction_params(perp_market: PerpMarket, direction: PositionDirection,
                                           oracle_price: int, oracle_price_offset: int | None,
                                           start_buffer: int) -> tuple[int, int, int]:
        """``(start_offset, end_offset, auction_duration)`` for an oracle order.

        program: state/order_params.rs::OrderParams::derive_oracle_order_auction_params
        """
        return auction_math.derive_oracle_order_auction_params(perp_market, direction, oracle_price,
                                                               oracle_price_offset, start_buffer)

    def update_perp_auction_params(self, perp_market: PerpMarket, oracle_price: int, is_signed_msg: bool) -> bool:
        """Dispatch to the limit or market/oracle auction update (trigger orders unchanged).

        program: state/order_params.rs::OrderParams::update_perp_auction_params
        """
        return auction_math.update_perp_auction_params(self, perp_market, oracle_price, is_signed_msg)

    @staticmethod
    def get_perp_baseline_start_price_offset(perp_market: PerpMarket, direction: PositionDirection) -> int:
        """The auction start offset from the bid/ask and mark TWAP premiums over the oracle TWAPs.

        program: state/order_params.rs::OrderParams::get_perp_baseline_start_price_offset
        """
        return auction_math.get_perp_baseline_start_price_offset(perp_market, direction)

    @staticmethod
    def get_perp_baseline_start_end_price_offset(perp_market: PerpMarket, direction: PositionDirection,
                                                 end_buffer_scalar: int) -> tuple[int, int]:
        """``(start_offset, end_offset)`` baseline auction offsets.

        program: state/order_params.rs::OrderParams::get_perp_baseline_start_end_price_offset
        """
        return auction_math.get_perp_baseline_start_end_price_offset(perp_market, direction, end_buffer_scalar)

    @staticmethod
    def get_close_perp_params(market: PerpMarket, direction_to_close: PositionDirection,
                              base_asset_amount: int) -> OrderParams:
        """A reduce-only Oracle order closing a position over an 80-slot auction.

        program: state/order_params.rs::OrderParams::get_close_perp_params
        """
        return auction_math.get_close_perp_params(market, direction_to_close, base_asset_amount)

    def is_immediate_or_cancel(self) -> bool:
        """ImmediateOrCancel bit. program: state/order_params.rs::OrderParams::is_immediate_or_cancel"""
        return self.bit_flags & int(OrderParamsBitFlag.ImmediateOrCancel) != 0

    def is_update_high_leverage_mode(self) -> bool:
        """UpdateHighLeverageMode bit. program: state/order_params.rs::OrderParams::is_update_high_leverage_mode"""
        return self.bit_flags & int(OrderParamsBitFlag.UpdateHighLeverageMode) != 0

    def is_max_leverage_order(self) -> bool:
        """``base_asset_amount == u64::MAX``. program: state/order_params.rs::OrderParams::is_max_leverage_order"""
        return self.base_asset_amount == U64.max

    def is_trigger_order(self) -> bool:
        """TriggerMarket or TriggerLimit. program: state/order_params.rs::OrderParams::is_trigger_order"""
        return self.order_type in (OrderType.TriggerMarket, OrderType.TriggerLimit)


@dataclass
class User:
    """program: state/user.rs::User"""

    authority: str = ""  # Pubkey
    delegate: str = ""  # Pubkey
    name: bytes = b""  # [u8; 32]
    spot_positions: list[SpotPosition] = field(default_factory=lambda: [SpotPosition() for _ in range(8)])
    perp_positions: list[PerpPosition] = field(default_factory=lambda: [PerpPosition() for _ in range(8)])
    orders: list[Order] = field(default_factory=lambda: [Order() for _ in range(32)])
    last_add_perp_lp_shares_ts: int = 0  # i64
    total_deposits: int = 0  # u64
    total_withdraws: int = 0  # u64
    total_social_loss: int = 0  # u64
    settled_perp_pnl: int = 0  # i64
    cumulative_spot_fees: int = 0  # i64
    cumulative_perp_funding: int = 0  # i64
    liquidation_margin_freed: int = 0  # u64
    last_active_slot: int = 0  # u64
    next_order_id: int = 0  # u32
    max_margin_ratio: int = 0  # u32
    next_liquidation_id: int = 0  # u16
    sub_account_id: int = 0  # u16
    status: int = 0  # u8
    is_margin_trading_enabled: bool = False
    idle: bool = False
    open_orders: int = 0  # u8
    has_open_order: bool = False
    open_auctions: int = 0  # u8
    has_open_auction: bool = False
    margin_mode: MarginMode = MarginMode.Default
    pool_id: int = 0  # u8
    last_fuel_bonus_update_ts: int = 0  # u32

    def is_being_liquidated(self) -> bool:
        """Cross margin or any isolated position is being liquidated. program: User::is_being_liquidated"""
        return self.is_cross_margin_being_liquidated() or self.has_isolated_margin_being_liquidated()

    def is_cross_margin_being_liquidated(self) -> bool:
        """BeingLiquidated or Bankrupt status. program: User::is_cross_margin_being_liquidated"""
        return self.status & (UserStatus.BeingLiquidated | UserStatus.Bankrupt) > 0

    def is_bankrupt(self) -> bool:
        """Cross margin or any isolated position is bankrupt. program: User::is_bankrupt"""
        return self.is_cross_margin_bankrupt() or self.has_isolated_margin_bankrupt()

    def is_cross_margin_bankrupt(self) -> bool:
        """Bankrupt status. program: User::is_cross_margin_bankrupt"""
        return self.status & UserStatus.Bankrupt > 0

    def is_reduce_only(self) -> bool:
        """ReduceOnly status. program: User::is_reduce_only"""
        return self.status & UserStatus.ReduceOnly > 0

    def add_user_status(self, status: UserStatus) -> None:
        """program: User::add_user_status"""
        self.status |= int(status)

    def remove_user_status(self, status: UserStatus) -> None:
        """program: User::remove_user_status"""
        self.status &= ~int(status) & 0xFF

    def enter_cross_margin_liquidation(self, slot: int) -> int:
        """Flag BeingLiquidated, reset the margin freed, start the fee clock; returns the liquidation id.

        A new liquidation (no isolated one under way) sets ``last_active_slot = slot`` and takes
        ``next_liquidation_id``; otherwise it reuses ``next_liquidation_id - 1``.
        program: User::enter_cross_margin_liquidation
        """
        if self.is_cross_margin_being_liquidated():
            return safe_sub(self.next_liquidation_id, 1, U16)
        self.add_user_status(UserStatus.BeingLiquidated)
        self.liquidation_margin_freed = 0
        if self.has_isolated_margin_being_liquidated():
            return safe_sub(self.next_liquidation_id, 1, U16)
        self.last_active_slot = slot
        liquidation_id = self.next_liquidation_id
        self.next_liquidation_id = liquidation_id + 1 if liquidation_id < U16.max else 1
        return liquidation_id

    def exit_cross_margin_liquidation(self) -> None:
        """Clear BeingLiquidated and Bankrupt, reset the margin freed. program: User::exit_cross_margin_liquidation"""
        self.remove_user_status(UserStatus.BeingLiquidated)
        self.remove_user_status(UserStatus.Bankrupt)
        self.liquidation_margin_freed = 0

    def enter_cross_margin_bankruptcy(self) -> None:
        """BeingLiquidated becomes Bankrupt. program: User::enter_cross_margin_bankruptcy"""
        self.remove_user_status(UserStatus.BeingLiquidated)
        self.add_user_status(UserStatus.Bankrupt)

    def exit_cross_margin_bankruptcy(self) -> None:
        """Clear both flags, reset the margin freed. program: User::exit_cross_margin_bankruptcy"""
        self.remove_user_status(UserStatus.BeingLiquidated)
        self.remove_user_status(UserStatus.Bankrupt)
        self.liquidation_margin_freed = 0

    def has_isolated_margin_being_liquidated(self) -> bool:
        """Any isolated perp position is being liquidated. program: User::has_isolated_margin_being_liquidated"""
        return any(p.is_isolated() and p.is_being_liquidated() for p in self.perp_positions)

    def enter_isolated_margin_liquidation(self, perp_market_index: int, slot: int) -> int:
        """Flag the isolated position BeingLiquidated; returns the liquidation id (shared with a running one).

        program: User::enter_isolated_margin_liquidation
        """
        if self.is_isolated_margin_being_liquidated(perp_market_index):
            return safe_sub(self.next_liquidation_id, 1, U16)
        if self.is_cross_margin_being_liquidated() or self.has_isolated_margin_being_liquidated():
            liquidation_id = safe_sub(self.next_liquidation_id, 1, U16)
        else:
            self.last_active_slot = slot
            liquidation_id = self.next_liquidation_id
            self.next_liquidation_id = liquidation_id + 1 if liquidation_id < U16.max else 1
        perp_position = self.force_get_isolated_perp_position_mut(perp_market_index)
        perp_position.position_flag |= int(PositionFlag.BeingLiquidated)
        return liquidation_id

    def exit_isolated_margin_liquidation(self, perp_market_index: int) -> None:
        """Clear the isolated position's BeingLiquidated and Bankrupt flags.

        program: User::exit_isolated_margin_liquidation
        """
        perp_position = self.force_get_isolated_perp_position_mut(perp_market_index)
        perp_position.position_flag &= ~int(PositionFlag.BeingLiquidated | PositionFlag.Bankrupt) & 0xFF

    def is_isolated_margin_being_liquidated(self, perp_market_index: int) -> bool:
        """The market's isolated position is being liquidated (False without one).

        program: User::is_isolated_margin_being_liquidated
        """
        try:
            return self.get_isolated_perp_position(perp_market_index).is_being_liquidated()
        except (UserHasNoPositionInMarket, InvalidPerpPosition):
            return False

    def has_isolated_margin_bankrupt(self) -> bool:
        """Any isolated perp position is bankrupt. program: User::has_isolated_margin_bankrupt"""
        return any(p.is_isolated() and p.is_bankrupt() for p in self.perp_positions)

    def enter_isolated_margin_bankruptcy(self, perp_market_index: int) -> None:
        """BeingLiquidated becomes Bankrupt on the isolated position. program: User::enter_isolated_margin_bankruptcy"""
        perp_position = self.force_get_isolated_perp_position_mut(perp_market_index)
        perp_position.position_flag &= ~int(PositionFlag.BeingLiquidated) & 0xFF
        perp_position.position_flag |= int(PositionFlag.Bankrupt)

    def exit_isolated_margin_bankruptcy(self, perp_market_index: int) -> None:
        """Clear both flags on the isolated position. program: User::exit_isolated_margin_bankruptcy"""
        perp_position = self.force_get_isolated_perp_position_mut(perp_market_index)
        perp_position.position_flag &= ~int(PositionFlag.BeingLiquidated | PositionFlag.Bankrupt) & 0xFF

    def is_isolated_margin_bankrupt(self, perp_market_index: int) -> bool:
        """The isolated position's Bankrupt flag. program: User::is_isolated_margin_bankrupt"""
        return self.get_isolated_perp_position(perp_market_index).position_flag & PositionFlag.Bankrupt != 0

    def get_isolated_perp_position(self, perp_market_index: int) -> PerpPosition:
        """The market's perp position, which must be isolated (``InvalidPerpPosition``).

        program: User::get_isolated_perp_position
        """
        position = self.get_perp_position(perp_market_index)
        if not position.is_isolated():
            raise InvalidPerpPosition("perp position is not isolated")
        return position

    def increment_margin_freed(self, margin_free: int) -> None:
        """``liquidation_margin_freed += margin_free`` (u64). program: User::increment_margin_freed"""
        self.liquidation_margin_freed = safe_add(self.liquidation_margin_freed, margin_free, U64)

    def update_last_active_slot(self, slot: int) -> None:
        """``last_active_slot = slot`` unless being liquidated. program: User::update_last_active_slot"""
        if not self.is_being_liquidated():
            self.last_active_slot = slot

    def is_high_leverage_mode(self, margin_type: MarginRequirementType) -> bool:
        """HighLeverage mode, or HighLeverageMaintenance for a Maintenance check.

        program: User::is_high_leverage_mode
        """
        return self.margin_mode == MarginMode.HighLeverage or (
            margin_type == MarginRequirementType.Maintenance and self.margin_mode == MarginMode.HighLeverageMaintenance)

    def get_fuel_bonus_numerator(self, now: int) -> int:
        """Seconds since the last fuel update (since FUEL_START_TS for accounts that never had one).

        program: User::get_fuel_bonus_numerator
        """
        if self.last_fuel_bonus_update_ts > 0:
            return safe_sub(now, self.last_fuel_bonus_update_ts, I64)
        return safe_sub(now, FUEL_START_TS, I64) if now > FUEL_START_TS else 0

    def get_quote_spot_position_mut(self) -> SpotPosition:
        """program: User::get_quote_spot_position_mut"""
        return self.get_spot_position_mut(QUOTE_SPOT_MARKET_INDEX)

    def get_perp_position(self, market_index: int) -> PerpPosition:
        """The perp position for ``market_index``, else ``UserHasNoPositionInMarket``.

        program: User::get_perp_position
        """
        return self.perp_positions[position_controller.get_position_index(self.perp_positions, market_index)]

    def get_perp_position_mut(self, market_index: int) -> PerpPosition:
        """program: User::get_perp_position_mut"""
        return self.get_perp_position(market_index)

    def force_get_perp_position_mut(self, market_index: int) -> PerpPosition:
        """The market's perp position, opening a slot (``add_new_position``) if there is none.

        program: User::force_get_perp_position_mut
        """
        try:
            index = position_controller.get_position_index(self.perp_positions, market_index)
        except UserHasNoPositionInMarket:
            index = position_controller.add_new_position(self.perp_positions, market_index)
        return self.perp_positions[index]

    def force_get_isolated_perp_position_mut(self, perp_market_index: int) -> PerpPosition:
        """The market's isolated perp position, opening one flagged IsolatedPosition if there is none.

        An existing position that is not isolated is ``InvalidPerpPosition``.
        program: User::force_get_isolated_perp_position_mut
        """
        try:
            index = position_controller.get_position_index(self.perp_positions, perp_market_index)
        except UserHasNoPositionInMarket:
            index = position_controller.add_new_position(self.perp_positions, perp_market_index)
            self.perp_positions[index].position_flag = int(PositionFlag.IsolatedPosition)
            return self.perp_positions[index]
        if not self.perp_positions[index].is_isolated():
            raise InvalidPerpPosition("perp position is not isolated")
        return self.perp_positions[index]

    def update_cumulative_perp_funding(self, amount: int) -> None:
        """``cumulative_perp_funding += amount`` (i64). program: User::update_cumulative_perp_funding"""
        self.cumulative_perp_funding = safe_add(self.cumulative_perp_funding, amount, I64)

    def get_spot_position_index(self, market_index: int) -> int:
        """Index of the spot position for ``market_index``; the quote market (0) must sit in slot 0.

        ``DefaultError`` if slot 0 is not market 0, ``CouldNotFindSpotPosition`` if there is none.
        program: state/user.rs::User::get_spot_position_index
        """
        if market_index == 0:
            if self.spot_positions[0].market_index != 0:
                raise DefaultError("User position 0 not market_index=0")
            return 0
        for index, spot_position in enumerate(self.spot_positions):
            if spot_position.market_index == market_index:
                return index
        raise CouldNotFindSpotPosition(f"market_index={market_index}")

    def get_spot_position(self, market_index: int) -> SpotPosition:
        """The spot position for ``market_index`` (the object itself). program: User::get_spot_position"""
        return self.spot_positions[self.get_spot_position_index(market_index)]

    def get_spot_position_mut(self, market_index: int) -> SpotPosition:
        """Same as ``get_spot_position`` (Python objects are mutable). program: User::get_spot_position_mut"""
        return self.get_spot_position(market_index)

    def get_quote_spot_position(self) -> SpotPosition:
        """The quote (market 0) spot position. program: User::get_quote_spot_position"""
        return self.get_spot_position(0)

    def add_spot_position(self, market_index: int, balance_type: SpotBalanceType) -> int:
        """Open a position in the first available slot after slot 0; ``NoSpotPositionAvailable`` if full.

        program: User::add_spot_position
        """
        for index, spot_position in enumerate(self.spot_positions):
            if index != 0 and spot_position.is_available():
                self.spot_positions[index] = SpotPosition(market_index=market_index, balance_type=balance_type)
                return index
        raise NoSpotPositionAvailable(f"market_index={market_index}")

    def force_get_spot_position_index(self, market_index: int) -> int:
        """The position's index, opening a deposit position if missing. program: User::force_get_spot_position_index"""
        try:
            return self.get_spot_position_index(market_index)
        except (DefaultError, CouldNotFindSpotPosition):
            return self.add_spot_position(market_index, SpotBalanceType.Deposit)

    def force_get_spot_position_mut(self, market_index: int) -> SpotPosition:
        """The position, opened if missing. program: User::force_get_spot_position_mut"""
        return self.spot_positions[self.force_get_spot_position_index(market_index)]


@dataclass
class UserFees:
    """program: state/user.rs::UserFees"""

    total_fee_paid: int = 0  # u64
    total_fee_rebate: int = 0  # u64
    total_token_discount: int = 0  # u64
    total_referee_discount: int = 0  # u64
    total_referrer_reward: int = 0  # u64
    current_epoch_referrer_reward: int = 0  # u64


@dataclass
class UserStats:
    """program: state/user.rs::UserStats"""

    authority: str = ""  # Pubkey
    referrer: str = ""  # Pubkey
    fees: UserFees = field(default_factory=UserFees)
    next_epoch_ts: int = 0  # i64
    maker_volume_30d: int = 0  # u64
    taker_volume_30d: int = 0  # u64
    filler_volume_30d: int = 0  # u64
    last_maker_volume_30d_ts: int = 0  # i64
    last_taker_volume_30d_ts: int = 0  # i64
    last_filler_volume_30d_ts: int = 0  # i64
    if_staked_quote_asset_amount: int = 0  # u64
    number_of_sub_accounts: int = 0  # u16
    number_of_sub_accounts_created: int = 0  # u16
    referrer_status: int = 0  # u8
    disable_update_perp_bid_ask_twap: int = 0  # u8
    paused_operations: int = 0  # u8
    fuel_overflow_status: int = 0  # u8
    fuel_insurance: int = 0  # u32
    fuel_deposits: int = 0  # u32
    fuel_borrows: int = 0  # u32
    fuel_positions: int = 0  # u32
    fuel_taker: int = 0  # u32
    fuel_maker: int = 0  # u32
    if_staked_gov_token_amount: int = 0  # u64
    last_fuel_if_bonus_update_ts: int = 0  # u32

    def get_total_30d_volume(self) -> int:
        """``taker_volume_30d + maker_volume_30d`` (u64). program: state/user.rs::UserStats::get_total_30d_volume"""
        return safe_add(self.taker_volume_30d, self.maker_volume_30d, U64)


@dataclass
class InsuranceFundStake:
    """program: state/insurance_fund_stake.rs::InsuranceFundStake"""

    authority: str = ""  # Pubkey
    if_shares: int = 0  # u128
    last_withdraw_request_shares: int = 0  # u128
    if_base: int = 0  # u128
    last_valid_ts: int = 0  # i64
    last_withdraw_request_value: int = 0  # u64
    last_withdraw_request_ts: int = 0  # i64
    cost_basis: int = 0  # i64
    market_index: int = 0  # u16

    @classmethod
    def new(cls, authority: str, market_index: int, now: int) -> InsuranceFundStake:
        """An empty stake valid from ``now``. program: state/insurance_fund_stake.rs::InsuranceFundStake::new"""
        return cls(authority=authority, market_index=market_index, last_valid_ts=now)

    def validate_base(self, spot_market: SpotMarket) -> None:
        """The stake's share base must equal the fund's, else ``InvalidIFRebase``. program: InsuranceFundStake"""
        if self.if_base != spot_market.insurance_fund.shares_base:
            raise InvalidIFRebase(f"if stake bases mismatch. user base: {self.if_base} market base "
                                  f"{spot_market.insurance_fund.shares_base}")

    def checked_if_shares(self, spot_market: SpotMarket) -> int:
        """The shares, after checking the base. program: InsuranceFundStake::checked_if_shares"""
        self.validate_base(spot_market)
        return self.if_shares

    def unchecked_if_shares(self) -> int:
        """The shares without a base check. program: InsuranceFundStake::unchecked_if_shares"""
        return self.if_shares

    def increase_if_shares(self, delta: int, spot_market: SpotMarket) -> None:
        """``if_shares += delta`` (u128) after the base check. program: InsuranceFundStake::increase_if_shares"""
        self.validate_base(spot_market)
        self.if_shares = safe_add(self.if_shares, delta, U128)

    def decrease_if_shares(self, delta: int, spot_market: SpotMarket) -> None:
        """``if_shares -= delta`` (u128) after the base check. program: InsuranceFundStake::decrease_if_shares"""
        self.validate_base(spot_market)
        self.if_shares = safe_sub(self.if_shares, delta, U128)

    def update_if_shares(self, new_shares: int, spot_market: SpotMarket) -> None:
        """``if_shares = new_shares`` after the base check. program: InsuranceFundStake::update_if_shares"""
        self.validate_base(spot_market)
        self.if_shares = new_shares


@dataclass
class IfRebalanceConfig:
    """program: state/if_rebalance_config.rs::IfRebalanceConfig"""

    pubkey: str = ""  # Pubkey
    total_in_amount: int = 0  # u64
    current_in_amount: int = 0  # u64
    current_out_amount: int = 0  # u64
    current_out_amount_transferred: int = 0  # u64
    current_in_amount_since_last_transfer: int = 0  # u64
    epoch_start_ts: int = 0  # i64
    epoch_in_amount: int = 0  # u64
    epoch_max_in_amount: int = 0  # u64
    epoch_duration: int = 0  # i64
    out_market_index: int = 0  # u16
    in_market_index: int = 0  # u16
    max_slippage_bps: int = 0  # u16
    swap_mode: int = 0  # u8
    status: int = 0  # u8

    def is_active(self) -> bool:
        """``status == 0``. program: IfRebalanceConfig::is_active"""
        return self.status == 0

    def validate(self) -> None:
        """Buys the quote market (in = 0) with another market, within totals; else InvalidIfRebalanceConfig.

        program: IfRebalanceConfig::validate
        """
        if not (self.in_market_index == 0 and self.out_market_index != self.in_market_index
                and self.total_in_amount >= self.current_in_amount
                and self.epoch_max_in_amount <= self.total_in_amount):
            raise InvalidIfRebalanceConfig(f"{self}")

    def max_transfer_amount(self) -> int:
        """``current_out_amount - current_out_amount_transferred`` (u64). program: IfRebalanceConfig"""
        return safe_sub(self.current_out_amount, self.current_out_amount_transferred, U64)


@dataclass
class PriceDivergenceGuardRails:
    """program: state/state.rs::PriceDivergenceGuardRails"""

    mark_oracle_percent_divergence: int = PERCENTAGE_PRECISION // 10  # u64
    oracle_twap_5min_percent_divergence: int = PERCENTAGE_PRECISION // 2  # u64


@dataclass
class ValidityGuardRails:
    """program: state/state.rs::ValidityGuardRails"""

    slots_before_stale_for_amm: int = 0  # i64
    slots_before_stale_for_margin: int = 0  # i64
    confidence_interval_max_size: int = 0  # u64
    too_volatile_ratio: int = 0  # i64


@dataclass
class OracleGuardRails:
    """program: state/state.rs::OracleGuardRails"""

    price_divergence: PriceDivergenceGuardRails = field(default_factory=PriceDivergenceGuardRails)
    validity: ValidityGuardRails = field(default_factory=_default_validity_guard_rails)


@dataclass
class FeeTier:
    """program: state/state.rs::FeeTier"""

    fee_numerator: int = 0  # u32
    fee_denominator: int = FEE_DENOMINATOR  # u32
    maker_rebate_numerator: int = 0  # u32
    maker_rebate_denominator: int = FEE_DENOMINATOR  # u32
    referrer_reward_numerator: int = 0  # u32
    referrer_reward_denominator: int = FEE_PERCENTAGE_DENOMINATOR  # u32
    referee_fee_numerator: int = 0  # u32
    referee_fee_denominator: int = FEE_PERCENTAGE_DENOMINATOR  # u32


@dataclass
class OrderFillerRewardStructure:
    """program: state/state.rs::OrderFillerRewardStructure"""

    reward_numerator: int = 0  # u32
    reward_denominator: int = 0  # u32
    time_based_reward_lower_bound: int = 0  # u128


@dataclass
class FeeStructure:
    """program: state/state.rs::FeeStructure"""

    fee_tiers: list[FeeTier] = field(default_factory=_perps_default_fee_tiers)
    filler_reward_structure: OrderFillerRewardStructure = field(default_factory=_default_filler_reward_structure)
    referrer_reward_epoch_upper_bound: int = MAX_REFERRER_REWARD_EPOCH_UPPER_BOUND  # u64
    flat_filler_fee: int = 10_000  # u64

    @classmethod
    def perps_default(cls) -> FeeStructure:
        """``FeeStructure::perps_default`` (also ``FeeStructure::default``)."""
        return cls()

    @classmethod
    def spot_default(cls) -> FeeStructure:
        """``FeeStructure::spot_default``: one tier, 10 bps taker, 2 bps maker rebate, no referral split."""
        return cls(fee_tiers=[_fee_tier(100, 20, 0, 0)] + [FeeTier() for _ in range(9)])

    @classmethod
    def test_default(cls) -> FeeStructure:
        """``FeeStructure::test_default`` (the program's tests): 10 bps taker, 6 bps rebate, 10% / 10% referral."""
        return cls(fee_tiers=[_fee_tier(100, 60, 10, 10)] + [FeeTier() for _ in range(9)])


@dataclass
class State:
    """program: state/state.rs::State"""

    admin: str = ""  # Pubkey
    whitelist_mint: str = ""  # Pubkey
    discount_mint: str = ""  # Pubkey
    signer: str = ""  # Pubkey
    srm_vault: str = ""  # Pubkey
    perp_fee_structure: FeeStructure = field(default_factory=FeeStructure)
    spot_fee_structure: FeeStructure = field(default_factory=FeeStructure.spot_default)
    oracle_guard_rails: OracleGuardRails = field(default_factory=OracleGuardRails)
    number_of_authorities: int = 0  # u64
    number_of_sub_accounts: int = 0  # u64
    lp_cooldown_time: int = 0  # u64
    liquidation_margin_buffer_ratio: int = 0  # u32
    settlement_duration: int = 0  # u16
    number_of_markets: int = 0  # u16
    number_of_spot_markets: int = 0  # u16
    signer_nonce: int = 0  # u8
    min_perp_auction_duration: int = 0  # u8
    default_market_order_time_in_force: int = 0  # u8
    default_spot_auction_duration: int = 0  # u8
    exchange_status: int = 0  # u8
    liquidation_duration: int = 0  # u8
    initial_pct_to_liquidate: int = 0  # u16
    max_number_of_sub_accounts: int = 0  # u16
    max_initialize_user_fee: int = 0  # u16
    feature_bit_flags: int = 0  # u8
    lp_pool_feature_bit_flags: int = 0  # u8

