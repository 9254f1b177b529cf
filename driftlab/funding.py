"""Funding in natural units: TWAPs, the hourly rate with its offset and clamp, the fee-pool cap, payments.

Prices in USD, rates in two forms: ``rate_usd`` is what the program stores (quote per base unit per funding
period; the exact layer's value over 1e9), and the *fractional* rate is that over the oracle TWAP, the form the
docs quote ("0.01% per hour"). Longs pay a positive rate. Every numeric argument broadcasts; ``tier`` is one
contract tier name (``"A"``, ``"B"``, ``"C"``, ``"Speculative"``, ``"HighlySpeculative"``, ``"Isolated"``).

The program's rate (``controller/funding.rs::update_funding_rate``)::

    spread  = mark_twap - oracle_twap + |oracle_twap| / 5000          # the offset: 1/5000 a day = 7.3% APR
    bound   = oracle_twap / 33 (tiers A, B) | / 20 (C) | / 10 (others)
    rate    = clamp(spread, -bound, bound) / (86400 // max(3600, funding_period))

Where the docs differ (``drift-docs-digest.md`` (g) and (H) rows 10, 11, 20): they write the rate as
``(mark - oracle) / oracle / 24`` (normalised by the oracle, no offset), clamp it at 0.125% an hour for tiers
B and better (the program's ``1/33/24`` is 0.12626%), and let the protocol pay up to 2/3 of its pool toward an
imbalance (the program: 1/3 of the fee pool, :func:`capped_funding`). :func:`documented_funding_rate` computes the
docs' version for comparison.

TWAPs (:func:`twap`, :func:`twap_update`) are the program's time-weighted update
``twap' = (price * dt + twap * max(1, period - dt)) / (dt + max(1, period - dt))``, an exponentially weighted
average with weight ``dt / period`` per observation. The program also clamps each input to ``twap ± twap/3``
(``/10`` tier A, ``/5`` B, ``/2`` C; ``exact.sanitize_new_price``); that clamp depends on the running TWAP and only
acts on jumps of a third of the price, so it is left out here.

exact: :mod:`driftlab.exact.funding`, ``update_funding_rate``, ``calculate_new_twap``,
``calculate_new_oracle_price_twap``; agreement within the program's rounding is tested in ``tests/test_funding.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._choices import CONTRACT_TIERS, bool_or_array, choice
from ._scan import linear_recurrence
from ._validate import FloatArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FUNDING_RATE_OFFSET_DENOMINATOR",
    "TIERS",
    "CappedFunding",
    "FundingRate",
    "capped_funding",
    "clamp_divisor",
    "cumulative_funding_payment",
    "documented_funding_rate",
    "funding_over_path",
    "funding_rate",
    "mark_oracle_path",
    "max_price_divergence",
    "period_adjustment",
    "twap",
    "twap_update",
    "twap_weight",
]

FUNDING_RATE_OFFSET_DENOMINATOR = 5000
"""The program adds ``|oracle_twap| / 5000`` to the daily spread: 1/5000 a day, ``365.25/5000`` = 7.3% a year."""

_CLAMP_DIVISORS = {"A": 33, "B": 33, "C": 20, "Speculative": 10, "HighlySpeculative": 10, "Isolated": 10}
TIERS = CONTRACT_TIERS
"""Contract tiers, safest first (``exact.ContractTier``); names are matched case-insensitively."""

# the docs' hourly clamp: "B or greater: 0.125%, C: 0.208%, lower than C: 0.4167%" (funding-rates.mdx)
_DOCUMENTED_HOURLY_CLAMP = {"A": 0.00125, "B": 0.00125, "C": 0.00208}
_DOCUMENTED_HOURLY_CLAMP_OTHERS = 0.004167


def _one(name: str, array: FloatArray) -> float:
    """A checked array (``v.positive`` etc.) as one float; a ``ValueError`` naming ``name`` for several values."""
    if array.size != 1:
        raise ValueError(f"{name} must be one number, not an array, got shape {array.shape}")
    return float(array.reshape(()))


def _broadcasts(*shapes: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


def _seed(seed: Any) -> int:
    """A random seed: a whole number >= 0 (an integral float such as ``3.0`` is taken as ``3``)."""
    whole = isinstance(seed, (int, np.integer)) or (isinstance(seed, (float, np.floating)) and float(seed).is_integer())
    if isinstance(seed, (bool, np.bool_)) or not whole or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(seed)


def _tier_name(tier: Any) -> str:
    return choice("tier", getattr(tier, "name", tier), TIERS)  # an exact.ContractTier works too


def clamp_divisor(tier: Any) -> int:
    """The funding clamp's divisor of the oracle TWAP: 33 (A, B), 20 (C), 10 (others).

    exact: ``PerpMarket::get_max_price_divergence_for_funding_rate``.
    """
    return _CLAMP_DIVISORS[_tier_name(tier)]


def max_price_divergence(oracle_twap: ArrayLike, *, tier: Any = "HighlySpeculative") -> FloatArray | float:
    """The largest daily spread the rate may use, in USD: ``oracle_twap / clamp_divisor(tier)``.

    exact: ``PerpMarket::get_max_price_divergence_for_funding_rate``.
    """
    return v.scalar_or_array(v.positive("oracle_twap", oracle_twap) / clamp_divisor(tier))


def period_adjustment(funding_period: ArrayLike = 3600.0) -> FloatArray | float:
    """Funding periods per day as the program counts them: ``floor(86400 / max(3600, funding_period))``.

    24 for the hourly period every market uses; the floor is the program's integer division.
    """
    period = v.positive("funding_period", funding_period)
    return v.scalar_or_array(np.floor(86_400 / np.maximum(3_600.0, period)))


class FundingRate(NamedTuple):
    """One funding update, step by step (arrays of the broadcast shape, floats for scalar input)."""

    spread: Any  # mark_twap - oracle_twap, USD
    offset: Any  # |oracle_twap| / 5000, USD (0 with offset=False)
    bound: Any  # the clamp, oracle_twap / divisor, USD
    unclamped: Any  # (spread + offset) / oracle_twap / periods per day: fraction per period, before the clamp
    clamped: Any  # the same after clamping (spread + offset) to +-bound: the rate the program charges
    rate_usd: Any  # clamped * oracle_twap: quote per base per period (the exact layer's rate / 1e9)
    apr: Any  # clamped * periods per day * 365.25 (the docs' "rate x 24 x 365.25")
    is_clamped: Any  # whether the clamp bit


def funding_rate(mark_twap: ArrayLike, oracle_twap: ArrayLike, *, tier: Any = "HighlySpeculative",
                 funding_period: ArrayLike = 3600.0, offset: bool = True) -> FundingRate:
    """The funding rate from the mark and oracle TWAPs, unclamped and clamped (see :class:`FundingRate`).

    ``rate_usd = clamp(mark - oracle + oracle/5000, ±oracle/divisor) / periods_per_day``; the fractional forms
    divide that by the oracle TWAP. ``tier`` defaults to the program's ``PerpMarket`` default
    (HighlySpeculative, clamp /10); majors are tier A or B (clamp /33). ``offset=False`` drops the /5000 term, as
    the program's own test helper and the docs do.
    exact: ``update_funding_rate`` (the rate is truncated toward zero to 1e-9 USD, the offset and the bound to
    1e-6 USD), e.g. mark 47.629736, oracle 51 (tier HighlySpeculative) gives -0.140002666 USD per base.
    """
    mark = v.positive("mark_twap", mark_twap)
    oracle = v.positive("oracle_twap", oracle_twap)
    # past a day the program's period adjustment is 0, and update_funding_rate fails dividing by it
    period = v.in_range("funding_period", funding_period, 0.0, 86_400.0, low_open=True)
    per_day = v.as_float_array("funding_period", period_adjustment(period))
    v.broadcast(mark_twap=mark, oracle_twap=oracle, funding_period=per_day)  # a clear error if they do not
    mark, oracle = np.broadcast_arrays(mark, oracle)
    if per_day.ndim:  # the usual scalar period stays unbroadcast: fewer full-size temporaries below
        mark, oracle, per_day = np.broadcast_arrays(mark, oracle, per_day)
    divisor = clamp_divisor(tier)
    # full-size arrays are computed in place where possible: at 1e6 points, fresh memory dominates the cost
    spread = mark - oracle
    off = oracle / FUNDING_RATE_OFFSET_DENOMINATOR if offset else np.zeros_like(oracle)
    bound = oracle / divisor
    raw = spread + off
    is_clamped = np.abs(raw) > bound
    rate_usd = np.asarray(np.minimum(raw, bound))  # an array even for 0-d input, for the in-place steps
    np.maximum(rate_usd, -bound, out=rate_usd)
    rate_usd /= per_day
    clamped = rate_usd / oracle
    unclamped = raw / oracle
    unclamped /= per_day
    apr = clamped * (per_day * 365.25)
    s = v.scalar_or_array
    return FundingRate(spread=s(spread), offset=s(off), bound=s(bound), unclamped=s(unclamped), clamped=s(clamped),
                       rate_usd=s(rate_usd), apr=s(apr), is_clamped=bool_or_array(is_clamped))


def documented_funding_rate(mark_twap: ArrayLike, oracle_twap: ArrayLike, *,
                            tier: Any = "HighlySpeculative") -> tuple[FloatArray | float, FloatArray | float]:
    """The docs' hourly rate ``(mark - oracle) / oracle / 24`` and the same clamped at the docs' caps.

    Caps: 0.125% an hour for tiers B and better, 0.208% for C, 0.4167% below (``funding-rates.mdx``). No offset.
    Returns ``(unclamped, clamped)`` fractions per hour; compare with :func:`funding_rate`, which the program uses.
    """
    mark = v.positive("mark_twap", mark_twap)
    oracle = v.positive("oracle_twap", oracle_twap)
    mark, oracle = v.broadcast(mark_twap=mark, oracle_twap=oracle)
    cap = _DOCUMENTED_HOURLY_CLAMP.get(_tier_name(tier), _DOCUMENTED_HOURLY_CLAMP_OTHERS)
    raw = (mark - oracle) / oracle / 24
    return v.scalar_or_array(raw), v.scalar_or_array(np.clip(raw, -cap, cap))


class CappedFunding(NamedTuple):
    """The funding split between longs and shorts when the AMM is on the paying side of an imbalance."""

    long_rate: Any  # USD per base the longs pay (negative: receive)
    short_rate: Any  # USD per base the shorts receive (negative: pay)
    amm_pnl_uncapped: Any  # what the AMM (holding the users' net position's opposite) would receive, USD
    amm_pnl: Any  # what it receives after the cap: at least -cap_fraction * fee_pool
    is_capped: Any  # whether the cap bit


def capped_funding(rate_usd: ArrayLike, long_base: ArrayLike, short_base: ArrayLike, fee_pool: ArrayLike, *,
                   cap_fraction: ArrayLike = 1 / 3) -> CappedFunding:
    """Capped symmetric funding: the protocol pays at most ``cap_fraction`` of its fee pool toward an imbalance.

    ``long_base`` and ``short_base`` are the open interest of each side (base units, both >= 0); ``fee_pool`` is
    the market's fee pool above the protocol's reserve (USD, ``exact.calculate_fee_pool``). The AMM holds the
    users' net position's opposite, ``-(long - short)``, and would receive ``rate * (long - short)``. If that is a
    loss larger than ``cap_fraction * fee_pool``, the receiving side's rate is cut to what the paying side pays
    plus the capped subsidy: ``(|rate| * paying_base + cap_fraction * fee_pool) / receiving_base``. Longs pay
    ``long_rate * long_base``, shorts receive ``short_rate * short_base``, and the AMM the difference, so the
    three always sum to zero. The program's cap is a third (``calculate_capped_funding_rate``); the docs say 2/3
    (digest §H row 10): pass ``cap_fraction=2/3`` to see theirs.
    exact: ``calculate_funding_rate_long_short`` (integer rates truncated, the subsidy limit biased by one unit).
    """
    rate = v.as_float_array("rate_usd", rate_usd)
    long_b = v.non_negative("long_base", long_base)
    short_b = v.non_negative("short_base", short_base)
    pool = v.non_negative("fee_pool", fee_pool)
    cap = v.in_range("cap_fraction", cap_fraction, 0.0, 1.0)
    rate, long_b, short_b, pool, cap = v.broadcast(rate_usd=rate, long_base=long_b, short_base=short_b,
                                                   fee_pool=pool, cap_fraction=cap)
    uncapped = rate * (long_b - short_b)
    limit = -cap * pool
    is_capped = uncapped < limit
    amm_pnl = np.where(is_capped, limit, uncapped)
    paying = np.where(rate > 0, long_b, short_b)
    receiving = np.where(rate > 0, short_b, long_b)
    owed = np.abs(rate) * paying + cap * pool
    receive_rate = np.divide(owed, receiving, out=np.zeros_like(owed), where=receiving > 0)
    long_rate = np.where(is_capped & (rate < 0), -receive_rate, rate)
    short_rate = np.where(is_capped & (rate > 0), receive_rate, rate)
    s = v.scalar_or_array
    return CappedFunding(long_rate=s(long_rate), short_rate=s(short_rate), amm_pnl_uncapped=s(uncapped),
                         amm_pnl=s(amm_pnl), is_capped=bool_or_array(is_capped))


def cumulative_funding_payment(rates_usd: ArrayLike, base: ArrayLike) -> FloatArray | float:
    """Funding received (+) or paid (-) by a position of ``base`` over consecutive rates, cumulated.

    ``-base * cumsum(rates)`` along the last axis: a long (base > 0) pays a positive rate. ``base`` broadcasts
    against the rates (a column of bases gives one path per base).
    exact: ``calculate_funding_payment`` on the cumulative rate (truncated toward zero to 1e-6 USD).
    """
    rates = v.as_float_array("rates_usd", rates_usd)
    b = v.as_float_array("base", base)
    cumulative = np.cumsum(rates, axis=-1) if rates.ndim else rates
    cumulative, b = v.broadcast(rates_usd=cumulative, base=b)
    return v.scalar_or_array(-b * cumulative)


# --------------------------------------------------------------------------------------------------- TWAPs


def twap_weight(since_last: ArrayLike, period: ArrayLike, *, oracle: bool = False) -> FloatArray | float:
    """The weight of a new observation ``dt`` seconds after the last: ``dt / (dt + max(1, period - dt))``.

    ``dt / period`` while ``dt < period``. After a full period the mark TWAP keeps a sliver
    (``dt / (dt + 1)``); the oracle TWAP (``oracle=True``: ``max(0, ...)``) jumps to the new price.
    exact: ``calculate_new_twap`` / ``calculate_new_oracle_price_twap``.
    """
    dt = v.non_negative("since_last", since_last)
    p = v.positive("period", period)
    dt, p = v.broadcast(since_last=dt, period=p)
    remaining = np.maximum(0.0 if oracle else 1.0, p - dt)
    total = dt + remaining
    return v.scalar_or_array(np.divide(dt, total, out=np.zeros_like(dt), where=total > 0))


def twap_update(last_twap: ArrayLike, price: ArrayLike, since_last: ArrayLike, period: ArrayLike, *,
                oracle: bool = False) -> FloatArray | float:
    """One TWAP update: ``twap + w * (price - twap)`` with ``w = twap_weight(since_last, period)``.

    exact: ``calculate_new_twap(price, now, last_twap, last_ts, period)`` (truncated, then biased one unit
    toward ``last_twap * (period - dt)`` vs ``price * dt``, whichever weighted product is larger).
    """
    last = v.as_float_array("last_twap", last_twap)
    new = v.as_float_array("price", price)
    w = v.as_float_array("since_last", twap_weight(since_last, period, oracle=oracle))
    last, new, w = v.broadcast(last_twap=last, price=new, since_last=w)
    return v.scalar_or_array(last + w * (new - last))


def twap(prices: ArrayLike, times: ArrayLike, period: float, *, initial_twap: ArrayLike | None = None,
         initial_time: float | None = None, oracle: bool = False) -> FloatArray:
    """The TWAP after each observation of a path, the program's update applied in sequence.

    ``prices`` has observations on its last axis (leading axes are independent paths); ``times`` (seconds,
    non-decreasing, one per observation) is shared. The TWAP starts at ``initial_twap`` at ``initial_time``
    (defaults: the first price, at the first time). Each observation ``k`` moves it by
    ``w_k = twap_weight(times[k] - times[k-1], period)``, so after ``n`` steps the TWAP is
    ``prod(1 - w) * twap_0 + sum_k w_k * p_k * prod_{j>k}(1 - w_j)``: an exponentially weighted average whose
    weights decay by ``1 - dt/period`` per step (half-life ``period * ln 2`` seconds for small steps).
    The recursion is sequential; it is solved for all steps at once by a prefix scan (:mod:`driftlab._scan`:
    log2(n) numpy passes, no per-element loop).
    exact: repeated ``calculate_new_twap`` (``oracle=True``: ``calculate_new_oracle_price_twap``), which also
    truncates and biases each step by one unit (1e-6 USD), a drift of at most ``2 * period / dt`` units.
    """
    p = v.as_float_array("prices", prices)
    t = v.as_float_array("times", times)
    per = _one("period", v.positive("period", period))
    if p.ndim == 0:
        p = p.reshape(1)
    if t.ndim != 1 or t.shape[0] != p.shape[-1]:
        raise ValueError(f"times must be one-dimensional with one time per price (the last axis of prices, "
                         f"{p.shape[-1]}), got shape {t.shape}")
    start_time = float(t[0]) if initial_time is None else _one("initial_time", v.as_float_array("initial_time",
                                                                                                 initial_time))
    gaps = np.diff(t, prepend=start_time)
    if np.any(gaps < 0):
        raise ValueError("times must be non-decreasing and not before initial_time")
    start = p[..., 0] if initial_twap is None else v.as_float_array("initial_twap", initial_twap)
    paths = p.shape[:-1]
    if not _broadcasts(start.shape, paths) or np.broadcast_shapes(start.shape, paths) != paths:
        raise ValueError(f"initial_twap must be one number or one per path (prices' leading shape {paths}), "
                         f"got shape {start.shape}")
    w = np.asarray(twap_weight(gaps, per, oracle=oracle))
    return linear_recurrence(1.0 - w, w * p, start)


# ---------------------------------------------------------------------------------------- a price path


def mark_oracle_path(hours: int = 24, *, start_price: float = 100.0, oracle_drift: float = 0.0,
                     oracle_volatility: float = 0.03, premium: float = 0.0, premium_noise: float = 0.002,
                     premium_half_life: float = 600.0, step: float = 60.0, seed: int = 0) -> pd.DataFrame:
    """A random oracle price and a mark that trades around it at a premium, every ``step`` seconds.

    The oracle is a geometric random walk with ``oracle_drift`` (fraction per day) and ``oracle_volatility``
    (fraction per square-root day). The mark is ``oracle * (1 + premium + noise)``, with ``noise`` a stationary
    AR(1) of standard deviation ``premium_noise`` that halves its deviations every ``premium_half_life`` seconds
    (itself a linear recurrence, solved as the TWAPs are). ``seed`` fixes numpy's ``default_rng``, so a path is
    reproducible. Columns: ``time`` (s), ``hour``, ``oracle``, ``mark``, ``premium`` (mark / oracle - 1).
    """
    import pandas as pd

    if not isinstance(hours, (int, np.integer)) or not 1 <= hours <= 24 * 366:
        raise ValueError(f"hours must be a whole number in [1, 8784], got {hours!r}")
    start = _one("start_price", v.positive("start_price", start_price))
    drift = _one("oracle_drift", v.in_range("oracle_drift", oracle_drift, -1.0, 1.0))
    vol = _one("oracle_volatility", v.in_range("oracle_volatility", oracle_volatility, 0.0, 1.0))
    mean = _one("premium", v.in_range("premium", premium, -0.2, 0.2))
    noise = _one("premium_noise", v.in_range("premium_noise", premium_noise, 0.0, 0.05))
    half_life = _one("premium_half_life", v.positive("premium_half_life", premium_half_life))
    dt = _one("step", v.in_range("step", step, 1.0, 3600.0))
    if 3600.0 % dt:
        raise ValueError(f"step must divide an hour (3600 s) evenly, got {dt:g}")
    rng = np.random.default_rng(_seed(seed))
    n = int(hours * 3600 / dt)
    day_fraction = dt / 86_400
    log_steps = (drift - vol**2 / 2) * day_fraction + vol * np.sqrt(day_fraction) * rng.standard_normal(n)
    oracle = start * np.exp(np.concatenate([[0.0], np.cumsum(log_steps)]))
    keep = 0.5 ** (dt / half_life)
    shocks = noise * np.sqrt(1 - keep**2) * rng.standard_normal(n + 1)
    ar = linear_recurrence(np.full(n + 1, keep), shocks, noise * rng.standard_normal() * keep)
    prem = mean + ar
    time = np.arange(n + 1) * dt
    return pd.DataFrame({"time": time, "hour": time / 3600, "oracle": oracle, "mark": oracle * (1 + prem),
                         "premium": prem})


def _path_column(path: pd.DataFrame, name: str) -> FloatArray:
    try:
        return path[name].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(f"path[{name!r}] must hold numbers, got dtype {path[name].dtype}") from None


def funding_over_path(path: pd.DataFrame, *, tier: Any = "HighlySpeculative", funding_period: float = 3600.0,
                      offset: bool = True) -> pd.DataFrame:
    """TWAPs, the funding rate and the cumulative funding of one long and one short base unit over a path.

    ``path`` has ``time`` (s), ``mark`` and ``oracle`` columns (e.g. :func:`mark_oracle_path`). Both TWAPs are
    updated at every observation with period ``funding_period`` (the oracle's with the oracle rule, see
    :func:`twap_weight`); funding is computed on every observation whose time is a whole number of periods
    after the start. Returns one row per funding update: ``time``, ``hour``, ``mark_twap``, ``oracle_twap``,
    the :class:`FundingRate` fields, and ``long_funding`` / ``short_funding``, the funding received (+) or
    paid (-) so far by a 1-base long and short (no fee-pool cap: the two are mirror images).
    """
    import pandas as pd

    missing = [c for c in ("time", "mark", "oracle") if c not in getattr(path, "columns", ())]
    if missing:
        raise ValueError(f"path must be a DataFrame with columns time, mark and oracle; missing {missing}")
    period = _one("funding_period", v.in_range("funding_period", funding_period, 0.0, 86_400.0, low_open=True))
    times = v.as_float_array("path['time']", _path_column(path, "time"))
    mark = v.positive("path['mark']", _path_column(path, "mark"))
    oracle = v.positive("path['oracle']", _path_column(path, "oracle"))
    mark_twap = twap(mark, times, period)
    oracle_twap = twap(oracle, times, period, oracle=True)
    elapsed = times - times[0]
    on_update = (elapsed > 0) & np.isclose(np.mod(elapsed, period), 0.0)
    if not on_update.any():
        raise ValueError(f"path must span at least one funding period ({period:g} s) with an observation on it")
    rate = funding_rate(mark_twap[on_update], oracle_twap[on_update], tier=tier, funding_period=period,
                        offset=offset)
    frame = pd.DataFrame({"time": times[on_update], "hour": elapsed[on_update] / 3600,
                          "mark_twap": mark_twap[on_update], "oracle_twap": oracle_twap[on_update]})
    for name, values in rate._asdict().items():
        frame[name] = np.broadcast_to(values, frame.shape[:1])
    frame["long_funding"] = cumulative_funding_payment(frame["rate_usd"].to_numpy(), 1.0)
    frame["short_funding"] = cumulative_funding_payment(frame["rate_usd"].to_numpy(), -1.0)
    return frame
