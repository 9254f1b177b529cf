"""Decode the base64 ``User`` and ``PerpMarket`` accounts embedded in protocol-v2 v2.136.0's LP tests.

The Rust tests load mainnet account bytes with ``AccountLoader``: an 8-byte Anchor discriminator, then the
``#[repr(C)]`` zero-copy struct. The field lists below are the structs' fields at v2.136.0, in order, with their
Rust types (``padding`` arrays included so the offsets line up); the struct sizes are checked against the
program's account sizes (User 4376 bytes, PerpMarket 1216 bytes with the discriminator). Only what the tests
need is mapped onto the exact layer's dataclasses; fields the dataclasses lack are dropped.
"""

from __future__ import annotations

import base64
import struct
from typing import Any

import driftlab.exact as ex

_FORMATS = {"u8": ("B", 1), "i8": ("b", 1), "bool": ("?", 1), "u16": ("H", 2), "i16": ("h", 2),
            "u32": ("I", 4), "i32": ("i", 4), "u64": ("Q", 8), "i64": ("q", 8)}

HISTORICAL_ORACLE_DATA = [("last_oracle_price", "i64"), ("last_oracle_conf", "u64"), ("last_oracle_delay", "i64"),
                          ("last_oracle_price_twap", "i64"), ("last_oracle_price_twap_5min", "i64"),
                          ("last_oracle_price_twap_ts", "i64")]
POOL_BALANCE = [("scaled_balance", "u128"), ("market_index", "u16"), ("padding", "bytes6")]
INSURANCE_CLAIM = [("revenue_withdraw_since_last_settle", "i64"), ("max_revenue_withdraw_per_period", "u64"),
                   ("quote_max_insurance", "u64"), ("quote_settled_insurance", "u64"),
                   ("last_revenue_withdraw_ts", "i64")]

AMM_V2_136 = [
    ("oracle", "bytes32"), ("historical_oracle_data", HISTORICAL_ORACLE_DATA),
    ("base_asset_amount_per_lp", "i128"), ("quote_asset_amount_per_lp", "i128"), ("fee_pool", POOL_BALANCE),
    *[(name, "u128") for name in ("base_asset_reserve", "quote_asset_reserve", "concentration_coef",
                                  "min_base_asset_reserve", "max_base_asset_reserve", "sqrt_k", "peg_multiplier",
                                  "terminal_quote_asset_reserve")],
    *[(name, "i128") for name in ("base_asset_amount_long", "base_asset_amount_short", "base_asset_amount_with_amm",
                                  "base_asset_amount_with_unsettled_lp")],
    ("max_open_interest", "u128"),
    *[(name, "i128") for name in ("quote_asset_amount", "quote_entry_amount_long", "quote_entry_amount_short",
                                  "quote_break_even_amount_long", "quote_break_even_amount_short")],
    ("user_lp_shares", "u128"),
    *[(name, "i64") for name in ("last_funding_rate", "last_funding_rate_long", "last_funding_rate_short",
                                 "last_24h_avg_funding_rate")],
    ("total_fee", "i128"), ("total_mm_fee", "i128"), ("total_exchange_fee", "u128"),
    ("total_fee_minus_distributions", "i128"), ("total_fee_withdrawn", "u128"), ("total_liquidation_fee", "u128"),
    ("cumulative_funding_rate_long", "i128"), ("cumulative_funding_rate_short", "i128"),
    ("total_social_loss", "u128"),
    *[(name, "u128") for name in ("ask_base_asset_reserve", "ask_quote_asset_reserve", "bid_base_asset_reserve",
                                  "bid_quote_asset_reserve")],
    ("last_oracle_normalised_price", "i64"), ("last_oracle_reserve_price_spread_pct", "i64"),
    *[(name, "u64") for name in ("last_bid_price_twap", "last_ask_price_twap", "last_mark_price_twap",
                                 "last_mark_price_twap_5min", "last_update_slot", "last_oracle_conf_pct")],
    ("net_revenue_since_last_funding", "i64"), ("last_funding_rate_ts", "i64"), ("funding_period", "i64"),
    *[(name, "u64") for name in ("order_step_size", "order_tick_size", "min_order_size", "mm_oracle_slot",
                                 "volume_24h", "long_intensity_volume", "short_intensity_volume")],
    ("last_trade_ts", "i64"), ("mark_std", "u64"), ("oracle_std", "u64"), ("last_mark_price_twap_ts", "i64"),
    *[(name, "u32") for name in ("base_spread", "max_spread", "long_spread", "short_spread")],
    ("mm_oracle_price", "i64"), ("max_fill_reserve_fraction", "u16"), ("max_slippage_ratio", "u16"),
    ("curve_update_intensity", "u8"), ("amm_jit_intensity", "u8"), ("oracle_source", "u8"),
    ("last_oracle_valid", "bool"), ("target_base_asset_amount_per_lp", "i32"), ("per_lp_base", "i8"),
    ("taker_speed_bump_override", "i8"), ("amm_spread_adjustment", "i8"), ("oracle_slot_delay_override", "i8"),
    ("mm_oracle_sequence_id", "u64"), ("net_unsettled_funding_pnl", "i64"),
    ("quote_asset_amount_with_unsettled_lp", "i64"), ("reference_price_offset", "i32"),
    ("amm_inventory_spread_adjustment", "i8"), ("padding", "bytes3"), ("last_funding_oracle_twap", "i64"),
]

PERP_MARKET_V2_136 = [
    ("pubkey", "bytes32"), ("amm", AMM_V2_136), ("pnl_pool", POOL_BALANCE), ("name", "bytes32"),
    ("insurance_claim", INSURANCE_CLAIM), ("unrealized_pnl_max_imbalance", "u64"), ("expiry_ts", "i64"),
    ("expiry_price", "i64"), ("next_fill_record_id", "u64"), ("next_funding_rate_record_id", "u64"),
    ("next_curve_record_id", "u64"),
    *[(name, "u32") for name in ("imf_factor", "unrealized_pnl_imf_factor", "liquidator_fee", "if_liquidation_fee",
                                 "margin_ratio_initial", "margin_ratio_maintenance",
                                 "unrealized_pnl_initial_asset_weight", "unrealized_pnl_maintenance_asset_weight",
                                 "number_of_users_with_base", "number_of_users")],
    ("market_index", "u16"), ("status", "u8"), ("contract_type", "u8"), ("contract_tier", "u8"),
    ("paused_operations", "u8"), ("quote_spot_market_index", "u16"), ("fee_adjustment", "i16"),
    ("fuel_boost_position", "u8"), ("fuel_boost_taker", "u8"), ("fuel_boost_maker", "u8"), ("pool_id", "u8"),
    ("high_leverage_margin_ratio_initial", "u16"), ("high_leverage_margin_ratio_maintenance", "u16"),
    ("protected_maker_limit_price_divisor", "u8"), ("protected_maker_dynamic_divisor", "u8"), ("padding1", "u32"),
    ("last_fill_price", "u64"), ("padding", "bytes24"),
]

PERP_POSITION_V2_136 = [
    *[(name, "i64") for name in ("last_cumulative_funding_rate", "base_asset_amount", "quote_asset_amount",
                                 "quote_break_even_amount", "quote_entry_amount", "open_bids", "open_asks",
                                 "settled_pnl")],
    ("lp_shares", "u64"), ("last_base_asset_amount_per_lp", "i64"), ("last_quote_asset_amount_per_lp", "i64"),
    ("remainder_base_asset_amount", "i32"), ("market_index", "u16"), ("open_orders", "u8"), ("per_lp_base", "i8"),
]

SPOT_POSITION = [("scaled_balance", "u64"), ("open_bids", "i64"), ("open_asks", "i64"),
                 ("cumulative_deposits", "i64"), ("market_index", "u16"), ("balance_type", "u8"),
                 ("open_orders", "u8"), ("padding", "bytes4")]
ORDER_BYTES = 96

USER_V2_136 = [
    ("authority", "bytes32"), ("delegate", "bytes32"), ("name", "bytes32"),
    *[(f"spot_position_{i}", SPOT_POSITION) for i in range(8)],
    *[(f"perp_position_{i}", PERP_POSITION_V2_136) for i in range(8)],
    ("orders", f"bytes{32 * ORDER_BYTES}"),
    ("last_add_perp_lp_shares_ts", "i64"), ("total_deposits", "u64"), ("total_withdraws", "u64"),
    ("total_social_loss", "u64"), ("settled_perp_pnl", "i64"), ("cumulative_spot_fees", "i64"),
    ("cumulative_perp_funding", "i64"), ("liquidation_margin_freed", "u64"), ("last_active_slot", "u64"),
    ("next_order_id", "u32"), ("max_margin_ratio", "u32"), ("next_liquidation_id", "u16"), ("sub_account_id", "u16"),
    ("status", "u8"), ("is_margin_trading_enabled", "bool"), ("idle", "bool"), ("open_orders", "u8"),
    ("has_open_order", "bool"), ("open_auctions", "u8"), ("has_open_auction", "bool"), ("margin_mode", "u8"),
    ("pool_id", "u8"), ("padding1", "bytes3"), ("last_fuel_bonus_update_ts", "u32"), ("padding", "bytes12"),
]


def _read(layout: list[tuple[str, Any]], data: bytes, offset: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    for name, kind in layout:
        if isinstance(kind, list):
            out[name], offset = _read(kind, data, offset)
        elif kind.startswith("bytes"):
            size = int(kind[5:])
            out[name] = data[offset:offset + size]
            offset += size
        elif kind in ("u128", "i128"):
            out[name] = int.from_bytes(data[offset:offset + 16], "little", signed=kind == "i128")
            offset += 16
        else:
            fmt, size = _FORMATS[kind]
            out[name] = struct.unpack_from("<" + fmt, data, offset)[0]
            offset += size
    return out, offset


def _decode(b64: str, layout: list[tuple[str, Any]], size: int) -> dict[str, Any]:
    data = base64.b64decode(b64)
    assert len(data) == size, f"account is {len(data)} bytes, expected {size}"
    fields, end = _read(layout, data, 8)
    assert end == size, f"layout covers {end} bytes of {size}"
    return fields


def _fill(cls: type, values: dict[str, Any]) -> Any:
    names = set(cls.__dataclass_fields__)
    return cls(**{k: v for k, v in values.items() if k in names})


def perp_market_v2_136(b64: str) -> ex.PerpMarket:
    """A v2.136.0 ``PerpMarket`` account (base64) as the exact layer's ``PerpMarket``."""
    raw = _decode(b64, PERP_MARKET_V2_136, 1216)
    amm = dict(raw["amm"])
    amm["historical_oracle_data"] = ex.HistoricalOracleData(**amm["historical_oracle_data"])
    amm["fee_pool"] = _fill(ex.PoolBalance, amm["fee_pool"])
    amm["oracle_source"] = ex.OracleSource(amm["oracle_source"])
    amm["oracle"] = amm["oracle"].hex()
    market = dict(raw)
    market["amm"] = _fill(ex.AMM, amm)
    market["pnl_pool"] = _fill(ex.PoolBalance, raw["pnl_pool"])
    market["insurance_claim"] = _fill(ex.InsuranceClaim, raw["insurance_claim"])
    market["status"] = ex.MarketStatus(raw["status"])
    market["contract_type"] = ex.ContractType(raw["contract_type"])
    market["contract_tier"] = ex.ContractTier(raw["contract_tier"])
    market["pubkey"] = raw["pubkey"].hex()
    market["name"] = raw["name"]
    return _fill(ex.PerpMarket, market)


def user_v2_136(b64: str) -> ex.User:
    """A v2.136.0 ``User`` account (base64) as the exact layer's ``User`` (perp positions with their LP fields)."""
    raw = _decode(b64, USER_V2_136, 4376)
    perp_positions = [_fill(ex.PerpPosition, raw[f"perp_position_{i}"]) for i in range(8)]
    spot_positions = [_fill(ex.SpotPosition, {**raw[f"spot_position_{i}"],
                                              "balance_type": ex.SpotBalanceType(raw[f"spot_position_{i}"][
                                                  "balance_type"])}) for i in range(8)]
    values = {k: v for k, v in raw.items() if not k.startswith(("perp_position_", "spot_position_"))}
    values.pop("orders")
    values["authority"] = values["authority"].hex()
    values["delegate"] = values["delegate"].hex()
    values["margin_mode"] = ex.MarginMode(values["margin_mode"])
    return _fill(ex.User, {**values, "perp_positions": perp_positions, "spot_positions": spot_positions})
