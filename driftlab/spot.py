"""Spot borrow/lend in natural units: rate curves, APR and APY, interest indexes, scaled balances, withdraw limits.

Units: utilization and rates are fractions (``0.8``, ``0.05`` for 5% a year), token amounts are whole tokens
(``1.5`` USDC), interest indexes are plain factors (``1.0`` at market creation; the program stores
``SPOT_CUMULATIVE_INTEREST_PRECISION = 1e10`` for 1.0), times are seconds and a year is the program's
``ONE_YEAR = 31_536_000`` s. A *scaled balance* is a position's tokens divided by the index at which they entered
(the program stores it in 1e9, ``SPOT_BALANCE_PRECISION``), so ``tokens = scaled_balance * index``.

Every function broadcasts: each numeric argument may be a scalar or an array, and the result has the broadcast
shape (a float for all-scalar input). Bad input is a ``ValueError`` naming the parameter and its range.

The program's integer versions are in :mod:`driftlab.exact` (``calculate_borrow_rate``, ``calculate_deposit_rate``,
``get_token_amount``, ``get_spot_balance``, ``update_spot_market_cumulative_interest``,
``calculate_max_borrow_token_amount``...); ``tests/test_spot.py`` checks agreement to within their rounding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._validate import FloatArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "InterestPath",
    "KINKS",
    "MIN_BORROW_RATE_STEP",
    "ONE_YEAR",
    "apr_to_apy",
    "apy_to_apr",
    "borrow_rate",
    "borrow_rate_two_slope",
    "deposit_rate",
    "exact_accrual",
    "index_growth",
    "interest_path",
    "max_borrows_for_twap",
    "max_withdraw",
    "min_deposits_for_twap",
    "optimal_borrow_rate_for_deposit_rate",
    "rates",
    "scaled_balance",
    "token_amount",
    "utilization",
    "utilization_limits",
]

ONE_YEAR = 31_536_000.0
"""Seconds in the program's year (``ONE_YEAR``); rates are annual."""

KINKS: tuple[tuple[float, float], ...] = tuple(
    (end / 1e6, weight / 1000) for end, weight in
    ((850_000, 50), (900_000, 100), (950_000, 150), (990_000, 200), (995_000, 250), (1_000_000, 250)))
"""``INTEREST_RATE_SEGMENT_AND_WEIGHTS`` in natural units: (segment end utilization, share of max - optimal rate).

The shares sum to 1, so the rate at 100% utilization is the max rate. (A copy, so ``import driftlab.spot`` does
not load the exact layer; ``tests/test_spot.py`` checks it equals the program's table.)
"""

MIN_BORROW_RATE_STEP = 0.005
"""The program stores ``min_borrow_rate`` as a u8 counting 0.5% steps (``SpotMarket::get_min_borrow_rate``)."""

_ENDS = np.array([end for end, _ in KINKS])
_WEIGHTS = np.array([weight for _, weight in KINKS])
_FIRST_KINK = KINKS[0][0]
_MAX_MIN_RATE = 255 * MIN_BORROW_RATE_STEP


# --------------------------------------------------------------------------- checks


def _utilization(value: ArrayLike) -> FloatArray:
    return v.in_range("utilization", value, 0.0, 1.0)


def _decimals(value: ArrayLike) -> FloatArray:
    d = v.as_float_array("decimals", value)
    if np.any((d != np.round(d)) | (d < 5) | (d > 19)):
        raise ValueError("decimals must be an integer in [5, 19] (initialize_spot_market requires mint decimals "
                         ">= 5, and the balance math divides by 10^(19 - decimals)), got "
                         f"{value if d.ndim == 0 else 'an array of shape ' + str(d.shape)}")
    return d


def _scalar(name: str, value: FloatArray) -> float:
    """A checked parameter that takes one number (a 1-element array too), as a float."""
    if value.size != 1:
        raise ValueError(f"{name} must be a single number, got an array of shape {value.shape}")
    return float(value.ravel()[0])


def _cap(name: str, value: ArrayLike) -> FloatArray:
    """A cap in tokens: >= 0 everywhere, ``inf`` for none (so not :func:`v.non_negative`, which refuses inf)."""
    if isinstance(value, (str, bytes)) or value is None:
        raise ValueError(f"{name} must be a number >= 0 (inf for no cap) or an array of them, got {value!r}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number >= 0 (inf for no cap) or an array of them, got "
                         f"{type(value).__name__}") from None
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(np.isnan(array) | (array < 0)):
        shown = repr(value) if array.ndim == 0 else f"an array of shape {array.shape} with NaN or negative entries"
        raise ValueError(f"{name} must be >= 0 (inf for no cap), got {shown}")
    return array


def _whole(name: str, value: ArrayLike, low: int, high: int | None = None, unit: str = "") -> int:
    """A program integer given as one whole number in ``[low, high]``, as an ``int`` (exact for Python ints)."""
    x = v.as_float_array(name, value)
    bounds = f"in [{low}, {high}]" if high is not None else f">= {low}"
    if x.ndim != 0 or x != np.round(x) or x < low or (high is not None and x > high):
        shown = repr(value) if x.ndim == 0 else f"an array of shape {x.shape}"
        raise ValueError(f"{name} must be a whole number {bounds}{unit}, got {shown}")
    return int(value) if isinstance(value, (int, np.integer)) else int(x)


def _curve_params(optimal_utilization: ArrayLike, optimal_borrow_rate: ArrayLike, max_borrow_rate: ArrayLike,
                  min_borrow_rate: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The checks of ``validate_borrow_rate`` (admin.rs), plus ``optimal_utilization > 0``."""
    uo = v.in_range("optimal_utilization", optimal_utilization, 0.0, 1.0, low_open=True)
    ro = v.non_negative("optimal_borrow_rate", optimal_borrow_rate)
    rm = v.non_negative("max_borrow_rate", max_borrow_rate)
    rmin = v.in_range("min_borrow_rate", min_borrow_rate, 0.0, _MAX_MIN_RATE)
    v.broadcast(optimal_utilization=uo, optimal_borrow_rate=ro, max_borrow_rate=rm, min_borrow_rate=rmin)
    if np.any(rm < ro):
        raise ValueError("max_borrow_rate must be >= optimal_borrow_rate (validate_borrow_rate), got "
                         f"max {float(np.min(rm)):g} below optimal {float(np.max(ro)):g}")
    if np.any(ro < rmin):
        raise ValueError("optimal_borrow_rate must be >= min_borrow_rate (validate_borrow_rate), got "
                         f"optimal {float(np.min(ro)):g} below min {float(np.max(rmin)):g}")
    return uo, ro, rm, rmin


# --------------------------------------------------------------------------- rates


def utilization(deposits: ArrayLike, borrows: ArrayLike) -> FloatArray | float:
    """``borrows / deposits`` (token amounts): 0 when both are zero, 1 when there are borrows but no deposits.

    Above 1 only for a market whose borrows exceed its deposits, which the program prevents
    (``update_spot_balances`` refuses a borrow leaving Drift beyond deposits). exact: ``calculate_utilization``.
    """
    d = v.non_negative("deposits", deposits)
    b = v.non_negative("borrows", borrows)
    d, b = v.broadcast(deposits=d, borrows=b)
    ratio = np.where(d > 0, b / np.where(d > 0, d, 1.0), np.where(b > 0, 1.0, 0.0))
    return v.scalar_or_array(ratio)


def borrow_rate(utilization: ArrayLike, optimal_utilization: ArrayLike, optimal_borrow_rate: ArrayLike,
                max_borrow_rate: ArrayLike, min_borrow_rate: ArrayLike = 0.0) -> FloatArray | float:
    """Annual borrow rate at ``utilization``: the current multi-kink curve (since protocol-v2 commit 2c80851).

    ``U <= U*``: ``R_opt * U / U*``. Above ``U*`` the extra ``R_max - R_opt`` is spread over the segments of
    :data:`KINKS`, starting at ``U*`` and ending at 85%, 90%, 95%, 99%, 99.5% and 100%, with shares
    5%, 10%, 15%, 20%, 25%, 25%: a full segment adds its share, the segment holding ``U`` its share times the
    fraction of the segment covered. The result is at least ``min_borrow_rate`` (a fraction; the program stores
    it in 0.5% steps, :data:`MIN_BORROW_RATE_STEP`).

    ``optimal_utilization`` must be in (0, 1]. Above 0.85 (the first kink) the program's first segment runs
    backwards and ``calculate_borrow_rate`` fails with ``MathError`` for any utilization above optimal; this
    raises ``ValueError`` there, so the human layer never returns a rate the program cannot. At exactly 0.85 the
    first segment is empty and the rate jumps by its 5% share just above optimal, as in the program.
    exact: ``calculate_borrow_rate`` (never above this, below by less than 2 + one unit (1e-6) per full segment).
    """
    u = _utilization(utilization)
    uo, ro, rm, rmin = _curve_params(optimal_utilization, optimal_borrow_rate, max_borrow_rate, min_borrow_rate)
    if uo.ndim == ro.ndim == rm.ndim == rmin.ndim == 0:  # one curve: interpolate its share table directly
        _check_first_kink(u, uo)
        rate = np.where(u <= uo, (ro / uo) * u, ro + (rm - ro) * _kink_share(u, uo))
        return v.scalar_or_array(np.maximum(rate, rmin))
    u, uo, ro, rm, rmin = v.broadcast(utilization=u, optimal_utilization=uo, optimal_borrow_rate=ro,
                                      max_borrow_rate=rm, min_borrow_rate=rmin)
    _check_first_kink(u, uo)
    rate = np.where(u <= uo, ro * u / uo, ro + (rm - ro) * _kink_share(u, uo))
    return v.scalar_or_array(np.maximum(rate, rmin))


def _check_first_kink(u: FloatArray, uo: FloatArray) -> None:
    broken = (uo > _FIRST_KINK) & (u > uo)
    if np.any(broken):
        raise ValueError(
            f"optimal_utilization above {_FIRST_KINK:g} (the curve's first kink) with utilization above it: the "
            "program's calculate_borrow_rate fails there (MathError: the first segment's range underflows), got "
            f"optimal_utilization {float(np.max(np.broadcast_to(uo, broken.shape)[broken])):g} with utilization "
            f"up to {float(np.max(np.broadcast_to(u, broken.shape)[broken])):g}")


def _kink_share(u: FloatArray, uo: FloatArray) -> FloatArray:
    """``W(U)``: the share of ``max - optimal`` reached at ``U > U*`` (segments from ``U*``; ``U* <= 0.85``).

    A full segment counts its share, the segment holding ``U`` its share pro rata; at ``U* = 0.85`` the empty
    first segment counts in full. Meaningless (but finite) at ``U <= U*``, where the callers use the linear part.
    """
    if uo.ndim == 0:
        start = float(uo)
        if start < _FIRST_KINK:
            return np.interp(u, np.concatenate([[start], _ENDS]), np.concatenate([[0.0], np.cumsum(_WEIGHTS)]))
        return np.interp(u, _ENDS, np.cumsum(_WEIGHTS))  # U* = 0.85 (or above, unused): the first share in full
    uk = u[..., None]
    starts = np.concatenate([uo[..., None], np.broadcast_to(_ENDS[:-1], uo.shape + (len(_ENDS) - 1,))], axis=-1)
    width = _ENDS - starts
    partial = (uk - starts) / np.where(width > 0, width, 1.0)
    covered = np.where(uk >= _ENDS, 1.0, np.where(uk > starts, partial, 0.0))
    return np.asarray(np.sum(_WEIGHTS * covered, axis=-1))


def borrow_rate_two_slope(utilization: ArrayLike, optimal_utilization: ArrayLike, optimal_borrow_rate: ArrayLike,
                          max_borrow_rate: ArrayLike, min_borrow_rate: ArrayLike = 0.0) -> FloatArray | float:
    """The pre-May-2025 two-slope (Aave-style) curve: ``R_opt * U/U*`` below, a straight line to ``R_max`` above.

    ``U > U*``: ``R_opt + (R_max - R_opt) * (U - U*) / (1 - U*)``; at least ``min_borrow_rate``. This is the
    program's ``calculate_borrow_rate`` before commit 2c80851 (2025-05-28) and the docs' model of that time
    (drift-docs-digest §c, §H row 22). Not what the program computes today: see :func:`borrow_rate`.
    """
    u = _utilization(utilization)
    uo, ro, rm, rmin = _curve_params(optimal_utilization, optimal_borrow_rate, max_borrow_rate, min_borrow_rate)
    u, uo, ro, rm, rmin = v.broadcast(utilization=u, optimal_utilization=uo, optimal_borrow_rate=ro,
                                      max_borrow_rate=rm, min_borrow_rate=rmin)
    above = ro + (rm - ro) * (u - uo) / np.where(uo < 1.0, 1.0 - uo, 1.0)
    rate = np.where(u <= uo, ro * u / uo, above)
    return v.scalar_or_array(np.maximum(rate, rmin))


def deposit_rate(utilization: ArrayLike, borrow_rate: ArrayLike, insurance_factor: ArrayLike = 0.0
                 ) -> FloatArray | float:
    """Depositors' annual rate: ``borrow_rate * U * (1 - insurance_factor)``.

    Borrowers pay ``R`` on borrows, which is ``R * U`` on deposits; the insurance fund's ``total_factor`` of it
    goes to the revenue pool. exact: ``calculate_deposit_rate`` (below this by less than one unit, 1e-6); on
    chain the same split happens in ``update_spot_market_cumulative_interest``.
    """
    u = _utilization(utilization)
    br = v.non_negative("borrow_rate", borrow_rate)
    f = v.in_range("insurance_factor", insurance_factor, 0.0, 1.0)
    u, br, f = v.broadcast(utilization=u, borrow_rate=br, insurance_factor=f)
    return v.scalar_or_array(br * u * (1.0 - f))


def rates(utilization: ArrayLike, optimal_utilization: ArrayLike, optimal_borrow_rate: ArrayLike,
          max_borrow_rate: ArrayLike, min_borrow_rate: ArrayLike = 0.0, insurance_factor: ArrayLike = 0.0
          ) -> tuple[FloatArray | float, FloatArray | float]:
    """``(borrow_rate, deposit_rate)`` of the current curve at ``utilization``; see :func:`borrow_rate`."""
    br = borrow_rate(utilization, optimal_utilization, optimal_borrow_rate, max_borrow_rate, min_borrow_rate)
    return br, deposit_rate(utilization, br, insurance_factor)


def optimal_borrow_rate_for_deposit_rate(target_deposit_rate: ArrayLike, utilization: ArrayLike,
                                         optimal_utilization: ArrayLike, max_borrow_rate: ArrayLike,
                                         insurance_factor: ArrayLike = 0.0) -> FloatArray | float:
    """The ``optimal_borrow_rate`` that pays depositors ``target_deposit_rate`` at ``utilization`` (no min rate).

    The deposit rate is linear in ``R_opt`` at fixed ``U``: with ``c = target / (U (1 - f))`` the needed borrow
    rate, ``R_opt = c * U* / U`` at or below optimal, and above it ``R_opt = (c - R_max W) / (1 - W)`` with
    ``W`` the share of the kinks covered at ``U``. Raises ``ValueError`` when no rate in ``[0, R_max]`` does it.
    See :func:`driftlab.symbolic.spot.solve_optimal_borrow_rate` for the derivation.
    """
    t = v.non_negative("target_deposit_rate", target_deposit_rate)
    u = v.in_range("utilization", utilization, 0.0, 1.0, low_open=True)
    uo = v.in_range("optimal_utilization", optimal_utilization, 0.0, 1.0, low_open=True)
    rm = v.non_negative("max_borrow_rate", max_borrow_rate)
    f = v.in_range("insurance_factor", insurance_factor, 0.0, 1.0, high_open=True)
    t, u, uo, rm, f = v.broadcast(target_deposit_rate=t, utilization=u, optimal_utilization=uo,
                                  max_borrow_rate=rm, insurance_factor=f)
    if np.any((uo > _FIRST_KINK) & (u > uo)):
        raise ValueError(f"optimal_utilization above {_FIRST_KINK:g} with utilization above it: the program's "
                         "curve fails there (see borrow_rate)")
    needed = t / (u * (1.0 - f))
    w = _kink_share(u, uo)
    above = (needed - rm * w) / np.where(w < 1.0, 1.0 - w, 1.0)
    solution = np.where(u <= uo, needed * uo / u, above)
    if np.any((solution < 0) | (solution > rm) | ((u > uo) & (w >= 1.0))):
        raise ValueError("target_deposit_rate cannot be reached with an optimal_borrow_rate in [0, "
                         "max_borrow_rate] at this utilization (raise max_borrow_rate or lower the target)")
    return v.scalar_or_array(solution)


# --------------------------------------------------------------------------- compounding


def apr_to_apy(apr: ArrayLike, periods_per_year: ArrayLike | None = None) -> FloatArray | float:
    """``(1 + apr/n)**n - 1`` for ``n`` compounding periods a year; continuous (``exp(apr) - 1``) for ``None``.

    The program compounds at each interest update: ``n = ONE_YEAR / seconds between updates``.
    """
    r = v.non_negative("apr", apr)
    if periods_per_year is None:
        return v.scalar_or_array(np.expm1(r))
    n = v.positive("periods_per_year", periods_per_year)
    r, n = v.broadcast(apr=r, periods_per_year=n)
    return v.scalar_or_array(np.expm1(n * np.log1p(r / n)))


def apy_to_apr(apy: ArrayLike, periods_per_year: ArrayLike | None = None) -> FloatArray | float:
    """The inverse of :func:`apr_to_apy`: ``n * ((1 + apy)**(1/n) - 1)``, or ``log(1 + apy)`` for ``None``.

    (drift-common's ``aprFromApy`` is the ``n`` form.)
    """
    y = v.non_negative("apy", apy)
    if periods_per_year is None:
        return v.scalar_or_array(np.log1p(y))
    n = v.positive("periods_per_year", periods_per_year)
    y, n = v.broadcast(apy=y, periods_per_year=n)
    return v.scalar_or_array(n * np.expm1(np.log1p(y) / n))


def index_growth(rate: ArrayLike, elapsed: ArrayLike, update_interval: ArrayLike | None = None
                 ) -> FloatArray | float:
    """Factor by which an interest index grows over ``elapsed`` seconds at a constant annual ``rate``.

    ``(1 + rate * dt / ONE_YEAR) ** (elapsed / dt)`` with updates every ``dt = update_interval`` seconds (the
    program multiplies the index at each update); ``exp(rate * elapsed / ONE_YEAR)`` when ``None``.
    Use the borrow rate for the borrow index and the deposit rate (after the insurance take) for the deposit
    index. With utilization changing as interest accrues, see :func:`interest_path`.
    """
    r = v.non_negative("rate", rate)
    t = v.non_negative("elapsed", elapsed)
    if update_interval is None:
        r, t = v.broadcast(rate=r, elapsed=t)
        return v.scalar_or_array(np.exp(r * t / ONE_YEAR))
    dt = v.positive("update_interval", update_interval)
    r, t, dt = v.broadcast(rate=r, elapsed=t, update_interval=dt)
    return v.scalar_or_array(np.exp(t / dt * np.log1p(r * dt / ONE_YEAR)))


# --------------------------------------------------------------------------- balances


def token_amount(scaled_balance: ArrayLike, cumulative_interest: ArrayLike, decimals: ArrayLike,
                 is_borrow: ArrayLike = False) -> FloatArray | float:
    """Tokens of a scaled balance: ``scaled_balance * cumulative_interest``, rounded to the token's smallest unit
    (``10**-decimals``): **down for a deposit, up for a borrow**, so the protocol never owes or is owed the
    fraction. ``token_amount(b, I, d, True) - b * I`` is the borrower's round-up (less than one unit).

    Computed in floats: a product within about 1e-16 (relative) of a whole unit may round to the neighbouring
    unit. exact: ``get_token_amount``.
    """
    b = v.non_negative("scaled_balance", scaled_balance)
    ci = v.positive("cumulative_interest", cumulative_interest)
    d = _decimals(decimals)
    borrow = np.asarray(is_borrow, dtype=bool)
    b, ci, d = v.broadcast(scaled_balance=b, cumulative_interest=ci, decimals=d)
    units = b * ci * 10.0**d
    rounded = np.where(borrow, np.ceil(units), np.floor(units))
    return v.scalar_or_array(rounded / 10.0**d)


def scaled_balance(token_amount: ArrayLike, cumulative_interest: ArrayLike, is_borrow: ArrayLike = False
                   ) -> FloatArray | float:
    """Scaled balance recorded for ``token_amount`` tokens at index ``cumulative_interest``: ``tokens / index``
    truncated to the balance precision (1e-9), **plus 1e-9 for a (non-zero) borrow**, so a borrower owes at
    least what was taken. exact: ``get_spot_balance`` (``round_up`` for borrows, as ``update_spot_balances``).
    """
    t = v.non_negative("token_amount", token_amount)
    ci = v.positive("cumulative_interest", cumulative_interest)
    borrow = np.asarray(is_borrow, dtype=bool)
    t, ci = v.broadcast(token_amount=t, cumulative_interest=ci)
    units = np.floor(t / ci * 1e9)
    units = np.where(borrow & (units > 0), units + 1, units)
    return v.scalar_or_array(units / 1e9)


class InterestPath(NamedTuple):
    """A market's interest accrual, one row per update (axis 0), the broadcast parameter shape after that.

    ``deposit_index`` / ``borrow_index`` start at the given indexes; ``deposits`` / ``borrows`` are the market's
    token totals (the revenue pool's deposits included); ``revenue`` is what the insurance take has added to the
    revenue pool; ``borrow_rate`` / ``deposit_rate`` / ``utilization`` hold at the start of each step (the last
    row repeats the final state's).
    """

    time: FloatArray
    deposit_index: FloatArray
    borrow_index: FloatArray
    deposits: FloatArray
    borrows: FloatArray
    revenue: FloatArray
    utilization: FloatArray
    borrow_rate: FloatArray
    deposit_rate: FloatArray


def interest_path(deposits: ArrayLike, borrows: ArrayLike, elapsed: float, update_interval: float, *,
                  optimal_utilization: ArrayLike, optimal_borrow_rate: ArrayLike, max_borrow_rate: ArrayLike,
                  min_borrow_rate: ArrayLike = 0.0, insurance_factor: ArrayLike = 0.0,
                  deposit_index: ArrayLike = 1.0, borrow_index: ArrayLike = 1.0) -> InterestPath:
    """Accrue a market's interest every ``update_interval`` seconds for ``elapsed`` seconds, as the program does.

    At each update (``update_spot_market_cumulative_interest``): ``U = borrows / deposits``, ``R = borrow_rate(U)``,
    the borrow index grows by ``R dt / ONE_YEAR``, the deposit index by ``R U (1 - f) dt / ONE_YEAR``, and the
    insurance take ``f`` becomes a revenue-pool deposit. Borrowers pay exactly what depositors and the pool
    receive, so ``deposits - borrows`` stays constant and utilization rises as interest accrues. The last step
    is shorter if ``elapsed`` is not a multiple of ``update_interval``. Python loops over the updates only;
    every parameter broadcasts. exact: ``update_spot_market_cumulative_interest`` (see :func:`exact_accrual`).
    """
    d0 = v.positive("deposits", deposits)
    b0 = v.non_negative("borrows", borrows)
    if np.any(np.greater(*v.broadcast(borrows=b0, deposits=d0))):
        raise ValueError("borrows must be <= deposits (utilization at most 1)")
    total = _scalar("elapsed", v.non_negative("elapsed", elapsed))
    dt = _scalar("update_interval", v.positive("update_interval", update_interval))
    uo, ro, rm, rmin = _curve_params(optimal_utilization, optimal_borrow_rate, max_borrow_rate, min_borrow_rate)
    f = v.in_range("insurance_factor", insurance_factor, 0.0, 1.0)
    di = v.positive("deposit_index", deposit_index)
    bi = v.positive("borrow_index", borrow_index)
    d, b, uo, ro, rm, rmin, f, di, bi = (np.array(a, dtype=float) for a in v.broadcast(
        deposits=d0, borrows=b0, optimal_utilization=uo, optimal_borrow_rate=ro, max_borrow_rate=rm,
        min_borrow_rate=rmin, insurance_factor=f, deposit_index=di, borrow_index=bi))
    steps = int(np.ceil(total / dt - 1e-12)) if total > 0 else 0
    times = np.minimum(np.arange(steps + 1) * dt, total)
    rows: dict[str, list[FloatArray]] = {k: [] for k in InterestPath._fields if k != "time"}
    revenue = np.zeros_like(d)

    def record(u: FloatArray, br: FloatArray, dr: FloatArray) -> None:
        for key, value in (("deposit_index", di), ("borrow_index", bi), ("deposits", d), ("borrows", b),
                           ("revenue", revenue), ("utilization", u), ("borrow_rate", br), ("deposit_rate", dr)):
            rows[key].append(np.array(value, dtype=float))

    for k in range(steps + 1):
        u = np.minimum(b / d, 1.0)
        br = np.asarray(borrow_rate(u, uo, ro, rm, rmin), dtype=float)
        dr = br * u * (1.0 - f)
        record(u, br, dr)
        if k == steps:
            break
        step = (times[k + 1] - times[k]) / ONE_YEAR
        paid = b * br * step  # borrowers' interest = depositors' + the revenue pool's
        bi = bi * (1.0 + br * step)
        di = di * (1.0 + dr * step)
        revenue = revenue * (1.0 + dr * step) + paid * f
        b = b + paid
        d = d + paid
    stacked = {key: np.stack(values) for key, values in rows.items()}
    return InterestPath(time=times, **stacked)


def exact_accrual(deposits: int, borrows: int, *, days: int, update_interval: int, decimals: int = 6,
                  optimal_utilization: int = 800_000, optimal_borrow_rate: int = 50_000,
                  max_borrow_rate: int = 1_000_000, min_borrow_rate: int = 0, total_factor: int = 0,
                  record_every: int = 86_400) -> pd.DataFrame:
    """Run the program's ``update_spot_market_cumulative_interest`` every ``update_interval`` seconds for ``days``.

    Integer inputs in the program's units: token amounts in the token's smallest unit, rates and utilization in
    1e6, ``min_borrow_rate`` in 0.5% steps, ``total_factor`` in 1e6. The market starts at indexes 1.0 with those
    deposits and borrows. Returns one row every ``record_every`` seconds: ``day``, the two indexes (1e10), the
    market's deposit / borrow / revenue-pool token amounts and its utilization (1e6). A summary of the exact run
    for the notebooks and for checking :func:`interest_path`.
    """
    import pandas as pd

    from . import exact as ex

    deposits = _whole("deposits", deposits, 0, unit=" (token units)")
    borrows = _whole("borrows", borrows, 0, unit=" (token units)")
    if borrows > deposits:
        raise ValueError(f"borrows must be <= deposits (utilization at most 1), got borrows {borrows} above "
                         f"deposits {deposits}")
    days = _whole("days", days, 0)
    update_interval = _whole("update_interval", update_interval, 1, unit=" (seconds)")
    record_every = _whole("record_every", record_every, 1, unit=" (seconds)")
    decimals = _whole("decimals", decimals, 5, 19)
    optimal_utilization = _whole("optimal_utilization", optimal_utilization, 1, 1_000_000, " (1e6 = 100%)")
    optimal_borrow_rate = _whole("optimal_borrow_rate", optimal_borrow_rate, 0, unit=" (1e6 = 100%)")
    max_borrow_rate = _whole("max_borrow_rate", max_borrow_rate, 0, unit=" (1e6 = 100%)")
    min_borrow_rate = _whole("min_borrow_rate", min_borrow_rate, 0, 255, " (0.5% steps)")
    total_factor = _whole("total_factor", total_factor, 0, 1_000_000, " (1e6 = 100%)")
    if max_borrow_rate < optimal_borrow_rate:
        raise ValueError(f"max_borrow_rate must be >= optimal_borrow_rate (validate_borrow_rate), got "
                         f"{max_borrow_rate} below {optimal_borrow_rate}")
    if optimal_borrow_rate < min_borrow_rate * 5_000:
        raise ValueError(f"optimal_borrow_rate must be >= min_borrow_rate * 5000 (validate_borrow_rate), got "
                         f"{optimal_borrow_rate} below {min_borrow_rate} steps")

    market = ex.SpotMarket(
        decimals=decimals, optimal_utilization=optimal_utilization, optimal_borrow_rate=optimal_borrow_rate,
        max_borrow_rate=max_borrow_rate, min_borrow_rate=min_borrow_rate,
        cumulative_deposit_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
        cumulative_borrow_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
        insurance_fund=ex.InsuranceFund(total_factor=total_factor))
    depositor, borrower = ex.SpotPosition(), ex.SpotPosition()
    ex.update_spot_balances(deposits, ex.SpotBalanceType.Deposit, market, depositor, False)
    ex.update_spot_balances(borrows, ex.SpotBalanceType.Borrow, market, borrower, False)

    def row(now: int) -> dict[str, float]:
        deposit_tokens, borrow_tokens = market.get_deposits(), market.get_borrows()
        return {"day": now / 86_400, "cumulative_deposit_interest": market.cumulative_deposit_interest,
                "cumulative_borrow_interest": market.cumulative_borrow_interest,
                "deposit_tokens": deposit_tokens, "borrow_tokens": borrow_tokens,
                "revenue_pool_tokens": ex.get_token_amount(market.revenue_pool.scaled_balance, market,
                                                           ex.SpotBalanceType.Deposit),
                "utilization": ex.calculate_utilization(deposit_tokens, borrow_tokens),
                "depositor_tokens": depositor.get_token_amount(market),
                "borrower_tokens": borrower.get_token_amount(market)}

    rows = [row(0)]
    end = days * 86_400
    for now in range(update_interval, end + 1, update_interval):
        ex.update_spot_market_cumulative_interest(market, None, now)
        if now % record_every == 0:
            rows.append(row(now))
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- withdraw limits


def min_deposits_for_twap(deposit_token_twap: ArrayLike, withdraw_guard_threshold: ArrayLike
                          ) -> FloatArray | float:
    """Deposits that must remain after a withdrawal: ``twap - max(twap / 4, min(guard, twap))``.

    At most a quarter of the 24h deposit TWAP (or the guard threshold, if larger) may leave. Tokens.
    exact: ``calculate_min_deposit_token_amount`` (its quarter truncates: within one smallest unit).
    """
    twap = v.non_negative("deposit_token_twap", deposit_token_twap)
    guard = v.non_negative("withdraw_guard_threshold", withdraw_guard_threshold)
    twap, guard = v.broadcast(deposit_token_twap=twap, withdraw_guard_threshold=guard)
    return v.scalar_or_array(twap - np.maximum(twap / 4, np.minimum(guard, twap)))


def max_borrows_for_twap(deposits: ArrayLike, deposit_token_twap: ArrayLike, borrow_token_twap: ArrayLike,
                         withdraw_guard_threshold: ArrayLike, max_token_borrows: ArrayLike = np.inf,
                         isolated_pool: ArrayLike = False) -> FloatArray | float:
    """Borrows allowed by the TWAPs: ``min(max(guard, min(max(D/3, borrow_twap + D/5), D - D/14)), cap)``.

    ``D = min(deposits, deposit_twap)``: borrows may reach a third of deposits, or grow by a fifth of deposits
    over their 24h TWAP, but never past 13/14 of deposits. Isolated pools use D/2, D/3 and 19/20.
    ``max_token_borrows`` is the market's cap (``max_token_deposits * max_token_borrows_fraction``).
    exact: ``calculate_max_borrow_token_amount`` (its divisions truncate: within one smallest unit).
    """
    dep = v.non_negative("deposits", deposits)
    dtwap = v.non_negative("deposit_token_twap", deposit_token_twap)
    btwap = v.non_negative("borrow_token_twap", borrow_token_twap)
    guard = v.non_negative("withdraw_guard_threshold", withdraw_guard_threshold)
    cap = _cap("max_token_borrows", max_token_borrows)
    iso = np.asarray(isolated_pool, dtype=bool)
    dep, dtwap, btwap, guard, cap = v.broadcast(deposits=dep, deposit_token_twap=dtwap, borrow_token_twap=btwap,
                                                withdraw_guard_threshold=guard, max_token_borrows=cap)
    lesser = np.minimum(dep, dtwap)
    floor = np.where(iso, lesser / 2, lesser / 3)
    step = np.where(iso, lesser / 3, lesser / 5)
    ceiling = np.where(iso, lesser - lesser / 20, lesser - lesser / 14)
    return v.scalar_or_array(np.minimum(np.maximum(guard, np.minimum(np.maximum(floor, btwap + step), ceiling)),
                                        cap))


def utilization_limits(deposits: ArrayLike, borrows: ArrayLike, utilization_twap: ArrayLike,
                       optimal_utilization: ArrayLike, withdraw_guard_threshold: ArrayLike
                       ) -> tuple[FloatArray | float, FloatArray | float]:
    """``(min_deposits, max_borrows)`` after a withdrawal leaving Drift, from utilization.

    The ceiling utilization is ``max(U*, twap + (1 - twap) / 2)`` (half-way from the 24h utilization TWAP to
    100%); ``min_deposits = min(borrows / ceiling, deposits - guard)`` and
    ``max_borrows = max(ceiling * deposits, guard)``. exact: ``calculate_token_utilization_limits``.
    """
    dep = v.non_negative("deposits", deposits)
    bor = v.non_negative("borrows", borrows)
    twap = v.in_range("utilization_twap", utilization_twap, 0.0, 1.0)
    uo = v.in_range("optimal_utilization", optimal_utilization, 0.0, 1.0, low_open=True)
    guard = v.non_negative("withdraw_guard_threshold", withdraw_guard_threshold)
    dep, bor, twap, uo, guard = v.broadcast(deposits=dep, borrows=bor, utilization_twap=twap,
                                            optimal_utilization=uo, withdraw_guard_threshold=guard)
    ceiling = np.maximum(uo, twap + (1.0 - twap) / 2)
    min_deposits = np.minimum(bor / ceiling, np.maximum(dep - guard, 0.0))
    max_borrows = np.maximum(ceiling * dep, guard)
    return v.scalar_or_array(min_deposits), v.scalar_or_array(max_borrows)


def max_withdraw(token_amount: ArrayLike, deposits: ArrayLike, borrows: ArrayLike, deposit_token_twap: ArrayLike,
                 borrow_token_twap: ArrayLike, utilization_twap: ArrayLike, optimal_utilization: ArrayLike,
                 withdraw_guard_threshold: ArrayLike, *, max_token_borrows: ArrayLike = np.inf,
                 is_leaving_drift: ArrayLike = True) -> FloatArray | float:
    """Largest withdrawal (tokens) for a position holding ``token_amount`` (negative = a borrow) right now.

    A depositor may take their tokens down to the deposit floor ``max(min_deposits_for_twap,
    utilization floor)``; if the floor binds (and the tokens leave Drift) that is the limit. Beyond their own
    deposit, anyone may borrow ``min(max_borrows - borrows, deposits - borrows)``, and within the market's
    ``max_token_borrows`` cap. Utilization limits apply only when the tokens leave Drift.
    exact: ``get_max_withdraw_for_market_with_token_amount``.
    """
    amount = v.as_float_array("token_amount", token_amount)
    dep = v.non_negative("deposits", deposits)
    bor = v.non_negative("borrows", borrows)
    v.broadcast(token_amount=amount, deposits=dep, borrows=bor)
    leaving = np.asarray(is_leaving_drift, dtype=bool)
    cap = _cap("max_token_borrows", max_token_borrows)
    min_util, max_util = utilization_limits(dep, bor, utilization_twap, optimal_utilization,
                                            withdraw_guard_threshold)
    min_util = np.where(leaving, min_util, 0.0)
    max_util = np.where(leaving, max_util, np.inf)
    floor = np.maximum(min_deposits_for_twap(deposit_token_twap, withdraw_guard_threshold), min_util)
    withdraw_limit = np.maximum(dep - floor, 0.0)
    own = np.maximum(amount, 0.0)
    twap_borrows = max_borrows_for_twap(dep, deposit_token_twap, borrow_token_twap, withdraw_guard_threshold, cap)
    borrow_limit = np.minimum(np.maximum(np.minimum(twap_borrows, max_util) - bor, 0.0), np.maximum(dep - bor, 0.0))
    borrow_limit = np.minimum(borrow_limit, np.where(np.isfinite(cap), np.maximum(cap - bor, 0.0), np.inf))
    floor_binds = (amount > 0) & (withdraw_limit <= own) & leaving
    return v.scalar_or_array(np.where(floor_binds, withdraw_limit, own + borrow_limit))
