"""The program's account and value structs as dataclasses, with the program's field names and defaults.

Every field has a default (zero, or the program's ``Default`` impl), so ``AMM(sqrt_k=...)`` works; nested
structs nest as in the program (``PerpMarket(amm=AMM(...))``, ``SpotMarket(insurance_fund=InsuranceFund(...))``).
Each integer field's comment gives its Rust type; padding is left out, public keys are strings and byte arrays
``bytes``. Methods of the program's structs (``AMM::reserve_price``, ``PerpMarket::get_margin_ratio``, ...) are
methods here with the same names and arguments.

program: state/perp_market.rs, state/spot_market.rs, state/user.rs, state/oracle.rs, state/state.rs,
state/insurance_fund_stake.rs
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import amm as amm_math
from .constants import (
    BID_ASK_SPREAD_PRECISION,
    FEE_DENOMINATOR,
    FEE_PERCENTAGE_DENOMINATOR,
    MAX_REFERRER_REWARD_EPOCH_UPPER_BOUND,
    PERCENTAGE_PRECISION,
    PRICE_PRECISION,
)
from .enums import (
    AssetTier,
    ContractTier,
    ContractType,
    MarginMode,
    MarketStatus,
    MarketType,
    OracleSource,
    OracleValidity,
    OrderStatus,
    OrderTriggerCondition,
    OrderType,
    PositionDirection,
    SpotBalanceType,
)
from .safe_math import I32, I64, I128, U64, U128, cast, safe_add, safe_div, safe_mul, safe_sub


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
class MMOraclePriceData:
    """program: state/oracle.rs::MMOraclePriceData"""

    mm_oracle_price: int = 0  # i64
    mm_oracle_delay: int = 0  # i64
    mm_oracle_sequence_id: int = 0  # u64
    mm_oracle_validity: OracleValidity = OracleValidity.Valid
    mm_exchange_diff_bps: int = 0  # u128
    exchange_oracle_price_data: OraclePriceData = field(default_factory=OraclePriceData)
    safe_oracle_price_data: OraclePriceData = field(default_factory=OraclePriceData)


@dataclass
class PoolBalance:
    """program: state/perp_market.rs::PoolBalance"""

    scaled_balance: int = 0  # u128
    market_index: int = 0  # u16


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

