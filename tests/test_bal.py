"""Human-layer BAL (driftlab.bal): hand values, the docs' examples, agreement with the v2.136.0 exact layer,
broadcasting and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab import bal

ONE = ex.AMM_RESERVE_PRECISION
USD = ex.QUOTE_PRECISION


# ---------------------------------------------------------------------------------------------- by hand and docs


def test_fraction_and_fill_share_by_hand() -> None:
    assert bal.lp_fraction(20, 100) == 0.2
    # a user buys 5 base for $500: an LP with 20 of 100 shares sells 1 base for $100
    assert bal.lp_fill_share(5.0, -500.0, 20, 100) == (-1.0, 100.0)


def test_fee_share_docs_example() -> None:
    # drift-docs-digest.md (a) "Backstop AMM Liquidity": a 10 bps fee, fully BAL-collateralised -> 8 bps to the
    # providers; half collateralised -> 4 bps. On $10,000 of notional: $10 fee.
    assert bal.lp_fee_share(10.0, 100, 100) == pytest.approx(8.0)
    assert bal.lp_fee_share(10.0, 50, 100) == pytest.approx(4.0)
    assert bal.lp_fee_share(-3.0, 50, 100) == 0.0  # a net rebate pays the LPs nothing


def test_fees_improve_cost_basis_docs_example() -> None:
    # drift-docs-digest.md (a): "1 SOL short ... cost basis of 100 USD and earned a 1 USD fee ... cost basis of 101"
    base, quote = bal.lp_fill_share(1.0, -100.0, 100, 100)
    fee = bal.lp_fee_share(1.25, 100, 100)  # the market kept $1.25, 80% is $1
    position = ex.PerpPosition(base_asset_amount=int(base * ONE), quote_asset_amount=int((quote + fee) * USD))
    assert position.get_cost_basis() == 101 * ex.PRICE_PRECISION


def test_open_orders_docs_example() -> None:
    # drift-docs-digest.md (a): reserves 50 within bounds 0/100 -> 50/50; reserves 25 -> 75 asks / 25 bids
    assert bal.lp_open_orders(100, 100, 50, 0, 100) == (50.0, -50.0)
    assert bal.lp_open_orders(100, 100, 25, 0, 100) == (25.0, -75.0)
    assert bal.lp_open_orders(10, 100, 25, 0, 100) == (2.5, -7.5)


def test_margin_requirement_by_hand() -> None:
    # flat LP with 10 of 100 shares, reserves 25 in 0/100: worst case the asks, 7.5 base short at $20, 10% -> $15;
    # plus max($1, step * price) = $1
    assert bal.lp_margin_requirement(0.0, 10, 100, 25, 0, 100, 20.0, 0.1) == pytest.approx(16.0)
    # long 5 base: bids make it 7.5 long, asks 2.5 short -> 7.5 * 20 * 10% = $15, add-on step 0.1 * $20 = $2
    assert bal.lp_margin_requirement(5.0, 10, 100, 25, 0, 100, 20.0, 0.1, step_size=0.1) == pytest.approx(17.0)


def test_position_loss_and_break_even_by_hand() -> None:
    # peg = P0 = 100, P = 121, one share: base = 10 * (1/11 - 1/10), quote = 10 * (11 - 10)
    base, quote = bal.lp_position(121.0, 100.0, 1.0)
    assert base == pytest.approx(10 * (1 / 11 - 1 / 10))
    assert quote == pytest.approx(10.0)
    assert bal.inventory_loss(121.0, 100.0, 1.0) == pytest.approx(10 * 1**2 / 10)  # sqrt(peg)*(11-10)^2/10
    assert bal.break_even_fee_rate(121.0, 100.0) == pytest.approx(0.1 / 0.8)
    assert bal.break_even_fee_rate(81.0, 100.0, turnover=4.0) == pytest.approx(0.1 / 0.8 / 4)
    assert bal.inventory_loss(100.0, 100.0, 5.0) == 0.0


def test_break_even_fee_pays_exactly_the_loss() -> None:
    # one buy from P0 to P: the LP's fee at the break-even rate equals its inventory loss
    path = bal.lp_path(np.array([30.0]), 40.0, 400.0, 100.0, fee_rate=1.0)
    price = path.price[-1]
    rate = bal.break_even_fee_rate(price, 100.0)
    fees = bal.lp_path(np.array([30.0]), 40.0, 400.0, 100.0, fee_rate=rate).fees[-1]
    assert fees == pytest.approx(bal.inventory_loss(price, 100.0, 40.0))
    assert bal.lp_path(np.array([30.0]), 40.0, 400.0, 100.0, fee_rate=rate).pnl[-1] == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------------------------------------- paths


def test_path_is_the_closed_form_at_every_step() -> None:
    trades = np.array([5.0, -2.0, 7.5, -10.0, 3.0])
    path = bal.lp_path(trades, 25.0, 500.0, 50.0, peg=40.0)
    base, quote = bal.lp_position(path.price, 50.0, 25.0, peg=40.0)
    assert np.allclose(path.base, base) and np.allclose(path.quote, quote)
    assert np.allclose(path.base, -0.05 * np.cumsum(trades))
    assert np.allclose(path.inventory_pnl, -bal.inventory_loss(path.price, 50.0, 25.0, peg=40.0))
    assert np.allclose(path.pnl, path.inventory_pnl + path.fees + path.funding)


def test_path_funding_is_paid_on_the_position_held_before() -> None:
    trades = np.array([1.0, 1.0, -2.0])
    path = bal.lp_path(trades, 50.0, 100.0, 10.0, funding_rate=np.array([0.5, 0.5, 0.5]))
    # LP base before each step: 0, -0.5, -1.0: it receives 0, 0.25, 0.5
    assert np.allclose(path.funding, [0.0, 0.25, 0.75])


def test_arbitrage_flow_puts_the_amm_on_the_oracle() -> None:
    oracle = np.array([100.0, 104.0, 97.0, 99.0])
    flow = bal.arbitrage_flow(oracle, np.array([2.0, -3.0, 1.0, 0.5]), 1_000.0, 100.0)
    assert flow.shape == (8,)
    path = bal.lp_path(flow, 100.0, 1_000.0, 100.0)
    assert np.allclose(path.price[1::2], oracle)


def test_broadcasting() -> None:
    trades = np.array([1.0, -2.0, 3.0])
    shares = np.array([1.0, 10.0, 50.0])  # parameters broadcast against the leading axes of the trades
    path = bal.lp_path(trades, shares, 100.0, 10.0)
    assert path.base.shape == (3, 3)
    assert np.allclose(path.base[2], 50 * path.base[0])
    rates = bal.break_even_fee_rate(np.array([90.0, 110.0]), 100.0, np.array([[0.8], [0.5]]))
    assert rates.shape == (2, 2)
    assert isinstance(bal.lp_fraction(1, 2), float)
    requirement = bal.lp_margin_requirement(np.linspace(-5, 5, 11), 10, 100, 25, 0, 100, 20.0, 0.1)
    assert requirement.shape == (11,)
    flows = bal.arbitrage_flow(np.full((4, 6), 100.0), np.zeros((4, 6)), 100.0, 100.0)
    assert flows.shape == (4, 12)


@pytest.mark.parametrize(("call", "name"), [
    (lambda: bal.lp_fraction(-1, 10), "lp_shares"),
    (lambda: bal.lp_fraction(11, 10), "lp_shares"),
    (lambda: bal.lp_fraction(1, 0), "sqrt_k"),
    (lambda: bal.lp_fee_share(1.0, 1, 10, fee_slice=1.5), "fee_slice"),
    (lambda: bal.lp_open_orders(1, 10, 5, 8, 4), "min_base_reserve"),
    (lambda: bal.lp_margin_requirement(0, 1, 10, 5, 0, 10, 20.0, 2.0), "margin_ratio"),
    (lambda: bal.break_even_fee_rate(90.0, 100.0, turnover=0.5), "turnover"),
    (lambda: bal.break_even_fee_rate(90.0, 0.0), "start_price"),
    (lambda: bal.lp_path([200.0], 1.0, 100.0, 10.0), "trades"),
    (lambda: bal.lp_path([1.0], 1.0, 100.0, 10.0, fee_rate=-0.1), "fee_rate"),
    (lambda: bal.lp_path([np.nan], 1.0, 100.0, 10.0), "trades"),
    (lambda: bal.arbitrage_flow([100.0, 101.0], [200.0, 0.0], 100.0, 100.0), "noise_trades"),
    (lambda: bal.replay_on_program([1.0], sqrt_k=10.0, lp_shares=20.0, price=10.0), "lp_shares"),
    (lambda: bal.replay_on_program([[1.0]], sqrt_k=10.0, lp_shares=2.0, price=10.0), "trades"),
])
def test_bad_input_names_the_parameter(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------- vs the exact layer


@settings(max_examples=200, deadline=None)
@given(base=st.integers(-10**12, 10**12), quote=st.integers(-10**12, 10**12), fee=st.integers(0, 10**9),
       shares=st.integers(1, 10**13), extra=st.integers(0, 10**13))
def test_fill_and_fee_share_match_the_per_share_accounting(base: int, quote: int, fee: int, shares: int,
                                                           extra: int) -> None:
    # exact: per-share amounts (truncated to 1e-9 of a share unit) times the shares, truncated again. Base: one
    # per-share truncation and the settlement's, < shares/1e9 + 1 units. Quote: the per-share quote (with the +1
    # against LPs who buy) and the per-share fee are each truncated (< shares/1e9 each), the 80% slice is floored
    # (< 1 quote unit, times the LP's fraction) and the settlement truncates (< 1): < 3*shares/1e9 + 3 units.
    amm = ex.AMM(sqrt_k=shares + extra, user_lp_shares=shares)
    unit = amm.get_per_lp_base_unit()
    per_base, per_quote, per_fee = amm.calculate_per_lp_delta(ex.PositionDelta(quote, base), fee,
                                                              ex.AMMLiquiditySplit.Shared, unit)
    position = ex.PerpPosition(lp_shares=shares)
    amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp = -per_base, -per_quote + per_fee
    exact_base, exact_quote = ex.calculate_settled_lp_base_quote(amm, position)
    human_base, human_quote = bal.lp_fill_share(base / ONE, quote / USD, shares / ONE, (shares + extra) / ONE)
    human_fee = bal.lp_fee_share(fee / USD, shares / ONE, (shares + extra) / ONE)
    float_error = 1e-12 * (abs(exact_base) + abs(exact_quote))  # the floats' own rounding
    assert abs(exact_base - human_base * ONE) <= shares / ONE + 1 + float_error
    assert abs(exact_quote - (human_quote + human_fee) * USD) <= 3 * shares / ONE + 3 + float_error


@settings(max_examples=200, deadline=None)
@given(bar=st.integers(10**9, 10**13), lo_pct=st.integers(50, 100), hi_pct=st.integers(100, 150),
       shares=st.integers(0, 10**12), extra=st.integers(1, 10**12))
def test_open_orders_match_the_program(bar: int, lo_pct: int, hi_pct: int, shares: int, extra: int) -> None:
    market = ex.PerpMarket(amm=ex.AMM(base_asset_reserve=bar, min_base_asset_reserve=bar * lo_pct // 100,
                                      max_base_asset_reserve=bar * hi_pct // 100, sqrt_k=shares + extra))
    bids, asks = ex.calculate_lp_open_bids_asks(ex.PerpPosition(lp_shares=shares), market)
    human = bal.lp_open_orders(shares / ONE, (shares + extra) / ONE, bar / ONE, bar * lo_pct // 100 / ONE,
                               bar * hi_pct // 100 / ONE)
    assert abs(bids - human[0] * ONE) <= 1 + bids * 1e-12  # get_proportion rounds down, within one unit
    assert abs(asks - human[1] * ONE) <= 1 + abs(asks) * 1e-12


@settings(max_examples=100, deadline=None)
@given(base_units=st.integers(-200, 200), shares_pct=st.integers(1, 60), price=st.integers(1, 500),
       ratio=st.sampled_from([500, 1000, 2000]))
def test_margin_requirement_matches_v2_136(base_units: int, shares_pct: int, price: int, ratio: int) -> None:
    # a settled LP (no unsettled inventory) at a balanced market with bounds from MAX_CONCENTRATION_COEFFICIENT:
    # program requirement = worst liability * ratio / 1e4 + max($1, step * price); both sides truncate to 1e-6
    sqrt_k = 1_000 * ONE
    shares = sqrt_k * shares_pct // 100
    low, high = ex.calculate_bid_ask_bounds(ex.MAX_CONCENTRATION_COEFFICIENT, sqrt_k)
    market = ex.PerpMarket(amm=ex.AMM(base_asset_reserve=sqrt_k, quote_asset_reserve=sqrt_k, sqrt_k=sqrt_k,
                                      min_base_asset_reserve=low, max_base_asset_reserve=high, order_step_size=10**7,
                                      peg_multiplier=price * ex.PEG_PRECISION),
                           margin_ratio_initial=ratio, margin_ratio_maintenance=ratio // 2)
    position = ex.PerpPosition(lp_shares=shares, base_asset_amount=base_units * 10**8)
    oracle = ex.OraclePriceData(price=price * ex.PRICE_PRECISION, confidence=0, delay=0,
                                has_sufficient_number_of_data_points=True)
    strict = ex.StrictOraclePrice(current=ex.PRICE_PRECISION, twap_5min=None)
    requirement = ex.calculate_perp_position_value_and_pnl_v2_136(
        position, market, oracle, strict, ex.MarginRequirementType.Initial, 0, False, False)[0]
    human = bal.lp_margin_requirement(base_units / 10, shares / ONE, sqrt_k / ONE, sqrt_k / ONE, low / ONE,
                                      high / ONE, float(price), ratio / 1e4, step_size=0.01)
    # the LP's open orders are rounded down by get_proportion (< 1e-9 base each), the values truncated to 1e-6
    assert abs(requirement / USD - human) <= 3e-6 + 2e-9 * price


@settings(max_examples=25, deadline=None)
@given(trades=st.lists(st.integers(-300, 300), min_size=1, max_size=10), shares_pct=st.integers(5, 80),
       fee_bps=st.integers(0, 30), funding=st.lists(st.integers(-50, 50), min_size=10, max_size=10))
def test_path_matches_a_replay_on_the_program(trades: list[int], shares_pct: int, fee_bps: int,
                                              funding: list[int]) -> None:
    # each fill: the program's swap rounds the quote by a unit or two (1e-6 USD), the per-share split and the
    # settlement each truncate below one unit per share unit, the fee is floored: per fill at most
    # (4 + lp_shares) * 1e-6 USD of quote and (1 + lp_shares) * 1e-9 base of position; funding differs by the
    # unpaid remainder (see below)
    sqrt_k, price = 1_000.0, 50.0
    shares = sqrt_k * shares_pct / 100
    trade_base = np.array(trades, dtype=float) / 100  # multiples of the 0.01 step
    rates = np.array(funding[: len(trades)], dtype=float) / 1000
    program = bal.replay_on_program(trade_base, sqrt_k=sqrt_k, lp_shares=shares, price=price,
                                    fee_rate=fee_bps / 1e4, funding_rate=rates, step_size=0.01)
    human = bal.lp_path(trade_base, shares, sqrt_k, price, fee_rate=fee_bps / 1e4, funding_rate=rates)
    n = np.arange(1, len(trades) + 1)
    base_tol = n * (1 + shares) * 1e-9 + 1e-12
    quote_tol = n * (4 + shares) * 1e-6
    lp_total = program.lp_base + program.lp_remainder
    assert np.all(np.abs(lp_total - human.base) <= base_tol)
    assert np.all(np.abs(program.price - human.price) <= 1e-6 * (1 + human.price))
    assert np.all(np.abs(program.lp_fees - human.fees) <= quote_tol)
    # the program pays funding on the settled base only: the remainder below one step (0.01) earns none
    funding_tol = np.cumsum(0.01 * np.abs(rates)) + n * 1e-6
    assert np.all(np.abs(program.lp_funding - human.funding) <= funding_tol)
    trading_quote = program.lp_quote - program.lp_fees - program.lp_funding
    assert np.all(np.abs(trading_quote - human.quote) <= quote_tol)
    # and the conservation the program enforces: protocol + LP + users = 0 (to the per-fill rounding)
    assert np.all(np.abs(program.amm_base + lp_total + program.users_net) <= base_tol)


def test_arbitrage_break_even_fee_rate_by_simulation() -> None:
    # arbitrage-only flow on 2000 seeded paths of 100 intervals: the fee rate (slice 1) that pays the mean loss.
    # The loss is ~ a scaled chi-square with one degree of freedom: the mean over 2000 paths has a relative standard
    # error sqrt(2 / 2000) = 3.2% (the volume's is far smaller), so 10% is about three standard errors.
    rng = np.random.default_rng(7)
    sigma = 0.004
    paths, steps = 2000, 100
    log_moves = sigma * rng.standard_normal((paths, steps)) - sigma**2 / 2
    oracle = np.concatenate([np.full((paths, 1), 100.0), 100.0 * np.exp(np.cumsum(log_moves, axis=1))], axis=1)
    trades = bal.arbitrage_flow(oracle, np.zeros_like(oracle), 10_000.0, 100.0)
    path = bal.lp_path(trades, 1_000.0, 10_000.0, 100.0, fee_rate=1.0, fee_slice=1.0)
    simulated = -path.inventory_pnl[:, -1].mean() / path.fees[:, -1].mean()
    assert simulated == pytest.approx(bal.arbitrage_break_even_fee_rate(sigma, 1.0), rel=0.1)
    assert bal.arbitrage_break_even_fee_rate(0.01) == pytest.approx(np.sqrt(np.pi / 8) * 0.01 / 0.8)
    with pytest.raises(ValueError, match="volatility"):
        bal.arbitrage_break_even_fee_rate(-0.1)
