"""The fill-time controller steps the simulator composes: AMM swap with spread, position update, ``_update_amm``.

Sources: program ``controller/repeg/tests.rs::update_amm_test`` (protocol-v2 v2.161.0) for ``_update_amm``; the
swap and position checks are identities of ``controller/amm.rs::calculate_base_swap_output_with_spread`` built
from the exact layer's own ``calculate_swap_output`` / ``calculate_quote_asset_amount_swapped``.
"""

from __future__ import annotations

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    PEG_PRECISION,
    PRICE_PRECISION,
    ContractTier,
    HistoricalOracleData,
    MarketStatus,
    OracleGuardRails,
    OraclePriceData,
    PerpMarket,
    PositionDirection,
    PriceDivergenceGuardRails,
    State,
    SwapDirection,
    User,
    ValidityGuardRails,
)


def _market() -> PerpMarket:
    market = PerpMarket(amm=AMM(base_asset_reserve=100 * AMM_RESERVE_PRECISION,
                                quote_asset_reserve=100 * AMM_RESERVE_PRECISION,
                                sqrt_k=100 * AMM_RESERVE_PRECISION, peg_multiplier=100 * PEG_PRECISION,
                                terminal_quote_asset_reserve=100 * AMM_RESERVE_PRECISION,
                                concentration_coef=ex.MAX_CONCENTRATION_COEFFICIENT, base_spread=1000,
                                max_spread=10_000, order_step_size=1, order_tick_size=1),
                        margin_ratio_initial=1000, margin_ratio_maintenance=500)
    amm = market.amm
    amm.min_base_asset_reserve, amm.max_base_asset_reserve = ex.calculate_bid_ask_bounds(amm.concentration_coef,
                                                                                          amm.sqrt_k)
    ex.update_spreads(market, amm.reserve_price(), None)
    return market


def test_swap_quote_is_the_spread_reserve_swap_and_surplus_the_gap() -> None:
    market = _market()
    amm = market.amm
    base = AMM_RESERVE_PRECISION  # buy 1 base
    ask_base, ask_quote = amm.ask_base_asset_reserve, amm.ask_quote_asset_reserve
    new_ask_quote, _ = ex.calculate_swap_output(base, ask_base, SwapDirection.Remove, amm.sqrt_k)
    paid = ex.calculate_quote_asset_amount_swapped(ask_quote, new_ask_quote, SwapDirection.Remove, amm.peg_multiplier)
    new_quote, new_base = ex.calculate_swap_output(base, amm.base_asset_reserve, SwapDirection.Remove, amm.sqrt_k)
    no_spread = (new_quote - amm.quote_asset_reserve) * amm.peg_multiplier // 10**9 + 1
    got = ex.calculate_base_swap_output_with_spread(amm, base, SwapDirection.Remove)
    assert got == (new_base, new_quote, paid, abs(no_spread - paid))
    assert paid > no_spread  # the long pays the ask: the surplus is the AMM's spread revenue
    quote, surplus = ex.swap_base_asset(market, base, SwapDirection.Remove)
    assert (quote, surplus) == (paid, paid - no_spread)
    assert (amm.base_asset_reserve, amm.quote_asset_reserve) == (new_base, new_quote)


def test_update_position_with_base_asset_amount_moves_position_market_and_amm_inventory() -> None:
    market = _market()
    user = User()
    index = ex.add_new_position(user.perp_positions, 0)
    quote, surplus, pnl = ex.update_position_with_base_asset_amount(
        2 * AMM_RESERVE_PRECISION, PositionDirection.Short, market, user, index, None)
    position = user.perp_positions[index]
    assert position.base_asset_amount == -2 * AMM_RESERVE_PRECISION
    assert position.quote_asset_amount == quote == position.quote_entry_amount
    assert market.amm.base_asset_amount_with_amm == -2 * AMM_RESERVE_PRECISION
    assert market.amm.base_asset_amount_short == -2 * AMM_RESERVE_PRECISION
    assert market.amm.quote_asset_amount == quote and pnl == 0 and surplus > 0
    # the spread reserves were recentred on the new reserves
    assert market.amm.bid_base_asset_reserve >= market.amm.base_asset_reserve >= market.amm.ask_base_asset_reserve


def test_update_amm_program_case() -> None:
    """controller/repeg/tests.rs::update_amm_test: a 12,400 oracle against a 18,807 reserve price (tier B)."""
    market = PerpMarket(
        amm=AMM(base_asset_reserve=65 * AMM_RESERVE_PRECISION, quote_asset_reserve=63015384615,
                terminal_quote_asset_reserve=64 * AMM_RESERVE_PRECISION, sqrt_k=64 * AMM_RESERVE_PRECISION,
                peg_multiplier=19_400 * PEG_PRECISION, base_asset_amount_with_amm=-AMM_RESERVE_PRECISION,
                mark_std=PRICE_PRECISION, last_mark_price_twap_ts=0,
                historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=19_400 * PRICE_PRECISION,
                                                            last_oracle_price_twap_5min=19_400 * PRICE_PRECISION),
                base_spread=250, curve_update_intensity=100, max_spread=55500, concentration_coef=31020710),
        status=MarketStatus.Initialized, contract_tier=ContractTier.B, margin_ratio_initial=555)
    _, terminal_base = ex.calculate_terminal_reserves(market.amm)
    market.amm.min_base_asset_reserve, market.amm.max_base_asset_reserve = ex.calculate_bid_ask_bounds(
        market.amm.concentration_coef, terminal_base)
    state = State(oracle_guard_rails=OracleGuardRails(
        price_divergence=PriceDivergenceGuardRails(mark_oracle_percent_divergence=1,
                                                   oracle_twap_5min_percent_divergence=10),
        validity=ValidityGuardRails(slots_before_stale_for_amm=10, slots_before_stale_for_margin=120,
                                    confidence_interval_max_size=1000, too_volatile_ratio=5)))
    now, slot = 10000, 81680085
    oracle = OraclePriceData(price=12_400 * PRICE_PRECISION, confidence=0, delay=2,
                             has_sufficient_number_of_data_points=True)
    assert market.amm.reserve_price() == 18807668638
    market.amm.historical_oracle_data.last_oracle_price_twap_5min = 18907668639
    market.amm.historical_oracle_data.last_oracle_price_twap_ts = now - (167 + 6)
    mm = market.get_mm_oracle_price_data(oracle, slot, state.oracle_guard_rails.validity)
    cost = ex._update_amm(market, mm, state, now, slot)
    amm = market.amm
    assert amm.sqrt_k == 63936000000
    assert amm.reserve_price() == 12743902015
    assert amm.historical_oracle_data.last_oracle_price == 12400000000
    assert amm.last_oracle_normalised_price == 15520000000
    assert amm.historical_oracle_data.last_oracle_price_twap == 15520000000
    assert amm.historical_oracle_data.last_oracle_price_twap_5min == 16954113056
    assert -cost == amm.total_fee_minus_distributions == -6158609264
    assert amm.peg_multiplier == 13145260284
    assert amm.long_spread + amm.short_spread == 453312
    assert amm.bid_ask_price(amm.reserve_price()) == (7404359997, 13181323707)


def test_perp_market_deepcopy_is_deep_and_equal() -> None:
    import copy
    import dataclasses

    market = _market()
    clone = copy.deepcopy(market)
    assert clone == market
    for path in ("amm", "pnl_pool", "insurance_claim"):
        assert getattr(clone, path) is not getattr(market, path)
    assert clone.amm.historical_oracle_data is not market.amm.historical_oracle_data
    assert clone.amm.fee_pool is not market.amm.fee_pool
    # every other field is immutable (ints, bytes, str, enums): nothing else can be shared mutably
    for struct in (market, market.amm):
        for f in dataclasses.fields(struct):
            value = getattr(struct, f.name)
            assert dataclasses.is_dataclass(value) or isinstance(value, (int, str, bytes, bool)) or \
                type(value).__module__.endswith("enums")
