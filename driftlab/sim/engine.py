"""The time-stepped simulation: oracle paths drive an ``Exchange``; agents and keepers act each step.

One step is ``dt`` seconds (default 1) and ``slots_per_step`` slots. A step runs, in order:

1. the oracle update (the path's price for each perp market, and for spot markets given a path);
2. interest accrual on spot markets with borrows;
3. the insurance fund's hourly revenue settlement;
4. agents' decisions: takers place market orders (a seeded ``numpy.random.Generator``; vectorised over
   takers), stop-loss trigger orders are triggered when the oracle crosses them;
5. fills of every open order: JIT makers first (inside the auction), then the AMM (``Exchange.fill_perp_order``);
6. funding on the hour (``update_funding_rate``, which also runs the formulaic k update) and a periodic
   ``_update_amm`` crank (repeg, TWAPs, spreads) on markets nobody touched;
7. liquidations: accounts are screened with numpy over float copies of their positions, candidates are checked
   with the exact margin calculation, then ``liquidate_perp``, ``liquidate_perp_pnl_for_deposit`` and
   ``resolve_perp_bankruptcy`` (IF, fee pool, then socialised loss); the liquidator closes what it took over;
8. settlement: positions with more than ``settle_min_pnl`` USD of unsettled P&L are settled with the P&L pool
   every ``settle_interval`` steps, closed positions at once (a refused settlement is retried a minute later);
9. the step's metrics row and the invariant checks (``InvariantViolation`` with the step and the state).

Every state change is an exact-layer call (through ``Exchange``); the float copies only choose whom to look at.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .. import exact as ex
from ..exact import (
    BASE_PRECISION,
    PRICE_PRECISION,
    QUOTE_PRECISION,
    MarketType,
    OrderStatus,
    OrderType,
    PositionDirection,
    SpotBalanceType,
)
from ..params import USDC_SPOT, ExchangeParams, PerpMarketParams, SpotMarketParams
from .exchange import Exchange
from .invariants import InvariantViolation, check_exchange, exact_totals
from .paths import as_rng

__all__ = ["JitMakerPolicy", "SimResult", "Simulation", "TakerPolicy"]

START_TS = 1_700_000_000 - 1_700_000_000 % 3600  # an hour boundary, so funding runs on the hour
SCREEN_TOLERANCE = 0.002  # of notional: how far above the liquidation line the float screen still flags


@dataclass(frozen=True)
class TakerPolicy:
    """How takers trade: each step a taker acts with probability ``trade_probability``.

    An action opens or adds (long with probability ``long_bias``) a position of ``order_leverage`` times the
    taker's deposit in notional, capped so the position stays below ``max_leverage``; or, with probability
    ``close_probability``, closes the position (reduce-only). ``stop_loss`` (a fraction, e.g. 0.1) places a
    reduce-only trigger-market order that far beyond the entry price after each opening fill.
    """

    trade_probability: float = 1 / 3600
    long_bias: float = 0.5
    order_leverage: tuple[float, float] = (0.5, 2.0)
    max_leverage: float = 5.0
    close_probability: float = 0.3
    stop_loss: float | None = None

    def __post_init__(self) -> None:
        for name in ("trade_probability", "long_bias", "close_probability"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {value!r}")
        low, high = self.order_leverage
        if not 0 < low <= high:
            raise ValueError(f"order_leverage must be (low, high) with 0 < low <= high, got {self.order_leverage!r}")
        if self.max_leverage <= 0:
            raise ValueError(f"max_leverage must be > 0, got {self.max_leverage!r}")
        if self.stop_loss is not None and not 0 < self.stop_loss < 1:
            raise ValueError(f"stop_loss must be in (0, 1), got {self.stop_loss!r}")


@dataclass(frozen=True)
class JitMakerPolicy:
    """A JIT maker quotes ``spread`` (fraction) away from the oracle, up to ``max_base`` per fill, during auctions
    (with probability ``participation``)."""

    spread: float = 0.002
    max_base: float = 100.0
    participation: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.spread < 0.5:
            raise ValueError(f"spread must be in [0, 0.5), got {self.spread!r}")
        if self.max_base <= 0:
            raise ValueError(f"max_base must be > 0, got {self.max_base!r}")
        if not 0 <= self.participation <= 1:
            raise ValueError(f"participation must be in [0, 1], got {self.participation!r}")


@dataclass
class SimResult:
    """What a run leaves: the event log, the per-step metrics, the final exchange and run statistics."""

    events: pd.DataFrame
    metrics: pd.DataFrame
    exchange: Exchange
    stats: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """End-of-run figures for sweeps (USD): liquidations, bankruptcies and their losses, what the insurance
        fund paid, socialised loss, the fund at start and end. ``insurance_fund_solvent``: the fund covered every
        bankruptcy loss in full (true when there was none)."""
        m = self.metrics
        ev = self.events
        bankrupt = ev[ev["event"] == "bankruptcy"] if len(ev) else ev
        loss = float(-bankrupt["loss"].sum()) / 1e6 if len(bankrupt) else 0.0
        if_paid = float(bankrupt["if_payment"].sum()) / 1e6 if len(bankrupt) else 0.0
        last = m.iloc[-1] if len(m) else None
        return {
            "liquidations": int((ev["event"] == "liquidate_perp").sum()) if len(ev) else 0,
            "bankruptcies": len(bankrupt),
            "bankruptcy_loss": loss,
            "if_paid": if_paid,
            "fee_pool_paid": float(bankrupt["fee_pool_payment"].sum()) / 1e6 if len(bankrupt) else 0.0,
            "social_loss": float(last["social_loss"]) if last is not None else 0.0,
            "insurance_fund_start": float(m["insurance_fund"].iloc[0]) if len(m) else 0.0,
            "insurance_fund_end": float(last["insurance_fund"]) if last is not None else 0.0,
            "insurance_fund_solvent": bool(abs(loss - if_paid) < 1e-9),
            "pnl_pool_end": float(last["pnl_pool"]) if last is not None else 0.0,
            "min_price": float(m["oracle"].min()) if len(m) else math.nan,
            **{k: v for k, v in self.stats.items() if k in ("seconds", "account_steps_per_second")},
        }


class _Mirror:
    """Float copies of positions for screening, and exact running totals for the invariant checks."""

    def __init__(self, exchange: Exchange, capacity: int) -> None:
        self.exchange = exchange
        self.perp = sorted(exchange.perp_markets)
        self.spot = sorted(exchange.spot_markets)
        n = capacity
        self.base = {m: np.zeros(n) for m in self.perp}  # base units
        self.quote = {m: np.zeros(n) for m in self.perp}  # USD
        self.last_funding = {m: np.zeros(n) for m in self.perp}  # FUNDING_RATE_PRECISION
        self.deposit = {s: np.zeros(n) for s in self.spot}  # signed scaled balance (float)
        self.slope = {m: np.zeros(n) for m in self.perp}  # d(margin estimate)/d(price), see Simulation._screen
        self.rows: list[dict[tuple[str, int], int] | None] = [None] * n
        self.totals: dict[str, dict[int, int]] = {k: {} for k in (
            "deposit_scaled", "borrow_scaled", "base", "base_long", "base_short", "quote", "entry_long",
            "entry_short", "be_long", "be_short", "if_shares")}

    def grow(self, capacity: int) -> None:
        for arrays in (self.base, self.quote, self.last_funding, self.deposit, self.slope):
            for k, arr in arrays.items():
                if arr.size < capacity:
                    arrays[k] = np.concatenate([arr, np.zeros(capacity - arr.size)])
        self.rows.extend([None] * (capacity - len(self.rows)))

    def _row(self, account: int) -> dict[tuple[str, int], int]:
        acct = self.exchange.accounts[account]
        contrib: dict[tuple[str, int], int] = {}

        def add(key: str, market: int, value: int) -> None:
            if value:
                contrib[(key, market)] = contrib.get((key, market), 0) + value

        for sp in acct.user.spot_positions:
            if sp.scaled_balance:
                add("deposit_scaled" if sp.balance_type == SpotBalanceType.Deposit else "borrow_scaled",
                    sp.market_index, sp.scaled_balance)
        for pp in acct.user.perp_positions:  # an available slot holds zeros and adds nothing
            m, b = pp.market_index, pp.base_asset_amount
            add("base", m, b)
            add("quote", m, pp.quote_asset_amount)
            if b != 0:
                side = "long" if b > 0 else "short"
                add(f"base_{side}", m, b)
                add(f"entry_{side}", m, pp.quote_entry_amount)
                add(f"be_{side}", m, pp.quote_break_even_amount)
        if acct.stake is not None:
            add("if_shares", acct.stake.market_index, acct.stake.if_shares)
        return contrib

    def sync(self, account: int) -> None:
        new = self._row(account)
        old = self.rows[account] or {}
        for key in set(old) | set(new):
            delta = new.get(key, 0) - old.get(key, 0)
            if delta:
                name, market_index = key
                self.totals[name][market_index] = self.totals[name].get(market_index, 0) + delta
        self.rows[account] = new
        user = self.exchange.accounts[account].user
        for m in self.perp:
            self.base[m][account] = 0.0
            self.quote[m][account] = 0.0
        for m in self.perp:
            self.slope[m][account] = 0.0
        for pp in user.perp_positions:
            if (pp.base_asset_amount or pp.quote_asset_amount) and pp.market_index in self.base:
                m = pp.market_index
                base = pp.base_asset_amount / BASE_PRECISION
                self.base[m][account] = base
                self.quote[m][account] = pp.quote_asset_amount / QUOTE_PRECISION
                self.last_funding[m][account] = float(pp.last_cumulative_funding_rate)
                market = self.exchange.perp_markets[m]
                mrm = market.margin_ratio_maintenance / 1e4
                ratio = max(mrm, 0.8 * mrm + market.imf_factor / 1e6 * math.sqrt(abs(base)))
                # margin estimate = deposit + quote + funding + price * slope, with the maintenance requirement
                # and a 0.2% tolerance folded into the slope (see Simulation._screen)
                self.slope[m][account] = base - abs(base) * (ratio + SCREEN_TOLERANCE)
        for s in self.spot:
            self.deposit[s][account] = 0.0
        for sp in user.spot_positions:
            if sp.scaled_balance and sp.market_index in self.deposit:
                sign = 1.0 if sp.balance_type == SpotBalanceType.Deposit else -1.0
                self.deposit[sp.market_index][account] = sign * sp.scaled_balance


class Simulation:
    """An exchange over time: markets from parameter presets, funded accounts, agents, keepers.

    ``perp`` is one ``PerpMarketParams`` or a list (market indexes 0, 1, ...); ``spot`` a list of
    ``SpotMarketParams`` whose first is the quote market (index 0). ``paths`` maps a perp market index to its
    oracle path (a float array, one price a step; see ``driftlab.sim.paths``); ``spot_paths`` likewise for spot
    markets other than the quote. ``amm_fee_pool`` (USD) seeds each AMM's fee pool as protocol revenue
    already earned (tokens brought into the vault), so spreads start from their fee-pool-funded values.
    ``check_invariants``: ``"full"`` recomputes every total from the exact structs after every step; ``"fast"``
    checks running totals every step and does the full check every ``full_check_every`` steps and at the end;
    ``False`` skips them. The liquidator closes what it takes over with reduce-only limit orders
    ``liquidator_slippage`` past the oracle.
    """

    def __init__(self, perp: PerpMarketParams | list[PerpMarketParams], paths: dict[int, np.ndarray] | np.ndarray,
                 spot: list[SpotMarketParams] | None = None, exchange: ExchangeParams | None = None, *,
                 spot_paths: dict[int, np.ndarray] | None = None, seed: int | np.random.Generator | None = 0,
                 dt: int = 1, slots_per_step: int = 2, start_ts: int = START_TS, amm_fee_pool: float = 0.0,
                 taker_policy: TakerPolicy | None = None, jit_maker_policy: JitMakerPolicy | None = None,
                 settle_interval: int = 3600, crank_interval: int = 60, settle_min_pnl: float = 10.0,
                 check_invariants: str | bool = "fast",
                 full_check_every: int = 3600, record_every: int = 1, oracle_confidence: float = 1e-4,
                 liquidator_slippage: float = 0.02) -> None:
        perps = [perp] if isinstance(perp, PerpMarketParams) else list(perp)
        if not perps:
            raise ValueError("perp must be a PerpMarketParams or a non-empty list of them")
        spots = list(spot) if spot is not None else [USDC_SPOT]
        if isinstance(paths, np.ndarray):
            paths = {0: paths}
        if set(paths) != set(range(len(perps))):
            raise ValueError(f"paths must give a path for each perp market 0..{len(perps) - 1}, got {sorted(paths)}")
        lengths = {len(p) for p in paths.values()} | {len(p) for p in (spot_paths or {}).values()}
        if len(lengths) != 1 or min(lengths) < 1:
            raise ValueError(f"every path must have the same length >= 1, got lengths {sorted(lengths)}")
        if check_invariants not in ("full", "fast", False):
            raise ValueError(f"check_invariants must be 'full', 'fast' or False, got {check_invariants!r}")
        for name, value in (("dt", dt), ("slots_per_step", slots_per_step), ("settle_interval", settle_interval),
                            ("crank_interval", crank_interval), ("full_check_every", full_check_every),
                            ("record_every", record_every)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        self.params = perps
        self.spot_params = spots
        self.exchange_params = exchange or ExchangeParams()
        self.paths = {m: np.asarray(p, dtype=np.float64) for m, p in paths.items()}
        self.spot_paths = {s: np.asarray(p, dtype=np.float64) for s, p in (spot_paths or {}).items()}
        self.n_steps = lengths.pop()
        self.rng = as_rng(seed)
        self.dt, self.slots_per_step = dt, slots_per_step
        self.start_ts = start_ts
        self.taker_policy = taker_policy
        self.jit_maker_policy = jit_maker_policy
        self.settle_interval, self.crank_interval = settle_interval, crank_interval
        if settle_min_pnl < 0:
            raise ValueError(f"settle_min_pnl must be >= 0, got {settle_min_pnl!r}")
        self.settle_min_pnl = settle_min_pnl
        self.check_mode = check_invariants
        self.full_check_every = full_check_every
        self.record_every = record_every
        if not 0 < liquidator_slippage < 1:
            raise ValueError(f"liquidator_slippage must be in (0, 1), got {liquidator_slippage!r}")
        self.liquidator_slippage = liquidator_slippage
        self.step_index = 0

        state = self.exchange_params.to_exact()
        first = {m: float(self.paths[m][0]) for m in self.paths}
        perp_markets = {m: replace(p, oracle_price=first[m]).to_exact(m, start_ts, 0) for m, p in enumerate(perps)}
        spot_markets = {}
        for s, sp in enumerate(spots):
            price = float(self.spot_paths[s][0]) if s in self.spot_paths else sp.oracle_price
            spot_markets[s] = replace(sp, oracle_price=price).to_exact(s, start_ts)
        self.exchange = Exchange(state, perp_markets, spot_markets, oracle_confidence)
        self.exchange.now, self.exchange.slot = start_ts, 0
        self.mirror = _Mirror(self.exchange, 16)
        self.takers: list[int] = []
        self.makers: list[int] = []
        self.liquidator: int | None = None
        self.keeper = self.add_account("keeper")
        self._touched: set[int] = set()
        self._order_accounts: set[int] = set()  # accounts that may have fillable open orders
        self._flagged: set[int] = set()  # accounts in liquidation or bankruptcy
        self._stop_loss: dict[int, float] = {}
        self._settle_wait: dict[int, int] = {}
        self._takers_array = np.zeros(0, dtype=np.int64)
        self._metrics: list[tuple[Any, ...]] = []
        self._liquidations_step = 0
        self._cum = {"liquidated_notional": 0.0, "liquidations": 0, "bankruptcies": 0}
        if amm_fee_pool > 0:
            self._seed_fee_pools(int(round(amm_fee_pool * QUOTE_PRECISION)))

    # ------------------------------------------------------------------ setup

    def _seed_fee_pools(self, amount: int) -> None:
        ex_ = self.exchange
        spot = ex_.quote_market
        for market in ex_.perp_markets.values():
            ex.update_spot_balances(amount, SpotBalanceType.Deposit, spot, market.amm.fee_pool, False)
            amm = market.amm
            amm.total_fee += amount
            amm.total_fee_minus_distributions += amount
            ex_.vault[0] += amount
            ex_.external_in[0] += amount
            ex.update_spreads(market, amm.reserve_price(), ex_.slot)
        ex_.log("seed_fee_pool", amount=amount)

    def add_account(self, kind: str = "taker", deposit: float = 0.0, market_index: int = 0, **meta: Any) -> int:
        """A new account, with ``deposit`` (token units, e.g. USD for the quote market) deposited."""
        index = self.exchange.add_account(kind, **meta)
        if index >= len(self.mirror.rows):
            self.mirror.grow(max(2 * len(self.mirror.rows), index + 1))
        if deposit > 0:
            precision = 10 ** self.exchange.spot_markets[market_index].decimals
            self.exchange.deposit(index, market_index, int(round(deposit * precision)))
        self.mirror.sync(index)
        return index

    def add_takers(self, deposits: np.ndarray | list[float]) -> list[int]:
        """Taker accounts with these USD deposits (one account each)."""
        new = [self.add_account("taker", float(d)) for d in np.asarray(deposits, dtype=np.float64)]
        self.takers.extend(new)
        return new

    def add_liquidator(self, deposit: float) -> int:
        self.liquidator = self.add_account("liquidator", deposit)
        return self.liquidator

    def add_jit_maker(self, deposit: float) -> int:
        index = self.add_account("maker", deposit)
        self.makers.append(index)
        return index

    def add_insurance_staker(self, amount: float, market_index: int = 0) -> int:
        """An IF staker bringing ``amount`` tokens into the market's insurance fund."""
        index = self.add_account("staker")
        precision = 10 ** self.exchange.spot_markets[market_index].decimals
        self.exchange.add_insurance_fund_stake(index, int(round(amount * precision)), market_index)
        self.mirror.sync(index)
        return index

    def request_unstake(self, account: int, shares: int | None = None, market_index: int = 0) -> None:
        """An IF staker asks to unstake ``shares`` (default all); the tokens can leave after the
        market's ``unstaking_period`` (``unstake``)."""
        stake = self.exchange.accounts[account].stake
        if stake is None:
            raise ValueError(f"account must hold an insurance-fund stake, got account {account!r}")
        self.exchange.request_remove_insurance_fund_stake(account, stake.if_shares if shares is None else shares,
                                                          market_index)
        self._touched.add(account)
        self._sync_touched()

    def unstake(self, account: int, market_index: int = 0) -> float:
        """Finish an unstake (tokens leave the fund); returns the tokens in natural units (0 if refused)."""
        paid = self.exchange.remove_insurance_fund_stake(account, market_index)
        self._touched.add(account)
        self._sync_touched()
        return paid / 10 ** self.exchange.spot_markets[market_index].decimals

    def open_position(self, account: int, market_index: int, base: float) -> int:
        """Open (or add to) a position at once against the AMM: an order filled without auction. Returns base.

        For scenario set-up (before the first step): the order is placed and filled in the same slot by the
        AMM (``Exchange.fill_perp_order`` with the auction skipped), paying the AMM's price and fee.
        """
        ex_ = self.exchange
        direction = PositionDirection.Long if base > 0 else PositionDirection.Short
        amount = int(round(abs(base) * BASE_PRECISION))
        order_index = ex_.place_perp_order(account, market_index, direction, amount)
        filled = 0
        if order_index is not None:
            order = ex_.accounts[account].user.orders[order_index]
            order.auction_duration = order.auction_start_price = order.auction_end_price = 0
            ex_.slot += 1  # the AMM fills orders from the next slot (is_low_risk_for_amm)
            filled, _ = ex_.fill_perp_order(account, order_index, filler=None)
            if ex_.accounts[account].user.orders[order_index].status == OrderStatus.Open:
                ex_._remove_order(account, order_index)
        self.mirror.sync(account)
        return filled

    def deposit(self, account: int, amount: float, market_index: int = 0) -> None:
        """Deposit ``amount`` tokens (natural units) for an account now (``Exchange.deposit``)."""
        precision = 10 ** self.exchange.spot_markets[market_index].decimals
        self.exchange.deposit(account, market_index, int(round(amount * precision)))
        self._touched.add(account)
        self._sync_touched()

    def withdraw(self, account: int, amount: float, market_index: int = 0) -> float:
        """Withdraw ``amount`` tokens (natural units), borrowing past the deposit if margin allows
        (``Exchange.withdraw``); returns the amount sent (0 when refused)."""
        precision = 10 ** self.exchange.spot_markets[market_index].decimals
        sent = self.exchange.withdraw(account, market_index, int(round(amount * precision)))
        self._touched.add(account)
        self._sync_touched()
        return sent / precision

    def cancel_orders(self, account: int) -> int:
        """Cancel an account's open orders now (``Exchange.cancel_orders``); returns how many."""
        count = self.exchange.cancel_orders(account, reason="user")
        self._stop_loss.pop(account, None)
        self._touched.add(account)
        self._sync_touched()
        return count

    def place_order(self, account: int, market_index: int, base: float, **kwargs: Any) -> int | None:
        """Place an order now (``Exchange.place_perp_order``; ``base`` signed: + long, - short); the keepers
        fill it in the following steps. Returns the order index (None if refused)."""
        direction = PositionDirection.Long if base > 0 else PositionDirection.Short
        placed = self.exchange.place_perp_order(account, market_index, direction,
                                                int(round(abs(base) * BASE_PRECISION)), **kwargs)
        if placed is not None:
            self._order_accounts.add(account)
            if kwargs.get("order_type") in (OrderType.TriggerMarket, OrderType.TriggerLimit):
                self._stop_loss[account] = (kwargs.get("trigger_price") or 0) / PRICE_PRECISION  # keeper watches
            self._touched.add(account)
            self._sync_touched()
        return placed

    # ------------------------------------------------------------------ running

    def run(self, steps: int | None = None, progress: bool = False) -> SimResult:
        """Run ``steps`` steps (default: to the end of the paths); returns a ``SimResult``.

        ``progress=True`` shows an ``ipywidgets.IntProgress`` bar (in a notebook) updated every 1% of the run.
        """
        total = self.n_steps - self.step_index if steps is None else steps
        if total < 0 or self.step_index + total > self.n_steps:
            raise ValueError(f"steps must be in [0, {self.n_steps - self.step_index}], got {steps!r}")
        bar = _progress_bar(total) if progress else None
        tick = max(total // 100, 1)
        started = time.perf_counter()
        for k in range(total):
            self.step()
            if bar is not None and (k + 1) % tick == 0:
                bar.value = k + 1
        if bar is not None:
            bar.value = total
        if self.check_mode:
            self._check(full=True)
        seconds = time.perf_counter() - started
        n_accounts = len(self.exchange.accounts)
        stats = {"steps": total, "accounts": n_accounts, "seconds": seconds,
                 "account_steps_per_second": n_accounts * total / seconds if seconds > 0 else math.inf}
        return SimResult(self.events(), self.metrics(), self.exchange, stats)

    def events(self) -> pd.DataFrame:
        return pd.DataFrame(self.exchange.events)

    def metrics(self) -> pd.DataFrame:
        """Per-step metrics in natural units (USD, base units, fractions), a row per step and perp market.

        Prices: ``oracle``, ``reserve_price``, ``bid``, ``ask``, the TWAPs, and the fill price bands
        (``band_low``/``band_high``: oracle -/+ margin_ratio_initial; ``twap_band_*``: the 5-minute TWAP -/+ the
        guard rails' divergence). Pools (USD): ``insurance_fund`` (the quote IF vault), ``pnl_pool``,
        ``fee_pool``, ``revenue_pool``; ``social_loss`` (cumulative), ``insurance_settled`` (the market's IF
        draws). ``funding_rate`` is the last hourly rate as a fraction of the oracle TWAP.
        """
        df = pd.DataFrame(self._metrics, columns=list(self._RAW_COLUMNS))
        if df.empty:
            return df
        for col in ("oracle", "reserve_price", "bid", "ask", "oracle_twap_5min", "oracle_twap", "mark_twap", "peg"):
            df[col] = df[col].astype(float) / PRICE_PRECISION
        mri = df.pop("margin_ratio_initial").astype(float) / 1e4
        divergence = self.exchange.state.oracle_guard_rails.price_divergence.oracle_twap_5min_percent_divergence / 1e6
        df.insert(10, "band_low", df["oracle"] * (1 - mri))
        df.insert(11, "band_high", df["oracle"] * (1 + mri))
        df.insert(12, "twap_band_low", df["oracle_twap_5min"] * (1 - divergence))
        df.insert(13, "twap_band_high", df["oracle_twap_5min"] * (1 + divergence))
        for col in ("long_spread", "short_spread"):
            df[col] = df[col].astype(float) / 1e6
        for col in ("sqrt_k", "base_with_amm", "open_interest"):
            df[col] = df[col].astype(float) / BASE_PRECISION
        twap = df.pop("last_funding_oracle_twap").astype(float)
        rate = df.pop("last_funding_rate").astype(float)
        df["funding_rate"] = np.where(twap > 0, rate / 1e3 / np.where(twap > 0, twap, 1.0), 0.0)
        interest = df.pop("deposit_interest").astype(float) / 1e10
        for col in ("pnl_pool", "fee_pool", "revenue_pool"):  # scaled balances: USD = scaled * index / 1e19
            df[col] = df[col].astype(float) * interest / 1e9
        for col in ("insurance_fund", "total_fee_minus_distributions", "social_loss", "insurance_settled"):
            df[col] = df[col].astype(float) / QUOTE_PRECISION
        return df

    def step(self) -> None:
        """Advance one step (see the module docstring for the order of the keepers)."""
        t = self.step_index
        ex_ = self.exchange
        ex_.step = t
        ex_.now = self.start_ts + t * self.dt
        ex_.slot = (t + 1) * self.slots_per_step
        self._liquidations_step = 0
        for m, path in self.paths.items():
            ex_.set_oracle_price(MarketType.Perp, m, max(int(round(path[t] * PRICE_PRECISION)), 1))
        for s, path in self.spot_paths.items():
            ex_.set_oracle_price(MarketType.Spot, s, max(int(round(path[t] * PRICE_PRECISION)), 1))
        for s, spot in ex_.spot_markets.items():
            if spot.borrow_balance > 0:
                ex_.accrue_interest(s)
            ex_.settle_revenue_to_insurance_fund(s)
        touched_markets: set[int] = set()
        self._agents_act(touched_markets)
        self._fill_open_orders(touched_markets)
        for m in ex_.perp_markets:
            if ex_.update_funding_rate(m):
                touched_markets.add(m)
            elif m not in touched_markets and t % self.crank_interval == 0:
                ex_.update_amm(m)
        self._liquidate()
        self._settle(t)
        self._sync_touched()
        if t % self.record_every == 0:
            self._record()
        if self.check_mode == "full" or (self.check_mode == "fast" and t % self.full_check_every == 0):
            self._check(full=True)
        elif self.check_mode == "fast":
            self._check(full=False)
        self.step_index += 1

    # ------------------------------------------------------------------ agents

    def _agents_act(self, touched_markets: set[int]) -> None:
        ex_ = self.exchange
        policy = self.taker_policy
        if self._stop_loss:
            for account in list(self._stop_loss):
                user = ex_.accounts[account].user
                for order_index in ex_.open_orders(account):
                    order = user.orders[order_index]
                    if order.must_be_triggered() and not order.triggered() and ex_.trigger_order(account, order_index):
                        self._touched.add(account)
                        self._order_accounts.add(account)
                        del self._stop_loss[account]
                        break
        if policy is None or not self.takers:
            return
        n = len(self.takers)
        draws = self.rng.random(n)
        active = np.flatnonzero(draws < policy.trade_probability)
        if active.size == 0:
            return
        kinds = self.rng.random(active.size)
        sides = self.rng.random(active.size)
        leverages = self.rng.uniform(*policy.order_leverage, size=active.size)
        m = 0
        market = ex_.perp_markets[m]
        price = ex_.oracle(m).price / PRICE_PRECISION
        if len(self._takers_array) != n:
            self._takers_array = np.asarray(self.takers)
        takers = self._takers_array[active]
        for account, kind, side, leverage in zip(takers.tolist(), kinds.tolist(), sides.tolist(),
                                                 leverages.tolist(), strict=True):
            account = int(account)
            user = ex_.accounts[account].user
            if user.status != 0 or user.open_orders > 0:
                continue
            base_now = self.mirror.base[m][account]
            if base_now != 0 and kind < policy.close_probability:
                direction = PositionDirection.Short if base_now > 0 else PositionDirection.Long
                amount = int(round(abs(base_now) * BASE_PRECISION))
                placed = ex_.place_perp_order(account, m, direction, amount, reduce_only=True)
            else:
                equity = self._equity(account)
                if equity <= 0:
                    continue
                direction = PositionDirection.Long if side < policy.long_bias else PositionDirection.Short
                signed = 1.0 if direction == PositionDirection.Long else -1.0
                room = policy.max_leverage * equity / price - signed * base_now
                size = min(leverage * equity / price, max(room, 0.0))
                amount = int(size * BASE_PRECISION)
                if amount < market.amm.min_order_size:
                    continue
                placed = ex_.place_perp_order(account, m, direction, amount)
            if placed is not None:
                self._touched.add(account)
                self._order_accounts.add(account)
                touched_markets.add(m)

    def _equity(self, account: int) -> float:
        """Deposit plus unrealised P&L at the oracle, from the float copies (USD)."""
        ex_ = self.exchange
        spot = ex_.quote_market
        equity = self.mirror.deposit[0][account] * spot.cumulative_deposit_interest / 1e13 / 1e6
        for m in self.mirror.perp:
            price = ex_.oracle(m).price / PRICE_PRECISION
            equity += self.mirror.base[m][account] * price + self.mirror.quote[m][account]
        return float(equity)

    def _jit_quotes(self, account: int, order_index: int) -> list[tuple[int, int, int]]:
        policy = self.jit_maker_policy
        if policy is None or not self.makers:
            return []
        ex_ = self.exchange
        order = ex_.accounts[account].user.orders[order_index]
        if order.is_auction_complete(ex_.slot):
            return []
        market = ex_.perp_markets[order.market_index]
        oracle = ex_.oracle(order.market_index).price
        sign = 1 if order.direction == PositionDirection.Long else -1
        tick = market.amm.order_tick_size
        price = ex.standardize_price(oracle + sign * int(oracle * policy.spread), tick, order.direction.opposite())
        base = ex.standardize_base_asset_amount(int(policy.max_base * BASE_PRECISION), market.amm.order_step_size)
        quotes = []
        for maker in self.makers:
            if self.rng.random() < policy.participation:
                quotes.append((maker, price, base))
        return quotes

    def _fill_open_orders(self, touched_markets: set[int]) -> None:
        ex_ = self.exchange
        candidates = [a for a in self._with_orders()]
        for account in candidates:
            user = ex_.accounts[account].user
            for order_index, order in enumerate(user.orders):
                if order.status != OrderStatus.Open:
                    continue
                if order.must_be_triggered() and not order.triggered():
                    continue
                makers = self._jit_quotes(account, order_index)
                if not makers and not self._may_fill(order):
                    continue
                base, _ = ex_.fill_perp_order(account, order_index, makers, filler=self.keeper)
                self._touched.add(account)
                self._touched.update(m for m, _, _ in makers)  # their funding was settled
                touched_markets.add(order.market_index)
                if base > 0:
                    self._touched.add(self.keeper)
                    if (self.taker_policy is not None and self.taker_policy.stop_loss is not None
                            and account in self.takers and not order.reduce_only):
                        self._place_stop_loss(account, order.market_index)

    def _may_fill(self, order: ex.Order) -> bool:
        """A filler's look before sending a fill: the order is expired, or its limit price now crosses the
        AMM's quote (from the stored reserves, before the fill's own ``_update_amm``) or the oracle."""
        ex_ = self.exchange
        if order.max_ts != 0 and ex_.now > order.max_ts:
            return True
        market = ex_.perp_markets[order.market_index]
        amm = market.amm
        oracle = ex_.oracle(order.market_index).price
        limit = order.get_limit_price(oracle, None, ex_.slot, amm.order_tick_size, False, None)
        if limit is None:
            return True
        reserve = amm.reserve_price()
        if order.direction == PositionDirection.Long:  # the ask now, or after a repeg to the oracle
            return limit >= min(amm.ask_price(reserve), oracle + oracle * amm.long_spread // 1_000_000)
        return limit <= max(amm.bid_price(reserve), oracle - oracle * amm.short_spread // 1_000_000)

    def _with_orders(self) -> list[int]:
        accounts = self.exchange.accounts
        self._order_accounts = {i for i in self._order_accounts if accounts[i].user.open_orders > 0}
        return sorted(self._order_accounts)

    def _place_stop_loss(self, account: int, market_index: int) -> None:
        ex_ = self.exchange
        user = ex_.accounts[account].user
        position = user.perp_positions[ex.get_position_index(user.perp_positions, market_index)]
        if position.base_asset_amount == 0 or account in self._stop_loss:
            return
        entry = position.get_entry_price()
        loss = self.taker_policy.stop_loss if self.taker_policy else None
        if not loss or entry <= 0:
            return
        long = position.base_asset_amount > 0
        trigger = int(entry * (1 - loss)) if long else int(entry * (1 + loss))
        condition = ex.OrderTriggerCondition.Below if long else ex.OrderTriggerCondition.Above
        placed = ex_.place_perp_order(account, market_index, position.get_direction_to_close(),
                                      abs(position.base_asset_amount), reduce_only=True,
                                      order_type=OrderType.TriggerMarket, trigger_price=trigger,
                                      trigger_condition=condition)
        if placed is not None:
            self._stop_loss[account] = trigger / PRICE_PRECISION

    # ------------------------------------------------------------------ liquidation

    def _screen(self) -> np.ndarray:
        """Accounts that may be below maintenance (where a liquidation starts), from the float copies.

        The estimate is linear in each oracle price: ``deposit + sum(quote + funding) + sum(price * slope)``
        with ``slope = base - |base| * (margin_ratio + 0.2%)`` fixed when the account last changed (the IMF
        ratio at its size). Accounts already in liquidation (which go on until they clear the buffer) are
        not screened: the liquidator revisits them every step. Flagged: estimate < $1 (accounts with a position,
        or negative collateral).
        A market whose positive P&L weighs less than 1 at maintenance falls back to the same sum with the
        weight applied. Everything flagged is then checked with the exact margin calculation.
        """
        ex_ = self.exchange
        n = len(ex_.accounts)
        spot = ex_.quote_market
        estimate = self.mirror.deposit[0][:n] * (spot.cumulative_deposit_interest / 1e19)
        exposed = np.zeros(n, dtype=bool)
        for m, market in ex_.perp_markets.items():
            base = self.mirror.base[m][:n]
            if not market.amm.base_asset_amount_long and not market.amm.base_asset_amount_short:
                continue
            price = ex_.oracle(m).price / PRICE_PRECISION
            amm = market.amm
            rate = np.where(base > 0, float(amm.cumulative_funding_rate_long), float(amm.cumulative_funding_rate_short))
            funding = np.where(base != 0, -(rate - self.mirror.last_funding[m][:n]) * base * 1e-9, 0.0)
            quote = self.mirror.quote[m][:n]
            weight = market.unrealized_pnl_maintenance_asset_weight / 1e4
            if weight >= 1.0:
                estimate = estimate + quote + funding + price * self.mirror.slope[m][:n]
            else:
                pnl = base * price + quote + funding
                slope_req = self.mirror.slope[m][:n] - base
                estimate = estimate + np.where(pnl > 0, pnl * weight, pnl) + price * slope_req
            exposed |= base != 0
        return np.flatnonzero((estimate < 1.0) & (exposed | (estimate < 0)))

    def _liquidate(self) -> None:
        ex_ = self.exchange
        liquidator = self.liquidator
        candidates = set(self._screen().tolist())
        self._flagged = {i for i in self._flagged if ex_.accounts[i].user.status != 0}
        candidates.update(self._flagged)  # accounts in liquidation or bankruptcy: every step
        candidates.discard(self.keeper)
        if liquidator is not None:
            candidates.discard(liquidator)
        for account in sorted(candidates):
            user = ex_.accounts[account].user
            for m in ex_.perp_markets:
                try:
                    position = user.perp_positions[ex.get_position_index(user.perp_positions, m)]
                except ex.UserHasNoPositionInMarket:
                    continue
                if user.is_bankrupt():
                    ex_.resolve_perp_bankruptcy(account, m)
                    self._touched.add(account)
                    self._cum["bankruptcies"] += 1
                    continue
                if liquidator is None:
                    continue
                if position.base_asset_amount != 0:
                    if not ex_.is_liquidatable(account):
                        continue
                    max_base = self._liquidator_capacity(m)
                    base = ex_.liquidate_perp(account, liquidator, m, max_base)
                    self._touched.update((account, liquidator))
                    if base > 0:
                        self._liquidations_step += 1
                        self._cum["liquidations"] += 1
                        self._cum["liquidated_notional"] += base / BASE_PRECISION * ex_.oracle(m).price / 1e6
                if position.base_asset_amount == 0 and position.quote_asset_amount < 0:
                    if ex_.token_amount(account) > 0 and (user.is_being_liquidated() or ex_.is_liquidatable(account)):
                        ex_.liquidate_perp_pnl_for_deposit(account, liquidator, m)
                        self._touched.update((account, liquidator))
                    if ex.is_cross_margin_bankrupt(user) or user.is_bankrupt():
                        ex_.resolve_perp_bankruptcy(account, m)
                        self._touched.add(account)
                        self._cum["bankruptcies"] += 1
        if liquidator is not None:
            self._liquidator_unwind()

    def _liquidator_capacity(self, market_index: int) -> int:
        """Base the liquidator can take on and still meet initial margin (estimate from its free collateral)."""
        ex_ = self.exchange
        assert self.liquidator is not None
        calc = ex_.margin(ex_.accounts[self.liquidator].user,
                          ex.MarginContext.standard(ex.MarginRequirementType.Initial))
        free = calc.get_cross_free_collateral()
        market = ex_.perp_markets[market_index]
        price = ex_.oracle(market_index).price
        ratio = market.margin_ratio_initial + 100
        return free * ex.MARGIN_PRECISION * BASE_PRECISION // (price * ratio) * 9 // 10

    def _liquidator_unwind(self) -> None:
        """The liquidator closes what it took over: reduce-only limit orders ``liquidator_slippage`` past the
        oracle (the program gives a crossing limit order an auction first, which in a falling market starts
        from the lagging mark TWAPs), replaced when still unfilled 30 seconds after its auction."""
        ex_ = self.exchange
        account = self.liquidator
        assert account is not None
        user = ex_.accounts[account].user
        if user.open_orders == 0 and not any(self.mirror.base[m][account] for m in self.mirror.perp):
            return
        open_orders = ex_.open_orders(account)
        if open_orders:
            ends = min(user.orders[i].slot + user.orders[i].auction_duration for i in open_orders)
            if ex_.slot - ends < 30 * self.slots_per_step:
                return
            ex_.cancel_orders(account, reason="replace")
            self._touched.add(account)
        for pp in user.perp_positions:
            if not pp.is_available() and pp.base_asset_amount != 0:
                oracle = ex_.oracle(pp.market_index).price
                direction = pp.get_direction_to_close()
                sign = 1 if direction == PositionDirection.Long else -1
                limit = oracle + sign * int(oracle * self.liquidator_slippage)
                placed = ex_.place_perp_order(account, pp.market_index, direction, abs(pp.base_asset_amount),
                                              reduce_only=True, order_type=OrderType.Limit, price=limit)
                if placed is not None:
                    self._touched.add(account)
                    self._order_accounts.add(account)

    # ------------------------------------------------------------------ settlement, bookkeeping

    def _settle(self, t: int) -> None:
        ex_ = self.exchange
        n = len(ex_.accounts)
        periodic = t % self.settle_interval == 0
        for m in ex_.perp_markets:
            base = self.mirror.base[m][:n]
            quote = self.mirror.quote[m][:n]
            if periodic:
                price = ex_.oracle(m).price / PRICE_PRECISION
                pnl = base * price + quote
                chosen = np.flatnonzero(np.abs(pnl) > self.settle_min_pnl)
            else:
                chosen = np.flatnonzero((base == 0) & (quote != 0))
            for account in chosen.tolist():
                if not periodic and self._settle_wait.get(account, -1) > t:
                    continue
                user = ex_.accounts[account].user
                if user.status != 0:
                    continue
                self._touched.add(account)  # funding is settled even when the P&L is not
                if ex_.settle_pnl(account, m) == 0:
                    self._settle_wait[account] = t + 60  # refused: a keeper tries again a minute later
            if periodic:
                ex_.resolve_pnl_deficit(m)

    def _sync_touched(self) -> None:
        accounts = self.exchange.accounts
        for account in self._touched:
            self.mirror.sync(account)
            if accounts[account].user.status != 0:
                self._flagged.add(account)
        self._touched.clear()

    _RAW_COLUMNS = (
        "step", "ts", "market", "oracle", "reserve_price", "bid", "ask", "oracle_twap_5min", "oracle_twap",
        "mark_twap", "margin_ratio_initial", "long_spread", "short_spread", "peg", "sqrt_k", "base_with_amm",
        "open_interest", "last_funding_rate", "last_funding_oracle_twap", "liquidations", "liquidations_total",
        "liquidated_notional", "bankruptcies_total", "insurance_fund", "pnl_pool", "fee_pool", "revenue_pool",
        "total_fee_minus_distributions", "social_loss", "insurance_settled", "deposit_interest")

    def _record(self) -> None:
        """One raw row (program integers) per perp market; ``metrics()`` scales them to natural units."""
        ex_ = self.exchange
        spot = ex_.quote_market
        for m, market in ex_.perp_markets.items():
            amm = market.amm
            reserve = amm.reserve_price()
            bid, ask = amm.bid_ask_price(reserve)
            hist = amm.historical_oracle_data
            self._metrics.append((
                ex_.step, ex_.now, m, ex_.oracle(m).price, reserve, bid, ask, hist.last_oracle_price_twap_5min,
                hist.last_oracle_price_twap, amm.last_mark_price_twap, market.margin_ratio_initial, amm.long_spread,
                amm.short_spread, amm.peg_multiplier, amm.sqrt_k, amm.base_asset_amount_with_amm,
                max(amm.base_asset_amount_long, -amm.base_asset_amount_short), amm.last_funding_rate,
                amm.last_funding_oracle_twap, self._liquidations_step, self._cum["liquidations"],
                self._cum["liquidated_notional"], self._cum["bankruptcies"], ex_.insurance_vault[0],
                market.pnl_pool.scaled_balance, amm.fee_pool.scaled_balance, spot.revenue_pool.scaled_balance,
                amm.total_fee_minus_distributions, amm.total_social_loss,
                market.insurance_claim.quote_settled_insurance,
                spot.cumulative_deposit_interest))

    def _check(self, full: bool) -> None:
        ex_ = self.exchange
        if full:
            totals = exact_totals(ex_)
            for key, values in totals.items():
                mirrored = {k: v for k, v in self.mirror.totals[key].items() if v}
                if {k: v for k, v in values.items() if v} != mirrored:
                    raise InvariantViolation(ex_.step, f"running total {key} differs from the accounts' sum",
                                             {"accounts": values, "running": mirrored})
        else:
            totals = self.mirror.totals
        check_exchange(ex_, totals)


def _progress_bar(total: int) -> Any:
    """A plain ``ipywidgets.IntProgress`` shown in the notebook (None outside IPython)."""
    try:
        import ipywidgets as widgets
        from IPython.display import display
    except ImportError:  # pragma: no cover - ipywidgets is a runtime dependency
        return None
    bar = widgets.IntProgress(value=0, min=0, max=max(total, 1), description="simulating")
    display(bar)
    return bar
