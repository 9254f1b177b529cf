"""Fuzz examples for driftlab.maker (see tests/fuzz_examples/__init__.py).

Most of driftlab.maker takes a snapshot table (a DataFrame) or a scored book, which the fuzzer does not vary by
kind: bad numbers inside a table are make_book's to reject (price, size and oracle, naming the column), and
``bad`` lists wrong tables, rule names and scored books each function must reject. The scalar knobs
(budgets, bands, pools, seeds, counts) and the array ones (mid, price, reserves, sizes) are fuzzed here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tests.fuzz_examples import Example


def _maker_inputs() -> dict[str, Any]:
    """A one-snapshot book of two makers (with its oracle), a two-day synthetic book scored, and its program
    periods' volume."""
    from driftlab import maker as mk

    book = pd.concat([mk.ladder("m1", 100.0, 0.5, 2, 50.0), mk.ladder("m2", 100.0, 2.0, 3, 40.0, step_bps=3.0)],
                     ignore_index=True).assign(oracle=100.0)  # with an oracle: no NaN for "no oracle" in the scores
    profiles = mk.random_profiles(3, seed=1)
    timed = mk.synthetic_book(profiles, days=2, snapshots_per_day=4, seed=2)
    scored = mk.score_book(timed, "march-2023")
    periods = mk.period_scores(scored).index
    volume = pd.DataFrame(1_000_000.0, index=periods, columns=[p.name for p in profiles])
    return {"book": book, "profiles": profiles, "scored": scored, "program_volume": volume,
            "orders": list(book[["maker", "side", "price", "size"]].itertuples(index=False, name=None))}


_INPUTS = _maker_inputs()
BOOK, PROFILES, SCORED = _INPUTS["book"], _INPUTS["profiles"], _INPUTS["scored"]
SCORES = {"m1": 300.0, "m2": 120.0, "m3": 40.0}
VOLUME = {"m1": 4_000_000.0, "m2": 2_500_000.0, "m3": 500_000.0}
UPTIME = {"m1": 0.95, "m2": 0.9, "m3": 0.5}
MARKET_VOLUME = pd.DataFrame({"m1": [50_000.0, 20_000.0], "m2": [5_000.0, 30_000.0]}, index=["JTO-PERP", "W-PERP"])

# values the table-, rule- and scored-book parameters must reject, naming the parameter
BAD_BOOKS = (pd.DataFrame({"price": [1.0]}), 42, "book")
BAD_RULES = ("may-2099", None, 3)
BAD_SCORED = (42, pd.DataFrame())

EXAMPLES: dict[str, Example] = {
    # ---- numeric knobs, fuzzed
    "driftlab.maker.amm_quotes": Example(
        dict(price=np.array([100.0, 101.0]), base_reserve=np.array([1_000.0, 1_200.0]), long_spread=0.0005,
             short_spread=0.0005, levels=3, level_size=1.0),
        accepts={"long_spread": {"zero"}, "short_spread": {"zero"}},  # a zero spread quotes at the reserve price
        scalar={"long_spread", "short_spread", "levels", "level_size"}),
    "driftlab.maker.bracket_score": Example(
        dict(size=np.array([10.0, 50.0]), others=np.array([40.0, 0.0]), weight=2.0, floor=50.0, scale=100.0),
        # no order, nobody else at the level, a bracket weighted 0, no minimum-depth floor
        accepts={"size": {"zero"}, "others": {"zero"}, "weight": {"zero"}, "floor": {"zero"}}),
    "driftlab.maker.ladder": Example(
        dict(maker="me", mid=100.0, distance_bps=2.0, levels=3, size=5.0, step_bps=4.0, snapshot=7),
        # orders at the mid, all at one price, of zero size; the snapshot is an id: any finite number or a name
        accepts={"distance_bps": {"zero"}, "step_bps": {"zero"}, "size": {"zero"},
                 "snapshot": {"zero", "negative", "str"}},
        scalar={"distance_bps", "levels", "size", "step_bps", "snapshot"}),
    "driftlab.maker.ladder_search": Example(
        dict(others=BOOK, budget_usd=10_000.0, scoring="march-2023", steps=3, brackets=[1, 2, 3]),
        scalar={"budget_usd", "steps"}),
    "driftlab.maker.optimal_allocation": Example(
        dict(budget=100.0, others=np.array([20.0, 60.0, 10.0]), weights=np.array([2.0, 0.75, 0.5]), floor=50.0),
        # no budget, an empty bracket (with a floor > 0), no floor
        accepts={"budget": {"zero"}, "others": {"zero"}, "floor": {"zero"}},
        scalar={"budget", "floor"}),
    "driftlab.maker.pro_rata_rewards": Example(dict(scores=SCORES, pool=10_000.0), accepts={"pool": {"zero"}},
                                               scalar={"pool"}),
    "driftlab.maker.random_profiles": Example(dict(n=4, seed=3), scalar={"n", "seed"}),
    "driftlab.maker.reference_snapshot_score": Example(
        dict(orders=_INPUTS["orders"], scoring="august-2023", oracle=100.0),
        accepts={"oracle": {"None"}}),  # None: no oracle (an empty side takes the other side's best)
    "driftlab.maker.synthetic_book": Example(
        dict(profiles=PROFILES, days=2, snapshots_per_day=3, price=20.0, volatility_bps=10.0, chain_down=0.1,
             seed=4),
        accepts={"volatility_bps": {"zero"}, "chain_down": {"zero"}},  # a flat mid; the chain never down
        scalar={"days", "snapshots_per_day", "price", "volatility_bps", "chain_down", "seed"}),
    "driftlab.maker.uptime": Example(dict(scored=SCORED, band=0.002), accepts={"band": {"zero"}},  # at the best only
                                     scalar={"band"}),
    "driftlab.maker.volume_rewards": Example(
        dict(volume=MARKET_VOLUME, pool=100_000.0, min_volume=10_000.0),
        accepts={"pool": {"zero"}, "min_volume": {"zero"}}, scalar={"pool", "min_volume"}),
    # ---- tables, rules and scored books in, no numeric parameter: each gets values it must reject, by name
    "driftlab.maker.assign_brackets": Example(dict(book=BOOK, scoring="march-2023"),
                                              bad={"book": BAD_BOOKS, "scoring": BAD_RULES}),
    "driftlab.maker.compare_rules": Example(dict(book=BOOK), bad={"book": BAD_BOOKS, "rules": (["may-2099"], 42)}),
    "driftlab.maker.daily_scores": Example(dict(scored=SCORED), bad={"scored": BAD_SCORED}),
    "driftlab.maker.make_book": Example(dict(book=BOOK), bad={"book": BAD_BOOKS}),
    "driftlab.maker.march_2023_candidates": Example({}),
    "driftlab.maker.period_scores": Example(dict(scored=SCORED, period="W-SUN"),
                                            bad={"scored": BAD_SCORED, "period": ("fortnight", None)}),
    "driftlab.maker.qualify": Example(dict(scores=SCORES, volume=VOLUME, uptime=UPTIME,
                                           program="march-2023-sol-perp"),
                                      bad={"scores": (42, "s"), "volume": (42, "v"), "uptime": (42, "u"),
                                           "program": ("pluto", None), "disqualified": (42, "maker-a")}),
    "driftlab.maker.rule": Example(dict(name="march-2023"), bad={"name": BAD_RULES}),
    "driftlab.maker.run_program": Example(dict(scored=SCORED, program="march-2023-sol-perp",
                                               volume=_INPUTS["program_volume"]),
                                          bad={"scored": BAD_SCORED, "program": ("pluto", None), "volume": (42, "v"),
                                               "participants": (42, ["nobody"]), "disqualified": (42,)}),
    "driftlab.maker.score_book": Example(dict(book=BOOK, scoring="august-2023"),
                                         bad={"book": BAD_BOOKS, "scoring": BAD_RULES}),
    "driftlab.maker.snapshot_scores": Example(dict(book=BOOK, scoring="august-2023"),
                                              bad={"book": BAD_BOOKS, "scoring": BAD_RULES}),
}
