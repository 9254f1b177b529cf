"""Maker incentive scoring: order-book snapshots in, maker scores, up-time, tiers and payouts out.

Drift paid market makers for resting liquidity near the top of its order book. The March 2023 program (the
project's seed) ranked makers by a *maker score*; its formula was published as an image that is lost. What is
known, and how each piece is modelled here, is in ``../shared/reference/drift-docs-digest.md`` section (f):

- every piece of the score is a parameter of :class:`ScoringRule`: how orders are put in brackets (by distance
  from the best price on their side, or onto the scorers' rounded price levels), the bracket weights (depth
  multipliers), the liquidity normaliser ``Q`` (bid/ask mean or max, per bracket or one per snapshot), the
  minimum-depth floor (``$5,000 / price``), how two-sidedness enters (not at all, the maker's own
  ``min(bid, ask)``, or the level's), how bid and ask add up, and how a level's score is split among makers;
- the known versions are presets (:data:`PRESETS`), each citing its source: ``march-2023`` (the seed's brackets;
  weights, ``Q`` and the two-sided form **reconstructed**, digest f.2 R-A), ``august-2023`` (the documented
  formula, digest f.1(2)), ``scorer-2023`` (Drift's Python scorer of 2023, f.1(4)), ``mm-scoring-2023`` (the
  first TypeScript scorer, Dec 2023) and ``scorer-2024`` (the TypeScript scorer of Jan 2024, f.1(3));
- :class:`Program` / :class:`Tier` hold the seed's qualification rules (rank by score, maker volume, up-time;
  a forfeited award is not passed down) for SOL-PERP (four tiers) and BONK-PERP (two).

**The book.** A snapshot table is a DataFrame with one row per resting order: ``snapshot`` (any id), ``maker``,
``side`` (``"bid"`` or ``"ask"``), ``price`` (USD) and ``size`` (base units). Optional per-snapshot columns
(constant within a snapshot): ``time`` (a timestamp, needed for daily and program-period scores), ``oracle``
(USD; used when a side is empty or the book is crossed) and ``valid`` (False for snapshots taken while the chain
was unreliable: the seed removes them from up-time). The AMM's quotes may be included as the pseudo-maker
:data:`AMM_MAKER` (see :func:`amm_quotes`); rules decide whether they count, and tiers never go to it.

**Speed.** :func:`score_book` scores every snapshot at once (numpy: one sort, a few ``bincount`` calls, no loop
over snapshots or orders); :func:`reference_snapshot_score` is the same scoring written as a plain loop over one
snapshot's orders, straight from the definitions: the tests check the two agree and the benchmark times both.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from . import _validate as v
from ._validate import FloatArray

__all__ = [
    "AMM_MAKER",
    "BOOK_COLUMNS",
    "BookScores",
    "MakerProfile",
    "PRESETS",
    "PROGRAMS",
    "Program",
    "ScoringRule",
    "Tier",
    "amm_quotes",
    "assign_brackets",
    "bracket_score",
    "compare_rules",
    "daily_scores",
    "ladder",
    "ladder_search",
    "make_book",
    "march_2023_candidates",
    "optimal_allocation",
    "period_scores",
    "pro_rata_rewards",
    "qualify",
    "random_profiles",
    "reference_snapshot_score",
    "rule",
    "run_program",
    "score_book",
    "snapshot_scores",
    "synthetic_book",
    "uptime",
    "volume_rewards",
]

AMM_MAKER = "vamm"
"""The maker name of the AMM's quotes (Drift's scorer of 2024 calls the AMM's user ``"vamm"``)."""

BOOK_COLUMNS = ("snapshot", "maker", "side", "price", "size")
"""The columns every snapshot table has; ``time``, ``oracle`` and ``valid`` are optional."""

SIDES = ("bid", "ask")

_EPS_BPS = 1e-6  # distances within 1e-6 bps of a bracket edge count as on the edge (float noise, not a decision)
_GRID_EPS = 1e-9  # the same for prices on a rounding grid
_ASSIGNMENTS = ("distance", "levels")
_Q_COMBINE = ("mean", "max")
_Q_SCOPES = ("bracket", "snapshot", "book")
_TWO_SIDED = ("none", "maker", "level")
_SIDE_SUMS = ("sum", "mean")
_SPLITS = ("pro_rata", "per_order")


# --------------------------------------------------------------------------- the rule


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def _scalar(name: str, value: Any, check: Any = v.as_float_array, *args: Any) -> float:
    """One number checked by ``check`` (a ``_validate`` checker, with ``args``); a ``ValueError`` naming ``name`` for
    an array."""
    array = check(name, value, *args)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number, got an array of shape {array.shape}")
    return float(array)


def _integer(name: str, value: Any, low: int) -> int:
    """An integer ``>= low`` (not a float, not a bool); a ``ValueError`` naming ``name`` otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
        shown = f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else repr(value)
        raise ValueError(f"{name} must be an integer >= {low}, got {shown}")
    return int(value)


def _snapshot_id(value: Any) -> Any:
    """A snapshot id: one hashable value (number, string, timestamp), not missing, NaN or infinite."""
    try:
        hash(value)
    except TypeError:
        raise ValueError(f"snapshot must be one id (a number, a string or a timestamp), got a "
                         f"{type(value).__name__}") from None
    if value is None or (np.ndim(value) == 0 and pd.isna(value)) or (
            isinstance(value, (float, np.floating)) and np.isinf(value)):
        raise ValueError(f"snapshot must be an id that is not None, NaN or infinite, got {value!r}")
    return value


def _float_tuple(name: str, value: Iterable[float], *, increasing: bool = False) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of numbers, got {value!r}")
    try:
        items = tuple(float(x) for x in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers, got {value!r}") from None
    if not items:
        raise ValueError(f"{name} must not be empty")
    array = v.positive(name, items)
    if increasing and np.any(np.diff(array) <= 0):
        raise ValueError(f"{name} must be strictly increasing, got {items}")
    return items


@dataclass(frozen=True)
class ScoringRule:
    """One version of the maker score, every choice a parameter; validated at construction.

    Per snapshot, side ``σ`` (bid, ask) and bracket ``i`` (1..n): ``l`` is a maker's size (base units) in the
    bracket, ``L`` all makers' size there. Then

    - ``Q_i = max(combine(L_bid,i, L_ask,i), min_depth_usd / mark)``, ``combine`` = ``q_combine`` (``"mean"``:
      ``(L_bid + L_ask)/2``, the seed and the scorers; ``"max"``: the August 2023 doc), taken per bracket
      (``q_scope="bracket"``) or as one value per snapshot: the largest over the scored brackets
      (``"snapshot"``) or over every price level in the book (``"book"``, the scorers; levels mode only);
    - the level score ``S_σ,i = scale · w_i · L'_σ,i / Q_i · f`` with ``L'`` the side's size (``two_sided=
      "none"``) or ``min(L_bid,i, L_ask,i)`` (``"level"``), and ``f`` = 1 (``sides="sum"``) or 1/2 (``"mean"``);
    - a maker's part: ``S · l / L`` (``split="pro_rata"``) or ``S`` per order at the level (``"per_order"``,
      Drift's earliest scorer); with ``two_sided="maker"`` it is ``scale · w_i · min(l_bid,i, l_ask,i) / Q_i · f``
      on each side instead (the maker's own balance, reconstruction R-A);
    - the snapshot score is the sum over sides and brackets.

    Brackets (``assignment``):

    - ``"distance"``: bracket ``i`` holds the orders whose distance from the best price *on their side*,
      ``(best_bid - p)/best_bid`` or ``(p - best_ask)/best_ask``, is in ``(edges_bps[i-1], edges_bps[i]]`` bps
      (bracket 1 from 0); farther orders are not scored. An order is in one bracket only.
    - ``"levels"`` (Drift's scorers): each price is rounded onto a grid whose step is ``mark · m`` with ``m`` the
      first of ``edges_bps`` the order is within (``grid_beyond_bps`` beyond the last; ``None``: not rounded),
      bids down and asks up; the ``len(weights)`` best distinct rounded prices per side are the brackets, and
      bid level ``i`` pairs with ask level ``i`` whatever their distances.

    ``include_amm``: whether rows of :data:`AMM_MAKER` count as liquidity (and get a score). ``reconstructed``
    marks a rule whose form is not documented; ``source`` cites where every value comes from.
    """

    name: str
    edges_bps: tuple[float, ...]
    weights: tuple[float, ...]
    assignment: str = "distance"
    grid_beyond_bps: float | None = None
    min_depth_usd: float = 5_000.0
    q_combine: str = "mean"
    q_scope: str = "bracket"
    two_sided: str = "none"
    sides: str = "sum"
    split: str = "pro_rata"
    scale: float = 100.0
    include_amm: bool = False
    reconstructed: bool = False
    source: str = ""
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "edges_bps", _float_tuple("edges_bps", self.edges_bps, increasing=True))
        set_(self, "weights", _float_tuple("weights", self.weights))
        _choice("assignment", self.assignment, _ASSIGNMENTS)
        _choice("q_combine", self.q_combine, _Q_COMBINE)
        _choice("q_scope", self.q_scope, _Q_SCOPES)
        _choice("two_sided", self.two_sided, _TWO_SIDED)
        _choice("sides", self.sides, _SIDE_SUMS)
        _choice("split", self.split, _SPLITS)
        if self.assignment == "distance" and len(self.edges_bps) != len(self.weights):
            raise ValueError(f"weights must have one entry per bracket (len(edges_bps) = {len(self.edges_bps)}) "
                             f"when assignment is 'distance', got {len(self.weights)}")
        if self.grid_beyond_bps is not None:
            if self.assignment != "levels":
                raise ValueError("grid_beyond_bps applies to assignment='levels' only; set it to None")
            set_(self, "grid_beyond_bps", float(v.positive("grid_beyond_bps", self.grid_beyond_bps)))
        if self.q_scope == "book" and self.assignment != "levels":
            raise ValueError("q_scope='book' (Q over every price level) needs assignment='levels'; "
                             "use 'bracket' or 'snapshot'")
        if self.two_sided == "maker" and self.split != "pro_rata":
            raise ValueError("split must be 'pro_rata' when two_sided='maker' (the maker's own min(bid, ask) "
                             "is not a share of a level)")
        set_(self, "min_depth_usd", float(v.non_negative("min_depth_usd", self.min_depth_usd)))
        set_(self, "scale", float(v.positive("scale", self.scale)))
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")

    @property
    def n_brackets(self) -> int:
        """Number of scored brackets (levels)."""
        return len(self.weights)

    def replace(self, **changes: Any) -> ScoringRule:
        """A copy with some parameters changed (validated again), e.g. ``rule.replace(sides="mean")``."""
        return dataclasses.replace(self, **changes)

    def describe(self) -> pd.Series:
        """The rule's parameters as a Series (one column of a comparison table)."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("notes",)}
        return pd.Series(values, name=self.name, dtype=object)


_FLOOR = "floor $5,000 / mark price (base units)"

PRESETS: dict[str, ScoringRule] = {
    "march-2023": ScoringRule(
        name="march-2023", edges_bps=(1, 3, 5, 10, 15, 20), weights=(2, 0.75, 0.5, 0.4, 0.3, 0.2),
        assignment="distance", q_combine="mean", q_scope="bracket", two_sided="maker", sides="mean",
        reconstructed=True,
        source="seed 003 (docs.drift.trade/maker-incentive-program, 15 Mar 2023): brackets A1..A6/B1..B6 at 1, 3, "
               "5, 10, 15, 20 bps (one bracket per order), Q1..Q6 = average of bid and ask liquidity, $5,000 floor; "
               "weights and the min(bid, ask) form reconstructed (digest f.2 R-A) from drift-v2-streamlit "
               "tabs/mm_program.py @2ad54dd",
        notes="RECONSTRUCTED: the seed's formula was an image and is lost. Score = 100 * sum_i w_i * "
              "min(A_i, B_i) / Q_i, Q_i = max((L_bid,i + L_ask,i)/2, 5000/P). " + _FLOOR + ".",
    ),
    "august-2023": ScoringRule(
        name="august-2023", edges_bps=(1, 5, 10, 20, 50, 100), weights=(4, 2, 0.75, 0.4, 0.3, 0.2),
        assignment="distance", q_combine="max", q_scope="bracket", two_sided="none", sides="sum",
        source="docs 'Maker Incentive Program', last updated 11 Aug 2023 (archbee slug sxi0CugfCTt2J9SNfn7YM; "
               "digest f.1(2)): OrderScore = (bid + ask) * 100, side = 4 lA/QA + 2 lB/QB + .75 lC/QC + .4 lD/QD "
               "+ .3 lE/QE + .2 lF/QF, Q = max(L_bid, L_ask, $5000/price)",
        notes="The formula as written; its own example (400 for a sole top-of-book maker) is per side: "
              "rule('august-2023').replace(sides='mean') gives it (digest H row 1).",
    ),
    "scorer-2023": ScoringRule(
        name="scorer-2023", edges_bps=(1, 3), grid_beyond_bps=5, weights=(2, 0.75, 0.5, 0.4, 0.3, 0.2),
        assignment="levels", q_combine="mean", q_scope="book", two_sided="level", sides="sum",
        source="drift-labs/drift-v2-streamlit tabs/mm_program.py @2ad54dd, get_mm_score_for_slot (digest f.1(4))",
        notes="Prices rounded to 1 bp within 1 bp of best, 3 bp within 3 bps, else 5 bp; six best rounded levels "
              "per side; q = max over all levels of max((bs+as)/2, 5000/mark); level score 100 w min(bs, as)/q, "
              "pro rata. A level present on one side only scores 0 here (the 2023 code's NaN-skipping min "
              "scored it by the side present).",
    ),
    "mm-scoring-2023": ScoringRule(
        name="mm-scoring-2023", edges_bps=(1, 5, 10, 20, 50, 100), weights=(4, 2, 0.75, 0.4, 0.3, 0.2),
        assignment="levels", q_combine="mean", q_scope="snapshot", two_sided="level", sides="sum",
        source="drift-labs/mm-scoring src/liquidityScore.ts @d842f4c (first version, 23 Dec 2023)",
        notes="The August 2023 weights and bracket widths as rounding grids; q over the six scored levels. "
              "Beyond 100 bps the TS rounds to an absolute $0.0005 grid: modelled as no rounding.",
    ),
    "scorer-2024": ScoringRule(
        name="scorer-2024", edges_bps=(2.5, 5, 10, 20, 30, 40), weights=(8, 4, 0.75, 0.4, 0.3, 0.1),
        assignment="levels", q_combine="mean", q_scope="book", two_sided="level", sides="sum", include_amm=True,
        source="drift-labs/mm-scoring src/liquidityScore.ts v0.16.0 @493c124 (26 Jan 2024; multipliers c9ef61f, "
               "grids 0f945b6; digest f.1(3))",
        notes="Includes the AMM as user 'vamm'; q over every level of the book. Beyond 40 bps the TS rounds to an "
              "absolute $0.0005 grid: modelled as no rounding. Orders still in their auction are excluded by the "
              "scorer: a snapshot table here holds resting orders only.",
    ),
}
"""The known versions of the score, by name; see each rule's ``source`` and ``notes``."""


def rule(name: str | ScoringRule) -> ScoringRule:
    """The preset called ``name`` (a :class:`ScoringRule` passes through)."""
    return _rule("name", name)


def _rule(param: str, value: Any) -> ScoringRule:
    """``value`` as a rule; a ``ValueError`` naming ``param`` (the caller's parameter) for an unknown preset."""
    if isinstance(value, ScoringRule):
        return value
    if not isinstance(value, str) or value not in PRESETS:
        raise ValueError(f"{param} must be a ScoringRule or one of {', '.join(map(repr, PRESETS))}, got {value!r}")
    return PRESETS[value]


def _scored(value: Any) -> BookScores:
    if not isinstance(value, BookScores):
        raise TypeError(f"scored must be the BookScores that score_book returns, got {type(value).__name__}")
    return value


def _period(value: Any) -> str:
    """A pandas period alias (``"W-SUN"``, ``"D"``, ``"M"``), checked."""
    try:
        if not isinstance(value, str):
            raise TypeError
        pd.Period("2023-03-01", freq=value)
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"period must be a pandas period alias such as 'W-SUN', 'D' or 'M', got {value!r}") from None
    return str(value)


def _names(param: str, value: Any) -> list[str]:
    """An iterable of maker names (not one bare string)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"{param} must be a list of maker names, got {value!r}")
    return list(value)


def march_2023_candidates() -> dict[str, ScoringRule]:
    """The reconstructions of the lost March 2023 formula listed in digest f.2, as rules on the seed's brackets.

    - ``R-A`` (the ``march-2023`` preset): ``100 Σ w_i min(A_i, B_i) / Q_i``;
    - ``R-B`` (August 2023 shape): ``100 Σ w_i (A_i + B_i) / Q_i``;
    - ``R-C`` (per-side average): ``100 Σ w_i (A_i + B_i) / (2 Q_i)``;
    - ``R-D`` (code-faithful): ``100 Σ w_i min(L^b_i, L^a_i) / Q* · (B_i/L^b_i + A_i/L^a_i)``, ``Q* = max_i Q_i``;
    - ``R-A, Aug weights``: R-A with the August 2023 weights ``(4, 2, .75, .4, .3, .2)``.

    None can be checked against the seed's 76.62 example: the book it was computed on was in the lost image.
    """
    base = PRESETS["march-2023"]
    return {
        "R-A": base.replace(name="R-A"),
        "R-B": base.replace(name="R-B", two_sided="none", sides="sum"),
        "R-C": base.replace(name="R-C", two_sided="none", sides="mean"),
        "R-D": base.replace(name="R-D", two_sided="level", sides="sum", q_scope="snapshot"),
        "R-A, Aug weights": base.replace(name="R-A, Aug weights", weights=(4, 2, 0.75, 0.4, 0.3, 0.2)),
    }


# --------------------------------------------------------------------------- the book


def make_book(book: pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A checked snapshot table: the :data:`BOOK_COLUMNS` (plus any optional ones), a default index.

    Accepts a DataFrame, a dict of columns or a list of row dicts. ``ValueError`` naming the column for a missing
    column, a side other than ``"bid"``/``"ask"``, a price not > 0 or a size < 0.
    """
    if isinstance(book, pd.DataFrame):
        frame = book
    elif isinstance(book, Mapping) or (isinstance(book, Sequence) and not isinstance(book, str)):
        frame = pd.DataFrame(book)
    else:
        raise TypeError(f"book must be a DataFrame, a dict of columns or a list of row dicts, got "
                        f"{type(book).__name__}")
    missing = [c for c in BOOK_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"book must have the columns {', '.join(BOOK_COLUMNS)}; missing {', '.join(missing)}")
    if len(frame) == 0:
        raise ValueError("book must have at least one order")
    sides = frame["side"].astype(object)
    bad = ~sides.isin(SIDES)
    if bad.any():
        raise ValueError(f"side must be 'bid' or 'ask', got {sides[bad].iloc[0]!r}")
    v.positive("price", frame["price"].to_numpy())
    v.non_negative("size", frame["size"].to_numpy())
    if "oracle" in frame.columns:
        v.positive("oracle", frame["oracle"].to_numpy())
    return frame.reset_index(drop=True)


def ladder(maker: str, mid: ArrayLike, distance_bps: float, levels: int, size: float, *, step_bps: float = 2.0,
           snapshot: Any = 0, sides: Sequence[str] = SIDES) -> pd.DataFrame:
    """A maker's symmetric ladder: ``levels`` orders of ``size`` base per side, the first ``distance_bps`` from
    ``mid`` and each further one ``step_bps`` farther: bids at ``mid·(1 − d/1e4)``, asks at ``mid·(1 + d/1e4)``.

    ``mid`` may be an array (one per snapshot; then ``snapshot`` is ignored and snapshots are numbered 0..).
    ``levels = 0`` gives an empty table with the book's columns.
    """
    if not isinstance(levels, (int, np.integer)) or levels < 0:
        raise ValueError(f"levels must be an integer >= 0, got {levels!r}")
    d0 = _scalar("distance_bps", distance_bps, v.non_negative)
    step = _scalar("step_bps", step_bps, v.non_negative)
    sz = _scalar("size", size, v.non_negative)
    snapshot = _snapshot_id(snapshot)
    mids = v.positive("mid", mid)
    for side in sides:
        _choice("sides", side, SIDES)
    snaps = np.arange(mids.size) if mids.ndim else np.array([snapshot], dtype=object)
    mids = mids.reshape(-1)
    dist = d0 + step * np.arange(levels)
    frames = []
    for side in sides:
        sign = -1.0 if side == "bid" else 1.0
        prices = mids[:, None] * (1 + sign * dist[None, :] / 1e4)
        frames.append(pd.DataFrame({
            "snapshot": np.repeat(snaps, levels), "maker": maker, "side": side,
            "price": prices.reshape(-1), "size": sz}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(BOOK_COLUMNS))
    return out[list(BOOK_COLUMNS)]


def amm_quotes(price: ArrayLike, base_reserve: ArrayLike, *, long_spread: float = 0.0005,
               short_spread: float = 0.0005, levels: int = 5, level_size: float = 1.0,
               snapshot: ArrayLike | None = None) -> pd.DataFrame:
    """The AMM's resting liquidity as orders of the pseudo-maker :data:`AMM_MAKER`, ``levels`` per side.

    The AMM quotes ``ask = P(1 + long_spread)``, ``bid = P(1 − short_spread)`` (:func:`driftlab.amm.bid_ask_prices`)
    and moves along its curve as it fills: level ``k`` (0-based, ``level_size`` base each) sits where the reserve
    price is after ``k·level_size`` has traded, ``(B / (B ∓ k·s))²`` times the quote
    (:func:`driftlab.amm.post_trade_price` over the reserve price). ``price`` and ``base_reserve`` broadcast over
    snapshots (numbered 0.. unless ``snapshot`` is given).
    """
    from . import amm

    if not isinstance(levels, (int, np.integer)) or levels < 1:
        raise ValueError(f"levels must be an integer >= 1, got {levels!r}")
    size = _scalar("level_size", level_size, v.positive)
    p, b = v.broadcast(price=v.positive("price", price), base_reserve=v.positive("base_reserve", base_reserve))
    p, b = p.reshape(-1), b.reshape(-1)
    snaps = np.arange(p.size) if snapshot is None else np.asarray(snapshot).reshape(-1)
    if snaps.size != p.size:
        raise ValueError(f"snapshot must have one id per price ({p.size}), got {snaps.size}")
    bid, ask = amm.bid_ask_prices(p, long_spread, short_spread)
    k = np.arange(levels) * size
    if np.any(k[-1] >= b):
        raise ValueError("levels * level_size must stay below base_reserve (the AMM cannot sell its whole reserve)")
    quote_reserve = b * p  # peg 1: Q = P*B
    up = np.asarray(amm.post_trade_price(b[:, None], quote_reserve[:, None], k[None, :])) / p[:, None]
    down = np.asarray(amm.post_trade_price(b[:, None], quote_reserve[:, None], -k[None, :])) / p[:, None]
    rows = {
        "snapshot": np.concatenate([np.repeat(snaps, levels)] * 2),
        "maker": AMM_MAKER,
        "side": np.repeat(["bid", "ask"], p.size * levels),
        "price": np.concatenate([(np.asarray(bid)[:, None] * down).reshape(-1),
                                 (np.asarray(ask)[:, None] * up).reshape(-1)]),
        "size": size,
    }
    return pd.DataFrame(rows)[list(BOOK_COLUMNS)]


# --------------------------------------------------------------------------- the vectorised engine


@dataclass(frozen=True)
class _Book:
    frame: pd.DataFrame  # rows scored (AMM rows dropped if the rule excludes them)
    snapshots: pd.Index
    makers: pd.Index
    s: np.ndarray  # snapshot code per row
    m: np.ndarray  # maker code per row
    ask: np.ndarray  # bool per row
    price: FloatArray
    size: FloatArray
    oracle: FloatArray  # per snapshot, NaN when absent
    times: pd.DatetimeIndex | None
    valid: np.ndarray  # bool per snapshot


def _per_snapshot(frame: pd.DataFrame, column: str, codes: np.ndarray) -> pd.Series:
    """The column's value on each snapshot's first row (codes are 0..n-1, every one present)."""
    _, first = np.unique(codes, return_index=True)
    return frame[column].iloc[first].reset_index(drop=True)


def _prepare(book: pd.DataFrame, scoring: ScoringRule) -> _Book:
    frame = make_book(book)
    if not scoring.include_amm:
        frame = frame[frame["maker"] != AMM_MAKER].reset_index(drop=True)
        if len(frame) == 0:
            raise ValueError("book has only AMM quotes and the rule excludes them (include_amm=False)")
    s, snapshots = pd.factorize(frame["snapshot"], sort=True)
    m, makers = pd.factorize(frame["maker"], sort=True)
    n_s = len(snapshots)
    oracle = (_per_snapshot(frame, "oracle", s).to_numpy(float) if "oracle" in frame.columns
              else np.full(n_s, np.nan))
    times = pd.DatetimeIndex(_per_snapshot(frame, "time", s)) if "time" in frame.columns else None
    valid = (_per_snapshot(frame, "valid", s).to_numpy(bool) if "valid" in frame.columns
             else np.ones(n_s, dtype=bool))
    return _Book(frame=frame, snapshots=pd.Index(snapshots, name="snapshot"), makers=pd.Index(makers, name="maker"),
                 s=s, m=m, ask=(frame["side"].to_numpy() == "ask"), price=frame["price"].to_numpy(float),
                 size=frame["size"].to_numpy(float), oracle=oracle, times=times, valid=valid)


def _best_prices(b: _Book) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Best bid and ask per snapshot (orders of positive size), fixed as the scorers fix them, and the mark.

    An empty side takes the oracle (else the other side); a crossed book (bid > ask) moves the side beyond the
    oracle (else beyond the mid) onto the other: ``bid > ref`` → ``bid = ask``, otherwise ``ask = bid``.
    """
    n = len(b.snapshots)
    live = b.size > 0
    best_bid = np.full(n, -np.inf)
    best_ask = np.full(n, np.inf)
    bid_rows, ask_rows = live & ~b.ask, live & b.ask
    np.maximum.at(best_bid, b.s[bid_rows], b.price[bid_rows])
    np.minimum.at(best_ask, b.s[ask_rows], b.price[ask_rows])
    best_bid[np.isinf(best_bid)] = np.nan
    best_ask[np.isinf(best_ask)] = np.nan
    best_bid = np.where(np.isnan(best_bid), np.where(np.isnan(b.oracle), best_ask, b.oracle), best_bid)
    best_ask = np.where(np.isnan(best_ask), np.where(np.isnan(b.oracle), best_bid, b.oracle), best_ask)
    crossed = best_bid > best_ask
    ref = np.where(np.isnan(b.oracle), (best_bid + best_ask) / 2, b.oracle)
    new_bid = np.where(crossed & (best_bid > ref), best_ask, best_bid)
    new_ask = np.where(crossed & ~(best_bid > ref), best_bid, best_ask)
    return new_bid, new_ask, (new_bid + new_ask) / 2


def _distance_bps(b: _Book, best_bid: FloatArray, best_ask: FloatArray) -> FloatArray:
    bb, ba = best_bid[b.s], best_ask[b.s]
    dist = np.where(b.ask, (b.price - ba) / ba, (bb - b.price) / bb) * 1e4
    return np.maximum(dist, 0.0)


def _level_ranks(b: _Book, level_price: FloatArray, mark: FloatArray) -> np.ndarray:
    """0-based rank of each row's rounded price among its snapshot side's distinct rounded prices (0 = best)."""
    with np.errstate(invalid="ignore"):
        key = np.nan_to_num(np.rint(level_price / mark[b.s] * 1e10)).astype(np.int64)
    signed = np.where(b.ask, key, -key)  # ascending = best first on both sides
    order = np.lexsort((signed, b.ask, b.s))
    s_sorted, side_sorted, key_sorted = b.s[order], b.ask[order], signed[order]
    start = np.ones(len(order), dtype=bool)
    start[1:] = (s_sorted[1:] != s_sorted[:-1]) | (side_sorted[1:] != side_sorted[:-1])
    new = start.copy()
    new[1:] |= key_sorted[1:] != key_sorted[:-1]
    level_id = np.cumsum(new) - 1
    first = np.maximum.accumulate(np.where(start, level_id, 0))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = level_id - first
    return ranks


def _assign(b: _Book, scoring: ScoringRule, best_bid: FloatArray, best_ask: FloatArray,
            mark: FloatArray) -> tuple[np.ndarray, np.ndarray, FloatArray, FloatArray]:
    """(bracket 0..n-1 or -1, rank over all levels, distance in bps, level price) per row."""
    dist = _distance_bps(b, best_bid, best_ask)
    edges = np.asarray(scoring.edges_bps)
    idx = np.searchsorted(edges, dist - _EPS_BPS, side="left")
    if scoring.assignment == "distance":
        bracket = np.where(idx < len(edges), idx, -1)
        return bracket, bracket, dist, b.price
    beyond = np.nan if scoring.grid_beyond_bps is None else scoring.grid_beyond_bps
    step_bps = np.where(idx < len(edges), edges[np.minimum(idx, len(edges) - 1)], beyond)
    step = mark[b.s] * step_bps / 1e4
    with np.errstate(invalid="ignore"):
        units = b.price / step
        rounded = np.where(b.ask, np.ceil(units - _GRID_EPS), np.floor(units + _GRID_EPS)) * step
    level_price = np.where(np.isnan(step_bps), b.price, rounded)
    ranks = _level_ranks(b, level_price, mark)
    bracket = np.where(ranks < scoring.n_brackets, ranks, -1)
    return bracket, ranks, dist, level_price


@dataclass(frozen=True)
class BookScores:
    """Every snapshot of a book scored under one rule. Arrays are indexed ``[snapshot, maker, side, bracket]``
    with side 0 = bid, 1 = ask, bracket 0 = the nearest; DataFrame views come from the methods.

    - ``maker_size`` (S, M, 2, n): each maker's size per bracket; ``liquidity`` (S, 2, n): all makers' size;
    - ``q`` (S, n): the normaliser; ``level_score`` (S, 2, n): each level's score (the sum of its makers' parts
      under a pro-rata split); ``maker_score`` (S, M, 2, n): each maker's part;
    - ``best_bid``, ``best_ask``, ``mark`` (S,); ``times`` (a DatetimeIndex or None) and ``valid`` (S,).
    """

    rule: ScoringRule
    snapshots: pd.Index
    makers: pd.Index
    maker_size: FloatArray
    liquidity: FloatArray
    q: FloatArray
    level_score: FloatArray
    maker_score: FloatArray
    best_bid: FloatArray
    best_ask: FloatArray
    mark: FloatArray
    times: pd.DatetimeIndex | None
    valid: np.ndarray
    _book: _Book = field(repr=False)
    _bracket: np.ndarray = field(repr=False)
    _distance: FloatArray = field(repr=False)
    _level_price: FloatArray = field(repr=False)
    _order_score: FloatArray = field(repr=False)

    def snapshot_scores(self) -> pd.DataFrame:
        """Each maker's score in each snapshot (rows: snapshots, columns: makers; 0 where it had no scored order)."""
        return pd.DataFrame(self.maker_score.sum(axis=(2, 3)), index=self.snapshots, columns=self.makers)

    def totals(self) -> pd.Series:
        """Each maker's mean snapshot score (for a one-snapshot book: its score), highest first."""
        return self.snapshot_scores().mean().sort_values(ascending=False).rename("score")

    def levels(self) -> pd.DataFrame:
        """One row per snapshot, side and bracket: ``liquidity`` (base), ``q`` and the level's ``score``."""
        n_s, _, n = self.liquidity.shape
        idx = pd.MultiIndex.from_product([self.snapshots, list(SIDES), range(1, n + 1)],
                                         names=["snapshot", "side", "bracket"])
        q = np.broadcast_to(self.q[:, None, :], self.liquidity.shape)
        return pd.DataFrame({"liquidity": self.liquidity.reshape(-1), "q": q.reshape(-1),
                             "score": self.level_score.reshape(-1)}, index=idx).reset_index()

    def by_bracket(self) -> pd.DataFrame:
        """One row per snapshot, maker, side and bracket where the maker has size or score."""
        idx = pd.MultiIndex.from_product([self.snapshots, self.makers, list(SIDES),
                                          range(1, self.rule.n_brackets + 1)],
                                         names=["snapshot", "maker", "side", "bracket"])
        frame = pd.DataFrame({"size": self.maker_size.reshape(-1), "score": self.maker_score.reshape(-1)},
                             index=idx).reset_index()
        return frame[(frame["size"] > 0) | (frame["score"] > 0)].reset_index(drop=True)

    def orders(self) -> pd.DataFrame:
        """The book's rows with ``best`` (own side), ``mark``, ``distance_bps``, ``level_price`` (the rounded price
        in levels mode), ``bracket`` (1..n, 0 = not scored) and the order's ``score``."""
        b = self._book
        out = b.frame.copy()
        out["best"] = np.where(b.ask, self.best_ask[b.s], self.best_bid[b.s])
        out["mark"] = self.mark[b.s]
        out["distance_bps"] = self._distance
        out["level_price"] = self._level_price
        out["bracket"] = self._bracket + 1
        out["score"] = self._order_score
        return out


def score_book(book: pd.DataFrame, scoring: str | ScoringRule = "august-2023") -> BookScores:
    """Score every snapshot of ``book`` under ``scoring`` (a preset name or a :class:`ScoringRule`).

    Vectorised over snapshots, makers and orders (see :class:`ScoringRule` for the formula); agrees with
    :func:`reference_snapshot_score` snapshot by snapshot (``tests/test_maker.py``).
    """
    r = _rule("scoring", scoring)
    b = _prepare(book, r)
    best_bid, best_ask, mark = _best_prices(b)
    bracket, ranks, dist, level_price = _assign(b, r, best_bid, best_ask, mark)
    n_s, n_m, n = len(b.snapshots), len(b.makers), r.n_brackets
    side = b.ask.astype(np.int64)
    scored = (bracket >= 0) & (b.size > 0)
    flat = ((b.s * n_m + b.m) * 2 + side) * n + bracket
    own: FloatArray = np.bincount(flat[scored], weights=b.size[scored], minlength=n_s * n_m * 2 * n).astype(float)
    own = own.reshape(n_s, n_m, 2, n)
    L = own.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        floor = np.where(np.isfinite(mark), r.min_depth_usd / mark, 0.0)

    def combine(totals: FloatArray) -> FloatArray:  # (..., 2, k) -> (..., k)
        return totals.mean(axis=-2) if r.q_combine == "mean" else totals.max(axis=-2)

    if r.q_scope == "bracket":
        q = np.maximum(combine(L), floor[:, None])
    elif r.q_scope == "snapshot":
        q = np.broadcast_to(np.maximum(combine(L).max(axis=1), floor)[:, None], (n_s, n)).copy()
    else:  # "book": every level, scored or not
        n_levels = int(ranks.max()) + 1
        live = b.size > 0
        every = np.bincount(((b.s * 2 + side) * n_levels + ranks)[live], weights=b.size[live],
                            minlength=n_s * 2 * n_levels).reshape(n_s, 2, n_levels).astype(float)
        q = np.broadcast_to(np.maximum(combine(every).max(axis=1), floor)[:, None], (n_s, n)).copy()

    w = np.asarray(r.weights)
    factor = r.scale * (0.5 if r.sides == "mean" else 1.0)
    weight = factor * w[None, :]  # (1, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        both = L.min(axis=1)  # (S, n): min(L_bid, L_ask)
        if r.two_sided == "none":
            level_score = weight[:, None, :] * np.where(q[:, None, :] > 0, L / q[:, None, :], 0.0)
        else:
            level_score = np.broadcast_to((weight * np.where(q > 0, both / q, 0.0))[:, None, :], L.shape).copy()
        share = np.where(L[:, None] > 0, own / L[:, None], 0.0)
        if r.two_sided == "maker":
            own_both = np.where(q[:, None, :] > 0, own.min(axis=2) / q[:, None, :], 0.0)  # (S, M, n)
            maker_score = np.broadcast_to((weight[:, None, :] * own_both)[:, :, None, :], own.shape).copy()
            maker_side = own[b.s, b.m, side, np.maximum(bracket, 0)]
            order_score = np.where(scored & (maker_side > 0),
                                   maker_score[b.s, b.m, side, np.maximum(bracket, 0)] * b.size / maker_side, 0.0)
        elif r.split == "pro_rata":
            maker_score = level_score[:, None] * share
            level_l = L[b.s, side, np.maximum(bracket, 0)]
            order_score = np.where(scored & (level_l > 0),
                                   level_score[b.s, side, np.maximum(bracket, 0)] * b.size / level_l, 0.0)
        else:  # per_order: every order at the level gets the level's score
            count = np.bincount(flat[scored], minlength=n_s * n_m * 2 * n).reshape(own.shape)
            maker_score = level_score[:, None] * count
            order_score = np.where(scored, level_score[b.s, side, np.maximum(bracket, 0)], 0.0)
    return BookScores(rule=r, snapshots=b.snapshots, makers=b.makers, maker_size=own, liquidity=L, q=q,
                      level_score=level_score, maker_score=maker_score, best_bid=best_bid, best_ask=best_ask,
                      mark=mark, times=b.times, valid=b.valid, _book=b, _bracket=np.where(scored, bracket, -1),
                      _distance=dist, _level_price=level_price, _order_score=order_score)


def snapshot_scores(book: pd.DataFrame, scoring: str | ScoringRule = "august-2023") -> pd.DataFrame:
    """Each maker's score in each snapshot: ``score_book(book, scoring).snapshot_scores()``."""
    return score_book(book, scoring).snapshot_scores()


def assign_brackets(book: pd.DataFrame, scoring: str | ScoringRule = "august-2023") -> pd.DataFrame:
    """The book's orders with their bracket (1..n, 0 = not scored), distance from best, level price and score."""
    return score_book(book, scoring).orders()


def compare_rules(book: pd.DataFrame, rules: Iterable[str | ScoringRule] | None = None) -> pd.DataFrame:
    """Each maker's mean score under each rule (columns: rule names; default every preset)."""
    chosen = [_rule("rules", r) for r in (_names("rules", rules) if rules is not None else PRESETS)]
    return pd.concat({r.name: score_book(book, r).totals() for r in chosen}, axis=1).fillna(0.0)


# --------------------------------------------------------------------------- the plain reference


def reference_snapshot_score(orders: Iterable[tuple[str, str, float, float]], scoring: str | ScoringRule,
                             oracle: float | None = None) -> dict[str, float]:
    """One snapshot's maker scores, computed with plain Python loops straight from the definitions.

    ``orders``: ``(maker, side, price, size)`` tuples. The same scoring as :func:`score_book` (which the tests
    check against this), written for reading, not speed; the benchmark's baseline.
    """
    r = _rule("scoring", scoring)
    oracle = None if oracle is None else _scalar("oracle", oracle, v.positive)
    rows = [(m, s, float(p), float(z)) for m, s, p, z in orders if r.include_amm or m != AMM_MAKER]
    makers = sorted({m for m, *_ in rows})
    live = [row for row in rows if row[3] > 0]
    bids = [p for _, s, p, _ in live if s == "bid"]
    asks = [p for _, s, p, _ in live if s == "ask"]
    best_bid = max(bids) if bids else None
    best_ask = min(asks) if asks else None
    if best_bid is None:
        best_bid = oracle if oracle is not None else best_ask
    if best_ask is None:
        best_ask = oracle if oracle is not None else best_bid
    if best_bid is None or best_ask is None:
        return dict.fromkeys(makers, 0.0)
    if best_bid > best_ask:
        ref = oracle if oracle is not None else (best_bid + best_ask) / 2
        if best_bid > ref:
            best_bid = best_ask
        else:
            best_ask = best_bid
    mark = (best_bid + best_ask) / 2
    n = r.n_brackets

    def distance(side: str, price: float) -> float:
        d = (price - best_ask) / best_ask if side == "ask" else (best_bid - price) / best_bid
        return max(d * 1e4, 0.0)

    def first_edge(d: float) -> int | None:
        for i, edge in enumerate(r.edges_bps):
            if d - _EPS_BPS <= edge:
                return i
        return None

    bracket_of: list[int | None] = []
    all_levels: dict[str, list[tuple[float, float]]] = {"bid": [], "ask": []}
    if r.assignment == "distance":
        for _, side, price, _ in rows:
            bracket_of.append(first_edge(distance(side, price)))
    else:
        keyed = []
        for _, side, price, _ in rows:
            i = first_edge(distance(side, price))
            step_bps = r.edges_bps[i] if i is not None else r.grid_beyond_bps
            if step_bps is None:
                level = price
            else:
                step = mark * step_bps / 1e4
                level = (math.ceil(price / step - _GRID_EPS) if side == "ask"
                         else math.floor(price / step + _GRID_EPS)) * step
            keyed.append(round(level / mark * 1e10))
        for side in SIDES:
            keys = sorted({k for k, (_, s, _, z) in zip(keyed, rows, strict=True) if s == side},
                          reverse=(side == "bid"))
            rank = {k: i for i, k in enumerate(keys)}
            totals = [0.0] * len(keys)
            for k, (_, s, _, z) in zip(keyed, rows, strict=True):
                if s == side and z > 0:
                    totals[rank[k]] += z
            all_levels[side] = [(k, t) for k, t in zip(keys, totals, strict=True)]
        for k, (_, side, _, _) in zip(keyed, rows, strict=True):
            i = [key for key, _ in all_levels[side]].index(k)
            bracket_of.append(i if i < n else None)

    size = {(m, s, i): 0.0 for m in makers for s in SIDES for i in range(n)}
    count = {(m, s, i): 0 for m in makers for s in SIDES for i in range(n)}
    for (m, s, _, z), i in zip(rows, bracket_of, strict=True):
        if i is not None and z > 0:
            size[m, s, i] += z
            count[m, s, i] += 1
    total = {(s, i): sum(size[m, s, i] for m in makers) for s in SIDES for i in range(n)}

    def combine(bid: float, ask: float) -> float:
        return (bid + ask) / 2 if r.q_combine == "mean" else max(bid, ask)

    floor = r.min_depth_usd / mark
    q = [max(combine(total["bid", i], total["ask", i]), floor) for i in range(n)]
    if r.q_scope == "snapshot":
        q = [max(q)] * n
    elif r.q_scope == "book":
        depth = max(len(all_levels["bid"]), len(all_levels["ask"]))
        padded = {s: [t for _, t in all_levels[s]] + [0.0] * (depth - len(all_levels[s])) for s in SIDES}
        q = [max([floor] + [combine(padded["bid"][j], padded["ask"][j]) for j in range(depth)])] * n
    factor = r.scale * (0.5 if r.sides == "mean" else 1.0)
    scores = dict.fromkeys(makers, 0.0)
    for i in range(n):
        if q[i] <= 0:
            continue
        for s in SIDES:
            if r.two_sided == "maker":
                for m in makers:
                    scores[m] += factor * r.weights[i] * min(size[m, "bid", i], size[m, "ask", i]) / q[i]
                continue
            level_size = total[s, i] if r.two_sided == "none" else min(total["bid", i], total["ask", i])
            level_score = factor * r.weights[i] * level_size / q[i]
            for m in makers:
                if r.split == "per_order":
                    scores[m] += level_score * count[m, s, i]
                elif total[s, i] > 0:
                    scores[m] += level_score * size[m, s, i] / total[s, i]
    return scores


# --------------------------------------------------------------------------- aggregation and up-time


def _times(scored: BookScores) -> pd.DatetimeIndex:
    scored = _scored(scored)
    if scored.times is None:
        raise ValueError("time: the book needs a 'time' column (one timestamp per snapshot) to aggregate by day")
    return scored.times


def daily_scores(scored: BookScores) -> pd.DataFrame:
    """Each maker's daily score: the mean of its scores over that (UTC) day's snapshots (seed: "Average Score")."""
    days = _times(scored).floor("D")
    frame = scored.snapshot_scores()
    frame.index = days
    return frame.groupby(level=0).mean().rename_axis("day")


def period_scores(scored: BookScores, period: str = "W-SUN") -> pd.DataFrame:
    """Each maker's program-period score: the mean of its daily scores in the period (rows: periods).

    ``period`` is a pandas period alias: ``"W-SUN"`` (default) is the seed's week, Monday 00:00 to Sunday 23:59
    UTC; ``"M"`` gives the "average monthly score". A mean of daily means, not of snapshots: a day with fewer
    snapshots weighs the same as any other.
    """
    period = _period(period)
    daily = daily_scores(scored)
    periods = daily.index.tz_localize(None).to_period(period) if daily.index.tz is not None else \
        daily.index.to_period(period)
    return daily.groupby(periods).mean().rename_axis("period")


def uptime(scored: BookScores, band: float = 0.002, period: str | None = None) -> pd.Series | pd.DataFrame:
    """Share of valid snapshots in which a maker had a bid within ``band`` of the best bid **and** an ask within
    ``band`` of the best ask (seed: 20 bps; snapshots with ``valid`` False, taken while the chain was unreliable,
    are left out). A Series per maker, or a DataFrame (rows: periods) when ``period`` is given."""
    bnd = _scalar("band", band, v.in_range, 0.0, 1.0)
    scored = _scored(scored)
    period = None if period is None else _period(period)
    b = scored._book
    n_s, n_m = len(scored.snapshots), len(scored.makers)
    live = b.size > 0
    own_bid = np.full((n_s, n_m), -np.inf)
    own_ask = np.full((n_s, n_m), np.inf)
    rows_b, rows_a = live & ~b.ask, live & b.ask
    np.maximum.at(own_bid, (b.s[rows_b], b.m[rows_b]), b.price[rows_b])
    np.minimum.at(own_ask, (b.s[rows_a], b.m[rows_a]), b.price[rows_a])
    tol = 1e-12
    up = ((own_bid >= (scored.best_bid * (1 - bnd) * (1 - tol))[:, None])
          & (own_ask <= (scored.best_ask * (1 + bnd) * (1 + tol))[:, None]))
    frame = pd.DataFrame(up.astype(float), index=scored.snapshots, columns=scored.makers)[scored.valid]
    if frame.empty:
        raise ValueError("valid: no valid snapshot to measure up-time on")
    if period is None:
        return frame.mean().rename("uptime")
    times = _times(scored)[scored.valid]
    frame.index = (times.tz_localize(None) if times.tz is not None else times).to_period(period)
    return frame.groupby(level=0).mean().rename_axis("period")


# --------------------------------------------------------------------------- tiers and payouts


@dataclass(frozen=True)
class Tier:
    """One reward tier: paid to the maker ranked ``score_rank`` by score, if it also meets the volume and up-time
    conditions; otherwise forfeited (never passed to the next maker).

    ``volume_rank``: the maker must be among the top ``volume_rank`` by maker volume (1 = "top maker volume");
    ``min_volume``: or at least this much (USD) over the period; ``min_uptime``: up-time must exceed it
    (``strict``) or reach it; ``min_score``: an optional score floor (the program's first blog version).
    """

    name: str
    score_rank: int
    award: float
    min_uptime: float
    volume_rank: int | None = None
    min_volume: float | None = None
    min_score: float | None = None
    strict: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.score_rank, (int, np.integer)) or self.score_rank < 1:
            raise ValueError(f"score_rank must be an integer >= 1, got {self.score_rank!r}")
        if self.volume_rank is not None and (not isinstance(self.volume_rank, (int, np.integer))
                                             or self.volume_rank < 1):
            raise ValueError(f"volume_rank must be None or an integer >= 1, got {self.volume_rank!r}")
        object.__setattr__(self, "award", float(v.non_negative("award", self.award)))
        object.__setattr__(self, "min_uptime", float(v.in_range("min_uptime", self.min_uptime, 0.0, 1.0)))
        if self.min_volume is not None:
            object.__setattr__(self, "min_volume", float(v.non_negative("min_volume", self.min_volume)))
        if self.min_score is not None:
            object.__setattr__(self, "min_score", float(v.non_negative("min_score", self.min_score)))


@dataclass(frozen=True)
class Program:
    """A market's tiers, the up-time band and the program period (a pandas period alias)."""

    name: str
    market: str
    tiers: tuple[Tier, ...]
    uptime_band: float = 0.002
    period: str = "W-SUN"
    source: str = ""

    def __post_init__(self) -> None:
        tiers = tuple(self.tiers)
        if not tiers or not all(isinstance(t, Tier) for t in tiers):
            raise ValueError("tiers must be a non-empty sequence of Tier")
        ranks = [t.score_rank for t in tiers]
        if len(set(ranks)) != len(ranks):
            raise ValueError(f"tiers must have distinct score_rank values, got {ranks}")
        object.__setattr__(self, "tiers", tiers)
        object.__setattr__(self, "uptime_band", float(v.in_range("uptime_band", self.uptime_band, 0.0, 1.0)))
        try:
            pd.Period("2023-03-06", freq=self.period)
        except (ValueError, TypeError):
            raise ValueError(f"period must be a pandas period alias such as 'W-SUN' or 'M', "
                             f"got {self.period!r}") from None


_SEED = "seed 003 (docs.drift.trade/maker-incentive-program, 15 Mar 2023), Rewards and Qualification Requirements"

PROGRAMS: dict[str, Program] = {
    "march-2023-sol-perp": Program(
        name="march-2023-sol-perp", market="SOL-PERP", source=_SEED, tiers=(
            Tier("Tier 1", 1, 2_000, 0.90, volume_rank=1),
            Tier("Tier 2", 2, 600, 0.85, min_volume=3_000_000),
            Tier("Tier 3", 3, 200, 0.80, min_volume=2_000_000),
            Tier("Tier 4", 4, 100, 0.80, min_volume=1_000_000),
        )),
    "march-2023-bonk-perp": Program(
        name="march-2023-bonk-perp", market="BONK-PERP", source=_SEED, tiers=(
            Tier("Tier 1", 1, 2_000, 0.90, volume_rank=1),
            Tier("Tier 2", 2, 600, 0.85, volume_rank=2),
        )),
}
"""The seed's two markets: SOL-PERP four tiers, BONK-PERP two; weekly program periods."""


def _series(name: str, values: pd.Series | Mapping[str, float]) -> pd.Series:
    if not isinstance(values, (pd.Series, Mapping)):
        raise TypeError(f"{name} must be a Series or a dict of maker -> number, got {type(values).__name__}")
    series = values if isinstance(values, pd.Series) else pd.Series(dict(values), dtype=float)
    if len(series):
        v.non_negative(name, series.to_numpy(float))
    return series.astype(float)


def qualify(scores: pd.Series | Mapping[str, float], volume: pd.Series | Mapping[str, float],
            uptime: pd.Series | Mapping[str, float], program: str | Program,
            disqualified: Iterable[str] = ()) -> pd.DataFrame:
    """One program period's tier outcome per maker (rows: makers, best score first).

    Makers are ranked by score (ties: higher volume, then name); the maker ranked ``k`` may win the tier with
    ``score_rank == k`` and nobody else may. It is paid if its volume and up-time pass the tier's conditions and
    it is not ``disqualified`` (e.g. wash trading, at Drift's discretion); otherwise the award is forfeited and
    **not passed down**. Volume ranks are among every maker in ``volume``. The AMM pseudo-maker is never ranked.
    Columns: score, score_rank, volume, volume_rank, uptime, tier, award, volume_ok, uptime_ok, score_ok,
    payout, forfeited, reason.
    """
    prog = PROGRAMS[program] if isinstance(program, str) and program in PROGRAMS else program
    if not isinstance(prog, Program):
        raise ValueError(f"program must be a Program or one of {', '.join(map(repr, PROGRAMS))}, got {program!r}")
    sc = _series("scores", scores).drop(AMM_MAKER, errors="ignore")
    vol = _series("volume", volume).drop(AMM_MAKER, errors="ignore")
    up = _series("uptime", uptime)
    if len(up):
        v.in_range("uptime", up.to_numpy(float), 0.0, 1.0)
    banned = set(_names("disqualified", disqualified))
    makers = sc.index
    table = pd.DataFrame({"score": sc, "volume": vol.reindex(makers).fillna(0.0),
                          "uptime": up.reindex(makers).fillna(0.0)}, index=makers)
    table.index.name = "maker"
    table = table.assign(_name=table.index.astype(str)).sort_values(
        ["score", "volume", "_name"], ascending=[False, False, True]).drop(columns="_name")
    table["score_rank"] = np.arange(1, len(table) + 1)
    volume_rank = vol.rank(ascending=False, method="min")
    table["volume_rank"] = volume_rank.reindex(table.index).fillna(len(vol) + 1).astype(int)
    by_rank = {t.score_rank: t for t in prog.tiers}
    tier_of = [by_rank.get(int(k)) for k in table["score_rank"]]
    table["tier"] = [t.name if t else "" for t in tier_of]
    table["award"] = [t.award if t else 0.0 for t in tier_of]

    def check(t: Tier | None, row: pd.Series) -> tuple[bool, bool, bool, str]:
        if t is None:
            return False, False, False, "no tier at this rank"
        vol_ok = True
        if t.volume_rank is not None:
            vol_ok = bool(row["volume_rank"] <= t.volume_rank)
        if t.min_volume is not None:
            vol_ok = vol_ok and bool(row["volume"] >= t.min_volume)
        up_ok = bool(row["uptime"] > t.min_uptime) if t.strict else bool(row["uptime"] >= t.min_uptime)
        score_ok = t.min_score is None or bool(row["score"] >= t.min_score)
        reasons = [text for ok, text in (
            (vol_ok, "volume"), (up_ok, "up-time"), (score_ok, "score"),
            (row.name not in banned, "disqualified")) if not ok]
        return vol_ok, up_ok, score_ok, ("forfeited: " + ", ".join(reasons)) if reasons else "paid"

    checks = [check(t, row) for t, (_, row) in zip(tier_of, table.iterrows(), strict=True)]
    table["volume_ok"] = [c[0] for c in checks]
    table["uptime_ok"] = [c[1] for c in checks]
    table["score_ok"] = [c[2] for c in checks]
    table["reason"] = [c[3] for c in checks]
    paid = table["reason"] == "paid"
    table["payout"] = np.where(paid, table["award"], 0.0)
    table["forfeited"] = (table["award"] > 0) & ~paid
    return table[["score", "score_rank", "volume", "volume_rank", "uptime", "tier", "award", "volume_ok",
                  "uptime_ok", "score_ok", "payout", "forfeited", "reason"]]


def run_program(scored: BookScores, program: str | Program, volume: pd.DataFrame,
                participants: Iterable[str] | None = None, disqualified: Iterable[str] = ()) -> pd.DataFrame:
    """Every program period of a scored book: period scores, up-time and volume → tiers and payouts.

    ``volume``: maker volume in USD, rows = the program's periods (``pd.Period`` of ``program.period``), columns =
    makers. ``participants``: the makers enrolled (default every maker in the book but the AMM); the others still
    count as liquidity and volume. Returns :func:`qualify`'s table for each period, stacked, with a ``period``
    column.
    """
    prog = PROGRAMS[program] if isinstance(program, str) and program in PROGRAMS else program
    if not isinstance(prog, Program):
        raise ValueError(f"program must be a Program or one of {', '.join(map(repr, PROGRAMS))}, got {program!r}")
    scored = _scored(scored)
    if not isinstance(volume, pd.DataFrame):
        raise TypeError(f"volume must be a DataFrame (rows: program periods, columns: makers), got "
                        f"{type(volume).__name__}")
    participants = None if participants is None else _names("participants", participants)
    _names("disqualified", disqualified)
    scores = period_scores(scored, prog.period)
    ups = uptime(scored, prog.uptime_band, period=prog.period)
    assert isinstance(ups, pd.DataFrame)
    enrolled = [m for m in (participants if participants is not None else scores.columns) if m != AMM_MAKER]
    unknown = [m for m in enrolled if m not in scores.columns]
    if unknown:
        raise ValueError(f"participants must be makers in the book, got unknown {unknown}")
    missing = [p for p in scores.index if p not in volume.index]
    if missing:
        raise ValueError(f"volume must have a row for every program period; missing {[str(p) for p in missing]}")
    tables = []
    for period in scores.index:
        table = qualify(scores.loc[period, enrolled], volume.loc[period].fillna(0.0),
                        ups.loc[period].reindex(enrolled).fillna(0.0) if period in ups.index
                        else pd.Series(0.0, index=enrolled), prog, disqualified)
        table = table.reset_index()
        table.insert(0, "period", period)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def pro_rata_rewards(scores: pd.Series | Mapping[str, float], pool: float) -> pd.Series:
    """The August 2023 split: ``reward = score / Σ scores · pool`` (also the volume reward, with volumes)."""
    sc = _series("scores", scores).drop(AMM_MAKER, errors="ignore")
    total = float(sc.sum())
    pot = _scalar("pool", pool, v.non_negative)
    return (sc / total * pot if total > 0 else sc * 0.0).rename("reward")


def volume_rewards(volume: pd.DataFrame, pool: float, minimums: Mapping[str, float] | None = None,
                   min_volume: float = 10_000.0) -> tuple[pd.Series, pd.DataFrame]:
    """The 2025 volume-only program (digest f.4): each market first gets its minimum, the rest of ``pool`` is split
    over markets pro rata on maker volume, and each market's allocation over its makers pro rata on their volume.

    ``volume``: maker volume in USD, rows = markets, columns = makers (markets excluded from the program, e.g.
    BTC/ETH/SOL-PERP, are simply left out). Makers under ``min_volume`` in total are not eligible (the program
    also asks them to hold 1 DRIFT, not modelled). Returns (allocation per market, reward per market and maker).
    """
    if not isinstance(volume, pd.DataFrame) or volume.empty:
        raise ValueError("volume must be a non-empty DataFrame (rows: markets, columns: makers)")
    v.non_negative("volume", volume.to_numpy(float))
    pot = _scalar("pool", pool, v.non_negative)
    floor = _scalar("min_volume", min_volume, v.non_negative)
    eligible = volume.loc[:, volume.sum(axis=0) >= floor]
    mins = pd.Series(dict(minimums or {}), dtype=float).reindex(volume.index).fillna(0.0)
    if len(mins):
        v.non_negative("minimums", mins.to_numpy())
    rest = pot - float(mins.sum())
    if rest < 0:
        raise ValueError(f"minimums must not exceed the pool ({pot:g}), got {float(mins.sum()):g}")
    market_volume = eligible.sum(axis=1)
    total = float(market_volume.sum())
    allocation = (mins + (rest * market_volume / total if total > 0 else 0.0)).rename("allocation")
    share = eligible.div(market_volume.where(market_volume > 0), axis=0).fillna(0.0)
    return allocation, share.mul(allocation, axis=0).reindex(columns=volume.columns, fill_value=0.0)


# --------------------------------------------------------------------------- one bracket, and the best ladder


def bracket_score(size: ArrayLike, others: ArrayLike, weight: ArrayLike = 1.0, floor: ArrayLike = 0.0,
                  scale: float = 100.0) -> FloatArray | float:
    """A maker's score from one side of one bracket when it and the others quote the same on both sides:
    ``scale · w · l / max(l + o, f)`` (``l`` its size, ``o`` the others', ``f`` the floor, all base units).

    This is every preset's per-side term for a symmetric book with a per-bracket ``Q`` (R-A, August 2023, and
    the scorers' level score when ``Q`` is the level's own). See :func:`driftlab.symbolic.maker.bracket_score`.
    """
    x = v.non_negative("size", size)
    o = v.non_negative("others", others)
    w = v.non_negative("weight", weight)
    f = v.non_negative("floor", floor)
    c = v.positive("scale", scale)
    x, o, w, f, c = v.broadcast(size=x, others=o, weight=w, floor=f, scale=c)
    q = np.maximum(x + o, f)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(q > 0, c * w * x / q, 0.0)
    return v.scalar_or_array(out)


def optimal_allocation(budget: ArrayLike, others: ArrayLike, weights: ArrayLike, floor: float = 0.0) -> FloatArray:
    """The split of ``budget`` (base units, per side) over brackets that maximises ``Σ w_i x_i / max(x_i + o_i, f)``:
    :func:`bracket_score` summed over brackets, each with the others' size ``o_i`` and the floor ``f``.

    Each term is concave, so at the optimum every bracket in use has the same marginal score ``λ`` ("water
    filling"). Above the floor the marginal score is ``w_i o_i / (x_i + o_i)²``, so ``x_i = √(w_i o_i / λ) − o_i``
    and a bracket is used only while ``w_i / o_i > λ``: with ``floor = 0`` the active brackets are those with the
    largest ``w_i / o_i`` and ``λ`` follows in closed form from ``Σ x_i = budget``
    (:func:`driftlab.symbolic.maker.optimal_size`). Below the floor a unit earns the constant ``w_i / f`` up to
    ``x_i = f − o_i``; with ``floor > 0`` ``λ`` is found by bisection and the budget left at a kink is shared among
    the brackets that jump there. Returns the allocation (same length as ``weights``).
    """
    x_budget = _scalar("budget", budget, v.non_negative)
    f = _scalar("floor", floor, v.non_negative)
    o = (v.non_negative if f > 0 else v.positive)("others", others).reshape(-1)
    w = v.positive("weights", weights).reshape(-1)
    o, w = v.broadcast(others=o, weights=w)
    if f == 0.0:
        order = np.argsort(-w / o, kind="stable")
        root = np.sqrt(w * o)[order]
        sqrt_lam = np.cumsum(root) / (x_budget + np.cumsum(o[order]))  # √λ if the top k brackets are used
        active = np.sqrt((w / o)[order]) > sqrt_lam  # the k-th bracket's value at zero beats that λ
        k = int(np.max(np.nonzero(active)[0])) + 1 if active.any() else 1
        x_sorted = np.where(np.arange(len(o)) < k, root / sqrt_lam[k - 1] - o[order], 0.0)
        x = np.empty_like(x_sorted)
        x[order] = np.maximum(x_sorted, 0.0)
        return x

    def sizes(lam: float) -> FloatArray:  # each bracket's size where its marginal score falls to lam
        total = np.sqrt(w * o / lam)  # x + o where the above-floor marginal w o/(x + o)² equals lam
        below = np.where(lam <= w / f, f - o, 0.0)  # else: fill to the floor if its slope w/f is worth lam
        return np.maximum(np.where(total >= f, total - o, below), 0.0)

    lo, hi = 1e-300, float(np.max(w / np.minimum(o + (o == 0) * f, f))) * 2  # sizes(hi) = 0
    for _ in range(200):  # bisection on log(lambda): sizes(lam) falls as lam rises
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if sizes(mid).sum() > x_budget else (lo, mid)
    small, large = sizes(hi), sizes(lo)
    left = x_budget - small.sum()
    jump = large - small
    return small + (left * jump / jump.sum() if jump.sum() > 0 and left > 0 else 0.0)


def ladder_search(others: pd.DataFrame, budget_usd: float, scoring: str | ScoringRule = "march-2023", *,
                  maker: str = "me", steps: int = 8, brackets: Sequence[int] | None = None) -> pd.DataFrame:
    """Search the ladders that spend ``budget_usd`` per side (in ``1/steps`` slices) across the rule's brackets.

    Every candidate split is placed in ``others`` (a one-snapshot book of the other makers) as one snapshot of a
    single book, so the engine scores all candidates at once. Orders go at the middle of each distance bracket
    (measured from the others' best, never improving it), or at each of the others' levels in levels mode, the
    same size on both sides. Returns one row per candidate: the USD in each bracket and the maker's score,
    best first.
    """
    r = _rule("scoring", scoring)
    base = make_book(others)
    if base["snapshot"].nunique() != 1:
        raise ValueError("others must be a one-snapshot book")
    steps = _integer("steps", steps, 1)
    budget = _scalar("budget_usd", budget_usd, v.positive)
    chosen = list(range(1, r.n_brackets + 1)) if brackets is None else list(brackets)
    if not chosen or any(not 1 <= i <= r.n_brackets for i in chosen):
        raise ValueError(f"brackets must be bracket numbers in 1..{r.n_brackets}, got {brackets!r}")
    placed = score_book(base, r)
    orders = placed.orders()
    prices = {}
    for side in SIDES:
        best = orders.loc[orders["side"] == side, "best"].iloc[0]
        sign = -1.0 if side == "bid" else 1.0
        for i in chosen:
            if r.assignment == "distance":
                lo = 0.0 if i == 1 else r.edges_bps[i - 2]
                prices[side, i] = best * (1 + sign * (lo + r.edges_bps[i - 1]) / 2 / 1e4)
            else:
                at = orders[(orders["side"] == side) & (orders["bracket"] == i)]
                if at.empty:
                    raise ValueError(f"brackets: the others' book has no level {i} on the {side} side")
                prices[side, i] = float(at["price"].iloc[0])
    n_chosen = len(chosen)
    # stars and bars: every split of `steps` slices over the brackets
    combos = list(itertools.combinations(range(steps + n_chosen - 1), n_chosen - 1))
    bars = np.array(combos, dtype=int).reshape(len(combos), n_chosen - 1)
    edges = np.column_stack([np.full(len(bars), -1), bars, np.full(len(bars), steps + n_chosen - 1)])
    splits = np.diff(edges, axis=1) - 1
    usd = splits * budget / steps  # (K, brackets)
    mark = float(placed.mark[0])
    k_count = len(splits)
    per_candidate = np.array([[prices[side, i] for i in chosen] for side in SIDES]).reshape(-1)  # bids, asks
    snap = np.repeat(np.arange(k_count), 2 * n_chosen)
    sides = np.tile(np.repeat(list(SIDES), n_chosen), k_count)
    price = np.tile(per_candidate, k_count)
    size = usd[:, np.tile(np.arange(n_chosen), 2)].reshape(-1) / mark
    mine = pd.DataFrame({"snapshot": snap, "maker": maker, "side": sides, "price": price, "size": size})
    rest = base[list(BOOK_COLUMNS)]
    theirs = pd.DataFrame({col: np.tile(rest[col].to_numpy(), k_count) for col in BOOK_COLUMNS})
    theirs["snapshot"] = np.repeat(np.arange(k_count), len(rest))
    scores = score_book(pd.concat([theirs, mine], ignore_index=True), r).snapshot_scores()[maker]
    out = pd.DataFrame(usd, columns=[f"bracket {i} (USD)" for i in chosen])
    out["score"] = scores.to_numpy()
    return out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- synthetic books


@dataclass(frozen=True)
class MakerProfile:
    """How a synthetic maker quotes: ``levels`` orders of ``size_usd`` per side, the first ``distance_bps`` from
    the mid (plus noise of ``jitter_bps``), each further one ``step_bps`` out; present in a snapshot with
    probability ``presence``, and then quoting one side only with probability ``one_sided``."""

    name: str
    distance_bps: float = 2.0
    levels: int = 3
    step_bps: float = 3.0
    size_usd: float = 5_000.0
    presence: float = 1.0
    one_sided: float = 0.0
    jitter_bps: float = 0.5

    def __post_init__(self) -> None:
        v.non_negative("distance_bps", self.distance_bps)
        if not isinstance(self.levels, (int, np.integer)) or self.levels < 1:
            raise ValueError(f"levels must be an integer >= 1, got {self.levels!r}")
        v.non_negative("step_bps", self.step_bps)
        v.positive("size_usd", self.size_usd)
        v.in_range("presence", self.presence, 0.0, 1.0)
        v.in_range("one_sided", self.one_sided, 0.0, 1.0)
        v.non_negative("jitter_bps", self.jitter_bps)


def random_profiles(n: int, seed: int = 0, prefix: str = "mm") -> list[MakerProfile]:
    """``n`` varied makers (names ``mm00``, ``mm01``, ...) for benchmarks and examples."""
    n = _integer("n", n, 1)
    rng = np.random.default_rng(_integer("seed", seed, 0))
    width = len(str(n - 1))
    return [MakerProfile(name=f"{prefix}{i:0{width}d}", distance_bps=float(rng.uniform(0.5, 12)),
                         levels=int(rng.integers(1, 6)), step_bps=float(rng.uniform(1, 6)),
                         size_usd=float(rng.lognormal(np.log(5_000), 0.8)), presence=float(rng.uniform(0.7, 1.0)),
                         one_sided=float(rng.uniform(0, 0.1)), jitter_bps=float(rng.uniform(0.1, 2.0)))
            for i in range(n)]


def synthetic_book(profiles: Sequence[MakerProfile], days: int = 28, snapshots_per_day: int = 24,
                   start: str = "2023-03-06", price: float = 20.0, volatility_bps: float = 10.0,
                   chain_down: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """A month (by default four program weeks from Monday 6 March 2023) of random daily snapshots.

    Each day has ``snapshots_per_day`` snapshots at random times (the seed: "random snapshots will be taken each
    day"); the mid follows a random walk with ``volatility_bps`` per snapshot; each maker quotes per its
    :class:`MakerProfile`. A share ``chain_down`` of snapshots is flagged ``valid = False``. Built with numpy over
    (snapshot, maker, level, side) at once.
    """
    if not profiles:
        raise ValueError("profiles must not be empty")
    for name, value in (("days", days), ("snapshots_per_day", snapshots_per_day)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    p0 = _scalar("price", price, v.positive)
    vol = _scalar("volatility_bps", volatility_bps, v.non_negative)
    down = _scalar("chain_down", chain_down, v.in_range, 0.0, 1.0)
    rng = np.random.default_rng(_integer("seed", seed, 0))
    n_s, n_m = days * snapshots_per_day, len(profiles)
    k_max = max(p.levels for p in profiles)
    offsets = np.sort(rng.uniform(0, 86_400, (days, snapshots_per_day)), axis=1)
    t0 = pd.Timestamp(start, tz="UTC")
    times = t0 + pd.to_timedelta((np.arange(days)[:, None] * 86_400 + offsets).reshape(-1), unit="s")
    mid = p0 * np.exp(np.cumsum(rng.normal(0, vol / 1e4, n_s)))
    prof = {f.name: np.array([getattr(p, f.name) for p in profiles]) for f in dataclasses.fields(MakerProfile)}
    present = rng.random((n_s, n_m)) < prof["presence"]
    one = rng.random((n_s, n_m)) < prof["one_sided"]
    which = rng.integers(0, 2, (n_s, n_m))  # the side kept when one-sided
    dist = (prof["distance_bps"] + np.abs(rng.normal(0, 1, (n_s, n_m))) * prof["jitter_bps"])[:, :, None] \
        + prof["step_bps"][None, :, None] * np.arange(k_max)[None, None, :]  # (S, M, K)
    level_ok = np.arange(k_max)[None, None, :] < prof["levels"][None, :, None]
    side_ok = np.stack([~one | (which == 0), ~one | (which == 1)], axis=-1)  # (S, M, 2)
    keep = present[:, :, None, None] & level_ok[..., None] & side_ok[:, :, None, :]  # (S, M, K, 2)
    sign = np.array([-1.0, 1.0])
    prices = mid[:, None, None, None] * (1 + sign * dist[..., None] / 1e4)
    sizes = np.broadcast_to((prof["size_usd"][None, :, None, None] / mid[:, None, None, None]), keep.shape)
    s_idx, m_idx, _, side_idx = np.nonzero(keep)
    valid = rng.random(n_s) >= down
    return pd.DataFrame({
        "snapshot": s_idx, "maker": np.array([p.name for p in profiles])[m_idx],
        "side": np.array(SIDES)[side_idx], "price": prices[keep], "size": sizes[keep],
        "time": times[s_idx], "oracle": mid[s_idx], "valid": valid[s_idx]})
