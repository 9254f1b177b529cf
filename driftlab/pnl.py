"""Perp P&L in natural units: a position through a sequence of trades, settlement against the P&L pool, expiry.

A position carries three quote amounts (USD, negative for money paid in), as the program keeps them:

- ``quote_asset_amount``: every fill's quote, minus fees, plus funding, plus realised P&L not yet settled;
- ``quote_entry_amount``: what the open base cost (fills only), scaled pro rata when the position shrinks;
- ``quote_break_even_amount``: the entry amount plus the fees and funding of the open position.

Entry and break-even prices are those over the base. Three "P&L"s follow, and they differ, which is why a UI's
number can disagree with what ``settle_pnl`` would move: ``price_pnl = base*mark + entry`` (the price move since
entry, what the UI shows), ``break_even_pnl = base*mark + break_even`` (after fees and funding) and the program's
``unrealized_pnl = base*mark + quote_asset_amount`` (that plus the realised P&L still waiting in the position).

Positive P&L is paid out of the market's P&L pool, which is filled by the losers' settled losses. Only the part
already realised (or covered by the pool's excess over all users' net P&L) can be claimed, and never more than the
pool holds: :func:`settleable_pnl`. The rest waits for losers to settle; meanwhile it counts as collateral at an
initial weight cut by ``unrealized_pnl_max_imbalance`` (:func:`unrealized_pnl_weight`), and the insurance fund tops
the pool up only beyond that imbalance (``exact.resolve_perp_pnl_deficit``).

Contract types: perpetuals never expire; a future settles every position at one expiry price
(:func:`expiry_price`: the oracle's 5-minute TWAP, moved so the pools cover the users' net P&L); a prediction
market is a future whose price lies in [0, 1] and settles at its outcome, and a short there risks ``1 - price``
per share (:func:`liability_value`).

exact: ``update_position_and_market``, ``PerpPosition::get_claimable_pnl``, ``controller/pnl.rs::settle_pnl`` (the
pool excess), ``update_pool_balances``, ``PerpMarket::get_unrealized_asset_weight``, ``calculate_expiry_price``,
``calculate_perp_liability_value``; agreement within the program's rounding is tested in ``tests/test_pnl.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._choices import choice, str_or_array
from ._scan import linear_recurrence
from ._validate import FloatArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONTRACT_TYPES",
    "LEDGER_COLUMNS",
    "TRADE_TYPES",
    "Settlement",
    "exact_position_ledger",
    "expiry_price",
    "expiry_settlement",
    "liability_value",
    "pool_after_settlement",
    "position_ledger",
    "settleable_pnl",
    "unrealized_pnl_weight",
]

TRADE_TYPES = ("open", "increase", "reduce", "close", "flip", "none")
"""``exact.get_position_update_type``'s cases, lower case; ``none`` is a row that trades no base."""

CONTRACT_TYPES = ("perpetual", "future", "prediction")
"""``exact.ContractType``, lower case."""

LEDGER_COLUMNS = ("trade", "base", "quote", "fee", "funding", "position", "quote_asset_amount", "quote_entry_amount",
                  "quote_break_even_amount", "entry_price", "break_even_price", "realized_pnl",
                  "cumulative_realized_pnl", "mark", "price_pnl", "break_even_pnl", "unrealized_pnl")
"""The columns :func:`position_ledger` returns, in order."""

BASE_UNIT = 1e-9  # the program's base precision (AMM_RESERVE_PRECISION)
QUOTE_UNIT = 1e-6  # the program's quote and price precision


def _numbers(trades: pd.DataFrame, name: str) -> FloatArray:
    """A column as floats (missing values NaN); a ``ValueError`` naming it when it holds something else."""
    try:
        return trades[name].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(f"trades[{name!r}] must hold numbers, got dtype {trades[name].dtype}") from None


def _column(trades: pd.DataFrame, name: str, default: float | None = None) -> FloatArray:
    if name not in trades.columns:
        if default is None:
            raise ValueError(f"trades must have a {name!r} column")
        return np.full(len(trades), default)
    return v.as_float_array(f"trades[{name!r}]", _numbers(trades, name))


def position_ledger(trades: pd.DataFrame) -> pd.DataFrame:
    """A position's amounts, prices and P&L after each trade of ``trades`` (one row per trade, same index).

    Columns of ``trades``:

    - ``base`` (required): base bought (+) or sold (-); 0 for a row that only pays funding or marks the price.
      Rounded to the program's 1e-9, so a sequence that closes the position closes it exactly.
    - ``price`` (USD, > 0) or ``quote`` (USD the fill moved: negative when buying, ``-base * price``); ``quote``
      wins when both are given (a fill on the AMM is not exactly ``base * price``).
    - ``fee`` (optional, USD >= 0): charged after the fill; it enters the break-even amount if base remains.
    - ``funding`` (optional, USD, + received): settled before the fill; must be 0 where the position is flat.
    - ``mark`` (optional, USD): the valuation price; default ``price``, else the fill price, carried forward.

    Per row, as ``update_position_and_market``: open/increase add the fill's quote to the entry and break-even
    amounts; reduce/close keep ``|B_new|/|B_old|`` of them and realise ``entry * |d|/|B_old| + quote``; a flip
    realises ``entry + quote * |B_old|/|d|`` and starts the new position at the rest of the fill. These amounts are
    linear recurrences (kept fraction, added quote) solved for every row at once (:mod:`driftlab._scan`).
    Returns the :data:`LEDGER_COLUMNS`; entry and break-even prices are NaN while flat (the program's helpers
    give 0). exact: :func:`exact_position_ledger` runs the program's integer functions on the same rows.
    """
    import pandas as pd

    if not isinstance(trades, pd.DataFrame):
        raise ValueError(f"trades must be a pandas DataFrame, got {type(trades).__name__}")
    if len(trades) == 0:
        raise ValueError("trades must have at least one row")
    base = _column(trades, "base")
    if np.any(np.abs(base) >= 9e9):
        raise ValueError("trades['base'] must be below 9e9 in magnitude (the program's i64 at 1e-9)")
    units = np.round(base / BASE_UNIT).astype(np.int64)
    traded = units != 0
    if "quote" in trades.columns:
        quote = _column(trades, "quote")
    elif "price" in trades.columns:
        quote = -base * v.positive("trades['price']", _numbers(trades, "price"))
    else:
        raise ValueError("trades must have a 'price' or a 'quote' column")
    if np.any(~traded & (quote != 0)):
        raise ValueError("trades['quote'] must be 0 on rows that trade no base")
    quote = np.where(traded, quote, 0.0)  # no -0.0 on rows without a fill
    if np.any(traded & (quote * units >= 0)):
        raise ValueError("trades['quote'] must have the opposite sign of base (a buy pays quote, a sale receives it)")
    fee = v.non_negative("trades['fee']", _column(trades, "fee", 0.0))
    funding = _column(trades, "funding", 0.0)

    position_units = np.cumsum(units)
    before_units = position_units - units
    if np.any((before_units == 0) & (funding != 0)):
        row = int(np.argmax((before_units == 0) & (funding != 0)))
        raise ValueError(f"trades['funding'] must be 0 where the position is flat before the row (row {row})")
    before = np.abs(before_units).astype(float)
    after = np.abs(position_units).astype(float)
    size = np.abs(units).astype(float)
    same_side = np.sign(before_units) == np.sign(units)
    kind = np.select(
        [~traded, before_units == 0, same_side, size < before, size == before],
        ["none", "open", "increase", "reduce", "close"], "flip")

    grows = np.isin(kind, ("open", "increase", "none"))
    kept = np.select([grows, kind == "reduce"], [1.0, np.divide(after, before, out=np.zeros_like(after),
                                                                where=before > 0)], 0.0)
    fill = np.select([np.isin(kind, ("open", "increase")), kind == "flip"],
                     [quote, quote * np.divide(after, size, out=np.zeros_like(after), where=size > 0)], 0.0)
    entry = linear_recurrence(kept, fill)
    entry_before = np.concatenate([[0.0], entry[:-1]])
    realized = np.select(
        [np.isin(kind, ("reduce", "close")), kind == "flip"],
        [entry_before * np.divide(size, before, out=np.zeros_like(size), where=before > 0) + quote,
         entry_before + quote * np.divide(before, size, out=np.zeros_like(size), where=size > 0)], 0.0)
    break_even = linear_recurrence(kept, kept * funding + fill - np.where(position_units != 0, fee, 0.0))
    quote_asset = np.cumsum(quote + funding - fee)

    position = position_units * BASE_UNIT
    open_position = position_units != 0
    safe_position = np.where(open_position, position, 1.0)
    if "mark" in trades.columns:
        mark = _numbers(trades, "mark")
        given = mark[~np.isnan(mark)]  # a missing mark carries the last one forward
        if given.size:
            v.non_negative("trades['mark']", given)
    elif "price" in trades.columns:
        mark = _numbers(trades, "price")
    else:
        mark = np.where(traded, -quote / np.where(traded, base, 1.0), np.nan)
    mark = pd.Series(mark).ffill().to_numpy()
    if np.any(open_position & ~np.isfinite(mark)):
        raise ValueError("a mark price is needed on every row with an open position (give 'mark' or 'price')")
    value = np.where(open_position, position * np.nan_to_num(mark), 0.0)
    frame = pd.DataFrame({
        "trade": kind, "base": units * BASE_UNIT, "quote": quote, "fee": fee, "funding": funding,
        "position": position, "quote_asset_amount": quote_asset, "quote_entry_amount": entry,
        "quote_break_even_amount": break_even,
        "entry_price": np.where(open_position, -entry / safe_position, np.nan),
        "break_even_price": np.where(open_position, -break_even / safe_position, np.nan),
        "realized_pnl": realized, "cumulative_realized_pnl": np.cumsum(realized), "mark": mark,
        "price_pnl": value + entry, "break_even_pnl": value + break_even, "unrealized_pnl": value + quote_asset,
    }, index=trades.index)
    return frame


def exact_position_ledger(trades: pd.DataFrame) -> pd.DataFrame:
    """:func:`position_ledger`'s amounts computed by the exact layer, in integers, converted to USD.

    Each row becomes integers (base at 1e-9, quote, fee and funding at 1e-6, rounded to nearest), then:
    funding ``update_quote_asset_and_break_even_amount``, the fill ``update_position_and_market`` (its return is
    ``realized_pnl``), the fee ``update_quote_asset_and_break_even_amount(-fee)``. Columns: ``trade``,
    ``position``, ``quote_asset_amount``, ``quote_entry_amount``, ``quote_break_even_amount``, ``entry_price``,
    ``break_even_price`` (``get_entry_price``/``get_breakeven_price``: 0 when flat), ``realized_pnl``.
    A sequential loop over the rows: this is the reference the vectorised ledger is tested against.
    """
    import pandas as pd

    from . import exact as ex

    ledger = position_ledger(trades)  # validates and resolves quote/price
    market = ex.PerpMarket(amm=ex.AMM(order_step_size=1, order_tick_size=1))
    position = ex.PerpPosition()
    rows = []
    for base, quote, fee, funding in ledger[["base", "quote", "fee", "funding"]].itertuples(index=False):
        base_units = round(base / BASE_UNIT)
        if funding:
            ex.update_quote_asset_and_break_even_amount(position, market, round(funding / QUOTE_UNIT))
        update_type = None
        if base_units:
            delta = ex.PositionDelta(quote_asset_amount=round(quote / QUOTE_UNIT), base_asset_amount=base_units)
            update_type = ex.get_position_update_type(position, delta)
            pnl = ex.update_position_and_market(position, market, delta)
        else:
            pnl = 0
        if fee:
            ex.update_quote_asset_and_break_even_amount(position, market, -round(fee / QUOTE_UNIT))
        rows.append({
            "trade": "none" if update_type is None else update_type.name.lower(),
            "position": position.base_asset_amount * BASE_UNIT,
            "quote_asset_amount": position.quote_asset_amount * QUOTE_UNIT,
            "quote_entry_amount": position.quote_entry_amount * QUOTE_UNIT,
            "quote_break_even_amount": position.quote_break_even_amount * QUOTE_UNIT,
            "entry_price": position.get_entry_price() * QUOTE_UNIT,
            "break_even_price": position.get_breakeven_price() * QUOTE_UNIT,
            "realized_pnl": pnl * QUOTE_UNIT,
        })
    return pd.DataFrame(rows, index=trades.index)


# ---------------------------------------------------------------------------------------------- settlement


class Settlement(NamedTuple):
    """What ``settle_pnl`` would move now, and why the rest waits."""

    claimable: Any  # get_claimable_pnl: positive P&L capped at realised P&L + the pool's excess (losses whole)
    settle_now: Any  # what moves: the claimable amount, at most the pool's balance (losses in full)
    waiting: Any  # unrealised P&L left in the position (positive P&L only)
    pool_excess: Any  # pnl_pool + fee_pool/5 above all users' net P&L (0 when the pool is short)
    reason: Any  # "loss", "in full", "realised + excess" (claimable caps it) or "pool balance"


def settleable_pnl(unrealized_pnl: ArrayLike, realized_pnl: ArrayLike, pnl_pool: ArrayLike,
                   net_user_pnl: ArrayLike, *, fee_pool: ArrayLike = 0.0) -> Settlement:
    """How much of a position's P&L ``settle_pnl`` can move now (USD), and what limits it.

    ``unrealized_pnl`` is the program's ``base*oracle + quote_asset_amount``; ``realized_pnl`` is
    ``quote_asset_amount - quote_entry_amount`` (P&L realised by reducing, less fees, plus funding, not yet
    settled); ``pnl_pool`` and ``fee_pool`` are the market's pool balances; ``net_user_pnl`` is all users' net
    P&L at the oracle (``exact.calculate_net_user_pnl``). Steps (``controller/pnl.rs::settle_pnl``):

    1. ``available = pnl_pool + fee_pool / 5``; ``excess = available - max(net_user_pnl, 0)`` if
       ``net_user_pnl < available`` else 0: what the pool holds beyond every winner's claim;
    2. ``claimable = min(unrealized, max(realized, 0) + excess)`` for a gain (``get_claimable_pnl``); a loss is
       claimable whole;
    3. ``settle_now = min(claimable, pnl_pool)`` for a gain (``update_pool_balances``; assumes the fee pool is
       within its target range, so no pool rebalancing happens first); a loss settles in full (the program
       stops at the user's withdrawable quote).

    A winner whose gain is still unrealised waits while the pool is not in excess: it is paid as losers settle
    into the pool (or once the winner reduces the position, realising the gain).
    """
    upnl = v.as_float_array("unrealized_pnl", unrealized_pnl)
    realized = v.as_float_array("realized_pnl", realized_pnl)
    pool = v.non_negative("pnl_pool", pnl_pool)
    net = v.as_float_array("net_user_pnl", net_user_pnl)
    fees = v.non_negative("fee_pool", fee_pool)
    upnl, realized, pool, net, fees = v.broadcast(unrealized_pnl=upnl, realized_pnl=realized, pnl_pool=pool,
                                                  net_user_pnl=net, fee_pool=fees)
    available = pool + fees / 5
    excess = np.where(net < available, available - np.maximum(net, 0.0), 0.0)
    gain = upnl > 0
    claimable = np.where(gain, np.minimum(upnl, np.maximum(realized, 0.0) + excess), upnl)
    settle = np.where(gain, np.minimum(claimable, pool), claimable)
    waiting = np.where(gain, upnl - settle, 0.0)
    reason = np.select([~gain, settle >= upnl, settle >= claimable], ["loss", "in full", "realised + excess"],
                       "pool balance")
    s = v.scalar_or_array
    return Settlement(claimable=s(claimable), settle_now=s(settle), waiting=s(waiting), pool_excess=s(excess),
                      reason=str_or_array(reason))


def pool_after_settlement(settled: ArrayLike, pnl_pool: ArrayLike, fee_pool: ArrayLike, *,
                          fee_pool_full: bool = False) -> tuple[FloatArray | float, FloatArray | float]:
    """``(pnl_pool, fee_pool)`` after settling ``settled`` USD with a user (+ paid to them, - taken from them).

    A gain leaves the P&L pool. A loss goes into it, except 1/100 that tops up the fee pool, unless the fee
    pool is already at its target (``fee_pool_full``). exact: ``update_pool_balances`` (the 1/100 truncated).
    """
    s_ = v.as_float_array("settled", settled)
    pool = v.non_negative("pnl_pool", pnl_pool)
    fees = v.non_negative("fee_pool", fee_pool)
    s_, pool, fees = v.broadcast(settled=s_, pnl_pool=pool, fee_pool=fees)
    if np.any(s_ > pool):
        raise ValueError("settled must not exceed pnl_pool: a gain is paid only out of the P&L pool")
    to_fee_pool = np.where((s_ < 0) & (not fee_pool_full), -s_ / 100, 0.0)
    return v.scalar_or_array(pool - s_ - to_fee_pool), v.scalar_or_array(fees + to_fee_pool)


def unrealized_pnl_weight(net_user_pnl: ArrayLike, max_imbalance: ArrayLike,
                          initial_weight: ArrayLike = 1.0) -> FloatArray | float:
    """The initial-margin weight of positive unrealised P&L once users' net P&L exceeds the imbalance cap.

    ``initial_weight * min(1, max_imbalance / net_user_pnl)`` when ``max_imbalance > 0`` and
    ``net_user_pnl > max_imbalance``, else ``initial_weight`` (a zero cap means no cap). Winners can always count
    their gain as collateral at this weight while it waits in the position; the size discount
    (``unrealized_pnl_imf_factor``) then applies on top (see the margin notebook).
    exact: ``PerpMarket::get_unrealized_asset_weight`` (weights at 1e4, truncated).
    """
    net = v.as_float_array("net_user_pnl", net_user_pnl)
    cap = v.non_negative("max_imbalance", max_imbalance)
    weight = v.in_range("initial_weight", initial_weight, 0.0, 1.0)
    net, cap, weight = v.broadcast(net_user_pnl=net, max_imbalance=cap, initial_weight=weight)
    over = (cap > 0) & (net > cap)
    scale = np.divide(cap, np.abs(net), out=np.ones_like(net), where=over)
    return v.scalar_or_array(np.where(over, weight * scale, weight))


# ---------------------------------------------------------------------------------------------- contracts


def _contract_type(contract_type: Any) -> str:
    return choice("contract_type", getattr(contract_type, "name", contract_type), CONTRACT_TYPES)


def expiry_price(target_price: ArrayLike, net_user_base: ArrayLike, net_user_quote: ArrayLike,
                 excess_balance: ArrayLike, *, order_step_size: ArrayLike = BASE_UNIT,
                 contract_type: Any = "future") -> FloatArray | float:
    """The price every position of an expired market settles at (USD).

    ``target_price`` is the oracle's 5-minute TWAP at expiry (a prediction market: its outcome, 1 or a tiny
    positive price for 0). ``net_user_base`` / ``net_user_quote`` are the users' net base and net quote
    (``base_asset_amount_with_amm``, the AMM's ``quote_asset_amount``: negative when users paid in);
    ``excess_balance`` is what the P&L pool and fee pool hold. At ``best = (excess - net_quote) / net_base`` the
    users' net P&L equals the pools, so net longs settle at ``min(best, target) - 1e-6`` and net shorts at
    ``max(best, target) + 1e-6``: the winners are paid at most what the pools hold. A net position under one
    ``order_step_size`` settles at the target.
    exact: ``calculate_expiry_price`` (``best`` truncated to 1e-6), called by ``settle_expired_market``.
    """
    kind = _contract_type(contract_type)
    if kind == "perpetual":
        raise ValueError("contract_type must be 'future' or 'prediction': a perpetual has no expiry")
    target = (v.in_range("target_price", target_price, 0.0, 1.0, low_open=True) if kind == "prediction"
              else v.positive("target_price", target_price))
    base = v.as_float_array("net_user_base", net_user_base)
    quote = v.as_float_array("net_user_quote", net_user_quote)
    excess = v.non_negative("excess_balance", excess_balance)
    step = v.positive("order_step_size", order_step_size)
    target, base, quote, excess, step = v.broadcast(target_price=target, net_user_base=base,
                                                    net_user_quote=quote, excess_balance=excess,
                                                    order_step_size=step)
    small = np.abs(base) < step
    best = -(quote - excess) / np.where(small, 1.0, base)
    price = np.where(base >= 0, np.minimum(best, target) - QUOTE_UNIT, np.maximum(best, target) + QUOTE_UNIT)
    return v.scalar_or_array(np.where(small, target, price))


def expiry_settlement(base: ArrayLike, quote_asset_amount: ArrayLike, expiry_price: ArrayLike, *,
                      fee_rate: ArrayLike = 0.0) -> FloatArray | float:
    """A position's P&L when the market settles it at ``expiry_price``: ``base * price + quote - fee``.

    ``fee = |base * price| * fee_rate`` (the program charges the taker fee on settlement).
    exact: ``calculate_base_asset_value_with_expiry_price`` then ``update_position_and_market``.
    """
    b = v.as_float_array("base", base)
    q = v.as_float_array("quote_asset_amount", quote_asset_amount)
    p = v.non_negative("expiry_price", expiry_price)
    f = v.in_range("fee_rate", fee_rate, 0.0, 1.0)
    b, q, p, f = v.broadcast(base=b, quote_asset_amount=q, expiry_price=p, fee_rate=f)
    value = b * p
    return v.scalar_or_array(value + q - np.abs(value) * f)


def liability_value(base: ArrayLike, price: ArrayLike, *, contract_type: Any = "perpetual") -> FloatArray | float:
    """What a position could lose, for margin: ``|base| * price``; a prediction-market short ``|base| * (1 - p)``.

    Prediction prices must lie in [0, 1] (a share pays 1 or 0). exact: ``calculate_perp_liability_value``.
    """
    kind = _contract_type(contract_type)
    b = v.as_float_array("base", base)
    p = (v.in_range("price", price, 0.0, 1.0) if kind == "prediction" else v.non_negative("price", price))
    b, p = v.broadcast(base=b, price=p)
    per_unit = np.where(b < 0, 1.0 - p, p) if kind == "prediction" else p
    return v.scalar_or_array(np.abs(b) * per_unit)
