"""Maker incentive scoring (driftlab.maker): the documented examples with their presets, hand-computed books,
the seed's qualification rules (one test per rule), properties of the score, and agreement of the vectorised
engine with the plain per-snapshot reference.

Sources: ``../shared/reference/drift-docs-digest.md`` section (f) and rows 1-3 of section (H); the seed
``seeds/003`` (Maker Incentive Program, 15 March 2023).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import driftlab.maker as mk

MID = 100.0
DOLLARS_5000 = 5_000 / MID  # $5,000 of base at a $100 mark: the floor, 50 base


def book_of(rows: list[tuple[str, str, float, float]], snapshot: object = 0, **extra: object) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["maker", "side", "price", "size"]).assign(snapshot=snapshot)
    for key, value in extra.items():
        frame[key] = value
    return frame


def bps(price: float, side: str, distance: float) -> float:
    """A price ``distance`` bps beyond ``price`` on ``side`` (lower for bids)."""
    return price * (1 - distance / 1e4) if side == "bid" else price * (1 + distance / 1e4)


def doc_book() -> pd.DataFrame:
    """The August 2023 doc's example: m1 alone at the best bid and ask with $5,000 each; m2 with $5,000 in each
    further bracket (B..F: 3, 7, 15, 30, 75 bps out), both sides. Mark $100."""
    best_bid, best_ask = 99.99, 100.01
    rows = [("m1", "bid", best_bid, DOLLARS_5000), ("m1", "ask", best_ask, DOLLARS_5000)]
    for d in (3, 7, 15, 30, 75):
        rows += [("m2", "bid", bps(best_bid, "bid", d), DOLLARS_5000), ("m2", "ask", bps(best_ask, "ask", d),
                                                                           DOLLARS_5000)]
    return book_of(rows)


# --------------------------------------------------------------------------- documented examples


def test_august_2023_doc_example_formula_gives_800_and_730() -> None:
    """digest f.1(2): OrderScore = (bid + ask) * 100 with side = 4 lA/QA + 2 lB/QB + ...; Q = max(L_bid, L_ask,
    $5000/price). A sole maker with $5,000 at the best bid and ask: 4 * 1 per side, (4 + 4) * 100 = 800; the maker
    with $5,000 in each of B..F: (2 + .75 + .4 + .3 + .2) * 100 per side, 730 in all."""
    totals = mk.score_book(doc_book(), "august-2023").totals()
    assert totals["m1"] == pytest.approx(800.0)
    assert totals["m2"] == pytest.approx(730.0)


def test_august_2023_doc_example_numbers_400_and_365_are_per_side() -> None:
    """digest f.1(2) note and (H) row 1: the doc's own example says 400 and 365; the formula's (bid + ask) * 100
    gives 800 and 730. The example's numbers are the per-side values: averaging the sides reproduces them."""
    per_side = mk.rule("august-2023").replace(sides="mean")
    totals = mk.score_book(doc_book(), per_side).totals()
    assert totals["m1"] == pytest.approx(400.0)
    assert totals["m2"] == pytest.approx(365.0)
    levels = mk.score_book(doc_book(), "august-2023").levels().set_index(["side", "bracket"])["score"]
    assert levels["bid", 1] == pytest.approx(400.0) and levels["ask", 1] == pytest.approx(400.0)


def test_400_vs_800_across_the_scorers() -> None:
    """(H) row 1: the 2023 Python scorer gives each side 2 * 100 (weight 2), total 400; the mm-scoring TS of Dec
    2023 gives 800 (weight 4); the Jan 2024 TS weighs the top level 8: 1600."""
    book = doc_book()
    assert mk.score_book(book, "scorer-2023").totals()["m1"] == pytest.approx(400.0)
    assert mk.score_book(book, "mm-scoring-2023").totals()["m1"] == pytest.approx(800.0)
    assert mk.score_book(book, "scorer-2024").totals()["m1"] == pytest.approx(1600.0)
    # m2 owns levels 2..6 of the scorers' books: 100 * 2 sides * (sum of the other weights)
    assert mk.score_book(book, "scorer-2023").totals()["m2"] == pytest.approx(200 * (0.75 + 0.5 + 0.4 + 0.3 + 0.2))
    assert mk.score_book(book, "mm-scoring-2023").totals()["m2"] == pytest.approx(730.0)
    assert mk.score_book(book, "scorer-2024").totals()["m2"] == pytest.approx(200 * (4 + 0.75 + 0.4 + 0.3 + 0.1))


def test_march_2023_reconstruction_on_the_doc_book() -> None:
    """R-A (digest f.2): 100 * sum w_i min(A_i, B_i)/Q_i on the seed's brackets (0,1], (1,3], (3,5], (5,10],
    (10,15], (15,20] bps. m1: 100 * 2 = 200. m2's orders at 3, 7, 15 bps are in brackets 2, 4, 5 (.75, .4, .3);
    those at 30 and 75 bps are beyond 20 bps and not scored: 145. The seed's own example (76.62) cannot be
    checked: the book it was computed on was in the lost image."""
    scored = mk.score_book(doc_book(), "march-2023")
    assert scored.rule.reconstructed
    assert scored.totals().to_dict() == pytest.approx({"m1": 200.0, "m2": 145.0})
    brackets = scored.orders().query("maker == 'm2' and side == 'bid'")["bracket"].tolist()
    assert brackets == [2, 4, 5, 0, 0]


def test_preset_parameters_are_the_documented_ones() -> None:
    """(H) row 3 and digest f.1: brackets and weights of each version."""
    presets = mk.PRESETS
    assert presets["march-2023"].edges_bps == (1, 3, 5, 10, 15, 20)
    assert presets["march-2023"].weights == (2, 0.75, 0.5, 0.4, 0.3, 0.2)
    assert presets["august-2023"].edges_bps == (1, 5, 10, 20, 50, 100)
    assert presets["august-2023"].weights == (4, 2, 0.75, 0.4, 0.3, 0.2)
    assert (presets["scorer-2023"].edges_bps, presets["scorer-2023"].grid_beyond_bps) == ((1, 3), 5)
    assert presets["scorer-2024"].edges_bps == (2.5, 5, 10, 20, 30, 40)
    assert presets["scorer-2024"].weights == (8, 4, 0.75, 0.4, 0.3, 0.1)
    assert presets["scorer-2024"].include_amm and not presets["scorer-2023"].include_amm
    assert [name for name, r in presets.items() if r.reconstructed] == ["march-2023"]
    assert all(r.source for r in presets.values())
    assert all(r.min_depth_usd == 5_000 for r in presets.values())


def test_q_per_bracket_mean_max_and_one_per_snapshot() -> None:
    """(H) row 2: the Aug 2023 doc's Q = max(L_bid, L_ask, $5000/P) per bracket; the seed's average (bid+ask)/2;
    the scorers' one Q per snapshot. Bracket 1 holds 120 bid / 80 ask, bracket 2 (3 bps) 200 / 200, mark 100."""
    rows = [("a", "bid", 99.99, 120.0), ("a", "ask", 100.01, 80.0),
            ("b", "bid", bps(99.99, "bid", 3), 200.0), ("b", "ask", bps(100.01, "ask", 3), 200.0)]
    book = book_of(rows)
    aug = mk.score_book(book, "august-2023")
    assert aug.q[0, :2].tolist() == pytest.approx([120.0, 200.0])  # max(120, 80, 50); bracket B holds 3 bps
    march = mk.score_book(book, "march-2023")
    assert march.q[0, :2].tolist() == pytest.approx([100.0, 200.0])  # (120 + 80)/2; (200 + 200)/2
    snapshot_q = mk.score_book(book, mk.rule("march-2023").replace(q_scope="snapshot"))
    assert snapshot_q.q[0].tolist() == pytest.approx([200.0] * 6)
    # floors: an empty bracket's Q is $5000 / mark = 50 base
    assert march.q[0, 5] == pytest.approx(DOLLARS_5000)


def test_march_2023_by_hand_with_a_floor() -> None:
    """R-A by hand. Bracket 1: bids a 80 + b 40, asks a 60 + b 20: Q1 = max((120 + 80)/2, 50) = 100;
    a: 100 * 2 * min(80, 60)/100 = 120; b: 100 * 2 * min(40, 20)/100 = 40. a's lone bid at 2 bps scores nothing
    (no ask there). c: 10 each side at 7 bps (bracket 4), below the floor: 100 * .4 * 10/50 = 8."""
    rows = [("a", "bid", 99.99, 80.0), ("b", "bid", 99.99, 40.0), ("a", "ask", 100.01, 60.0),
            ("b", "ask", 100.01, 20.0), ("a", "bid", bps(99.99, "bid", 2), 10.0),
            ("c", "bid", bps(99.99, "bid", 7), 10.0), ("c", "ask", bps(100.01, "ask", 7), 10.0)]
    totals = mk.score_book(book_of(rows), "march-2023").totals()
    assert totals.to_dict() == pytest.approx({"a": 120.0, "b": 40.0, "c": 8.0})
    aug = mk.score_book(book_of(rows), "august-2023").totals()
    # August: A: Q = max(120, 80, 50); a = 4 (80 + 60)/120; B: a's 10 bid, Q = 50: 2 * 10/50; C: .75 * 20/50
    assert aug.to_dict() == pytest.approx({"a": 100 * (4 * 140 / 120 + 2 * 10 / 50), "b": 100 * 4 * 60 / 120,
                                           "c": 100 * 0.75 * 20 / 50})


def test_march_2023_candidates_on_one_book() -> None:
    """digest f.2's candidates R-A..R-D on the book above (R-D: the level's min(L_b, L_a) split pro rata, one Q)."""
    rows = [("a", "bid", 99.99, 80.0), ("b", "bid", 99.99, 40.0), ("a", "ask", 100.01, 60.0),
            ("b", "ask", 100.01, 20.0)]
    scores = {name: mk.score_book(book_of(rows), r).totals().to_dict()
              for name, r in mk.march_2023_candidates().items()}
    assert scores["R-A"] == pytest.approx({"a": 120.0, "b": 40.0})
    assert scores["R-B"] == pytest.approx({"a": 200 * 140 / 100, "b": 200 * 60 / 100})
    assert scores["R-C"] == pytest.approx({"a": 100 * 140 / 100, "b": 100 * 60 / 100})
    # R-D: level score 100 * 2 * min(120, 80)/100 = 160 per side; a: 160 (80/120 + 60/80)
    assert scores["R-D"] == pytest.approx({"a": 160 * (80 / 120 + 60 / 80), "b": 160 * (40 / 120 + 20 / 80)})
    assert scores["R-A, Aug weights"] == pytest.approx({"a": 240.0, "b": 80.0})


def test_scorer_rounding_grid_and_levels() -> None:
    """digest f.1(4): within 1 bp of the best the price is floored (bids) to a 1 bp grid, within 3 bps to 3 bp,
    else 5 bp (grid steps are fractions of the mark, $100: 0.01, 0.03, 0.05). The best bid 99.995 and a bid at
    99.99 share the level 99.99; 99.975 (2 bps) goes to 99.96; 99.95 (4.5 bps) stays 99.95."""
    rows = [("a", "bid", 99.995, 10.0), ("b", "bid", 99.99, 30.0), ("a", "bid", 99.975, 10.0),
            ("a", "bid", 99.95, 10.0), ("a", "ask", 100.005, 40.0), ("b", "ask", 100.02, 10.0)]
    orders = mk.score_book(book_of(rows), "scorer-2023").orders().set_index(["maker", "side", "price"])
    assert orders["level_price"].to_dict() == pytest.approx({
        ("a", "bid", 99.995): 99.99, ("b", "bid", 99.99): 99.99, ("a", "bid", 99.975): 99.96,
        ("a", "bid", 99.95): 99.95, ("a", "ask", 100.005): 100.01, ("b", "ask", 100.02): 100.02})
    assert orders["bracket"].tolist() == [1, 1, 2, 3, 1, 2]
    # q = max over levels of (bs + as)/2 = (40 + 40)/2 = 40 < floor 50 -> 50; level 1: 100 * 2 * 40/50 = 160
    # per side, split 10:30 on the bid, all a's on the ask. Level 2: min(10, 10) = 10 -> 100 * .75 * 10/50 = 15.
    totals = mk.score_book(book_of(rows), "scorer-2023").totals()
    assert totals["a"] == pytest.approx(160 * 10 / 40 + 160 + 15)
    assert totals["b"] == pytest.approx(160 * 30 / 40 + 15)


def test_scorer_q_spans_every_level_of_the_book() -> None:
    """The scorers' q is the largest level of the whole book (2023 Python, Jan 2024 TS), not only the six
    scored ones (first TS, Dec 2023): a huge seventh level lowers everyone's score in the first."""
    rows = [(f"m{i}", side, bps(99.99 if side == "bid" else 100.01, side, 5 * i), 50.0)
            for i in range(6) for side in ("bid", "ask")]
    rows += [("whale", "bid", bps(99.99, "bid", 40), 500.0), ("whale", "ask", bps(100.01, "ask", 40), 500.0)]
    whole = mk.score_book(book_of(rows), "scorer-2023")
    assert whole.q[0, 0] == pytest.approx(500.0)
    assert whole.totals().get("whale", 0.0) == 0.0  # level 7: no score, but it sets q
    top_six = mk.score_book(book_of(rows), mk.rule("scorer-2023").replace(q_scope="snapshot"))
    assert top_six.q[0, 0] == pytest.approx(50.0)


def test_crossed_book_and_empty_side_follow_the_scorers() -> None:
    """digest f.1(3) step 2: a crossed book moves the bad side onto the other (bid > oracle: bid = ask); an
    empty side takes the oracle."""
    rows = [("a", "bid", 100.02, 10.0), ("b", "ask", 100.00, 10.0)]
    no_oracle = mk.score_book(book_of(rows), "august-2023")
    assert (no_oracle.best_bid[0], no_oracle.best_ask[0]) == (100.00, 100.00)
    with_oracle = mk.score_book(book_of(rows, oracle=100.05), "august-2023")
    assert (with_oracle.best_bid[0], with_oracle.best_ask[0]) == (100.02, 100.02)
    one_side = mk.score_book(book_of([("a", "bid", 99.0, 1.0)], oracle=100.0), "august-2023")
    assert (one_side.best_ask[0], one_side.mark[0]) == (100.0, 99.5)


def test_amm_pseudo_maker_counts_only_where_the_rule_says() -> None:
    """Jan 2024 TS adds the AMM's bids and asks as user 'vamm'; the earlier scorers and the docs did not."""
    amm = mk.amm_quotes(100.0, 10_000.0, levels=3, level_size=40.0)
    book = pd.concat([doc_book(), amm], ignore_index=True)
    assert mk.AMM_MAKER in mk.score_book(book, "scorer-2024").makers
    assert mk.AMM_MAKER not in mk.score_book(book, "scorer-2023").makers
    # its quotes: half the 5 bp spread each side of $100, then along the curve (B/(B - k s))^2
    bids = amm[amm["side"] == "bid"]["price"].to_numpy()
    asks = amm[amm["side"] == "ask"]["price"].to_numpy()
    assert bids[0] == pytest.approx(100 * (1 - 0.0005)) and asks[0] == pytest.approx(100 * (1 + 0.0005))
    assert asks[1] == pytest.approx(100 * 1.0005 * (10_000 / 9_960) ** 2)
    assert np.all(np.diff(bids) < 0) and np.all(np.diff(asks) > 0)


def test_per_order_split_of_the_earliest_scorer() -> None:
    """digest f.1(4), earliest variant: every order at a level gets the level's whole score, not a share."""
    rows = [("a", "bid", 99.99, 50.0), ("b", "bid", 99.99, 50.0), ("a", "ask", 100.01, 100.0)]
    r = mk.rule("march-2023").replace(two_sided="level", split="per_order", sides="sum")
    scored = mk.score_book(book_of(rows), r)
    # Q1 = (100 + 100)/2 = 100; level score 100 * 2 * min(100, 100)/100 = 200 per side, per order
    assert scored.totals().to_dict() == pytest.approx({"a": 400.0, "b": 200.0})


# --------------------------------------------------------------------------- the seed's qualification rules

SOL = mk.PROGRAMS["march-2023-sol-perp"]
BONK = mk.PROGRAMS["march-2023-bonk-perp"]
SCORES = pd.Series({"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0, "E": 50.0})
VOLUME = pd.Series({"A": 10e6, "B": 3.5e6, "C": 2.5e6, "D": 1.5e6, "E": 0.5e6})
UPTIME = pd.Series(0.95, index=SCORES.index)


def payouts(scores: pd.Series = SCORES, volume: pd.Series = VOLUME, up: pd.Series = UPTIME,
            program: mk.Program = SOL, **kw: object) -> dict[str, float]:
    return mk.qualify(scores, volume, up, program, **kw)["payout"].to_dict()  # type: ignore[arg-type]


def test_rule_tiers_go_by_score_rank() -> None:
    """Seed, Rewards: Tier k's "Min Maker Score" is the k-th highest MM score; SOL-PERP pays 2,000, 600, 200, 100."""
    assert payouts() == {"A": 2_000.0, "B": 600.0, "C": 200.0, "D": 100.0, "E": 0.0}
    table = mk.qualify(SCORES, VOLUME, UPTIME, SOL)
    assert table["tier"].tolist() == ["Tier 1", "Tier 2", "Tier 3", "Tier 4", ""]


def test_rule_tier_1_needs_the_top_maker_volume() -> None:
    """Seed: "Tier 1: be the #1 contributor in maker volume across the Program Period"."""
    volume = VOLUME.copy()
    volume["B"] = 12e6
    paid = payouts(volume=volume)
    assert paid["A"] == 0.0 and paid["B"] == 600.0
    assert "volume" in mk.qualify(SCORES, volume, UPTIME, SOL).loc["A", "reason"]


@pytest.mark.parametrize("maker, minimum", [("B", 3e6), ("C", 2e6), ("D", 1e6)])
def test_rule_sol_tiers_2_to_4_need_3m_2m_1m(maker: str, minimum: float) -> None:
    """Seed: Tier 2: 3m, Tier 3: 2m, Tier 4: 1m in maker volume across the Program Period (at least)."""
    volume = VOLUME.copy()
    volume[maker] = minimum
    assert payouts(volume=volume)[maker] > 0
    volume[maker] = minimum - 1
    assert payouts(volume=volume)[maker] == 0.0


def test_rule_bonk_tier_2_needs_first_or_second_volume() -> None:
    """Seed, BONK-PERP: Tier 2 needs the "First or Second Highest Maker Volume"; only two tiers."""
    assert payouts(program=BONK) == {"A": 2_000.0, "B": 600.0, "C": 0.0, "D": 0.0, "E": 0.0}
    volume = VOLUME.copy()
    volume["C"] = 5e6  # B is now third by volume
    assert payouts(volume=volume, program=BONK)["B"] == 0.0
    volume["C"] = 3e6  # B second again (3.5m)
    assert payouts(volume=volume, program=BONK)["B"] == 600.0


@pytest.mark.parametrize("maker, threshold", [("A", 0.90), ("B", 0.85), ("C", 0.80), ("D", 0.80)])
def test_rule_uptime_must_exceed_the_tier_minimum(maker: str, threshold: float) -> None:
    """Seed: "Tier 1: > 90%, Tier 2: > 85%, Tier 3: > 80%, Tier 4: > 80%" (strictly: "an up-time of over 90%")."""
    up = UPTIME.copy()
    up[maker] = threshold
    assert payouts(up=up)[maker] == 0.0
    up[maker] = threshold + 1e-4
    assert payouts(up=up)[maker] > 0


def test_rule_a_forfeited_award_is_not_passed_down() -> None:
    """Seed: "The award will not be passed onto the next ranking market maker." A forfeits Tier 1 on up-time;
    B still gets Tier 2 only, E (fifth) nothing; 2,000 is simply not paid."""
    up = UPTIME.copy()
    up["A"] = 0.5
    table = mk.qualify(SCORES, VOLUME, up, SOL)
    assert table["payout"].to_dict() == {"A": 0.0, "B": 600.0, "C": 200.0, "D": 100.0, "E": 0.0}
    assert table.loc["A", "forfeited"] and table["payout"].sum() == 900.0


def test_rule_wash_trading_forfeits() -> None:
    """Seed, Additional Terms 1: wash trading or self matching forfeits the incentives (Drift's discretion)."""
    paid = payouts(disqualified=["B"])
    assert paid["B"] == 0.0 and paid["C"] == 200.0


def test_rule_rewards_are_per_market() -> None:
    """Seed: "Rewards are per market ... up to $4,000USDC if they qualify as Tier 1 in both"."""
    both = payouts(program=SOL)["A"] + payouts(program=BONK)["A"]
    assert both == 4_000.0


def test_rule_ties_and_the_amm_are_handled_explicitly() -> None:
    """The seed does not say how ties rank: equal scores rank by volume, then name. The AMM pseudo-maker is
    never ranked (it is not an enrolled market maker)."""
    scores = SCORES.copy()
    scores["B"] = 90.0
    table = mk.qualify(scores, VOLUME, UPTIME, SOL)
    assert table.index[:2].tolist() == ["A", "B"]  # A has more volume
    scores[mk.AMM_MAKER] = 1_000.0
    assert mk.AMM_MAKER not in mk.qualify(scores, VOLUME, UPTIME, SOL).index


def test_rule_uptime_is_bid_and_ask_within_20_bps_of_the_best() -> None:
    """Seed: up-time is the share of snapshots with a bid and an offer active within 20 bps of the best bid and
    offer. a: both within (exactly 20 bps counts); b: bid 25 bps out; c: a bid only."""
    best_bid, best_ask = 99.99, 100.01
    rows = [("x", "bid", best_bid, 1.0), ("x", "ask", best_ask, 1.0),
            ("a", "bid", bps(best_bid, "bid", 20), 1.0), ("a", "ask", bps(best_ask, "ask", 20), 1.0),
            ("b", "bid", bps(best_bid, "bid", 25), 1.0), ("b", "ask", best_ask, 1.0),
            ("c", "bid", best_bid, 1.0)]
    up = mk.uptime(mk.score_book(book_of(rows), "march-2023"))
    assert up.to_dict() == {"a": 1.0, "b": 0.0, "c": 0.0, "x": 1.0}


def test_rule_snapshots_while_the_chain_was_down_leave_uptime() -> None:
    """Seed: "If at any time, the Solana blockchain goes down or becomes unreliable, those snapshots will be
    removed from the calculation of the market maker's up-time"."""
    good = book_of([("a", "bid", 99.99, 1.0), ("a", "ask", 100.01, 1.0)], snapshot=0, valid=True)
    absent = book_of([("b", "bid", 99.99, 1.0), ("b", "ask", 100.01, 1.0)], snapshot=1, valid=False)
    scored = mk.score_book(pd.concat([good, absent], ignore_index=True), "march-2023")
    assert mk.uptime(scored)["a"] == 1.0
    flagged_valid = pd.concat([good, absent.assign(valid=True)], ignore_index=True)
    assert mk.uptime(mk.score_book(flagged_valid, "march-2023"))["a"] == 0.5


def test_rule_daily_score_averages_snapshots_and_period_averages_days() -> None:
    """Seed, Average Score: the daily score is the mean of the day's snapshot scores, the period score the mean
    of the daily scores. a scores 800 in Monday's only snapshot and 0 in Tuesday's three: days 800 and 0, period
    400 (a mean over snapshots would give 200)."""
    monday = pd.Timestamp("2023-03-06 10:00", tz="UTC")
    frames = [book_of([("a", "bid", 99.99, 50.0), ("a", "ask", 100.01, 50.0)], snapshot=0, time=monday)]
    for k in range(1, 4):
        frames.append(book_of([("b", "bid", 99.99, 50.0), ("b", "ask", 100.01, 50.0)], snapshot=k,
                              time=monday + pd.Timedelta(days=1, hours=k)))
    scored = mk.score_book(pd.concat(frames, ignore_index=True), "august-2023")
    assert mk.daily_scores(scored)["a"].tolist() == [800.0, 0.0]
    assert mk.period_scores(scored)["a"].tolist() == [400.0]
    assert scored.snapshot_scores()["a"].mean() == 200.0


def test_rule_program_period_is_monday_to_sunday_utc() -> None:
    """Seed, Program Length: each week from Monday 00:00 UTC to Sunday 23:59 UTC."""
    times = [pd.Timestamp("2023-03-12 23:59", tz="UTC"), pd.Timestamp("2023-03-13 00:00", tz="UTC")]
    frames = [book_of([("a", "bid", 99.99, 50.0), ("a", "ask", 100.01, 50.0)], snapshot=k, time=t)
              for k, t in enumerate(times)]
    periods = mk.period_scores(mk.score_book(pd.concat(frames, ignore_index=True), "august-2023")).index
    assert [str(p) for p in periods] == ["2023-03-06/2023-03-12", "2023-03-13/2023-03-19"]


def test_run_program_over_a_synthetic_month() -> None:
    """Four weeks, five makers: the best scorer quotes less than 90% of the time, so it forfeits Tier 1 every
    week; nobody else gets it."""
    profiles = [mk.MakerProfile("top", distance_bps=0.5, levels=4, size_usd=20_000, presence=0.85),
                mk.MakerProfile("steady", distance_bps=1.5, levels=3, size_usd=8_000, presence=1.0),
                mk.MakerProfile("wide", distance_bps=6, levels=3, size_usd=10_000, presence=0.98),
                mk.MakerProfile("small", distance_bps=2, levels=2, size_usd=3_000, presence=0.97),
                mk.MakerProfile("rare", distance_bps=1, levels=2, size_usd=5_000, presence=0.5)]
    book = mk.synthetic_book(profiles, days=28, snapshots_per_day=12, seed=3)
    scored = mk.score_book(book, "march-2023")
    periods = mk.period_scores(scored).index
    assert len(periods) == 4
    volume = pd.DataFrame({"top": 9e6, "steady": 5e6, "wide": 4e6, "small": 2.5e6, "rare": 1e6}, index=periods)
    table = mk.run_program(scored, "march-2023-sol-perp", volume)
    first = table[table["score_rank"] == 1]
    assert (first["maker"] == "top").all() and (first["payout"] == 0).all() and first["forfeited"].all()
    assert (table.groupby("period")["payout"].sum() <= 900.0).all()
    assert table.loc[table["maker"] == "top", "uptime"].lt(0.9).all()


def test_2025_volume_program_worked_example() -> None:
    """digest f.4 (pages/market-makers/rewards-program.mdx @7175cbf): M1 = 100M SUI + 5M DOGE, M2 = 50M SUI + 20M
    DOGE; 2,000,000 DRIFT with 20,000 minimums: DOGE 300,000, SUI 1,700,000; M1 1,193,333.33, M2 806,666.67."""
    volume = pd.DataFrame({"M1": [100e6, 5e6], "M2": [50e6, 20e6]}, index=["SUI-PERP", "DOGE-PERP"])
    allocation, rewards = mk.volume_rewards(volume, 2_000_000, {"SUI-PERP": 20_000, "DOGE-PERP": 20_000})
    assert allocation.to_dict() == pytest.approx({"SUI-PERP": 1_700_000, "DOGE-PERP": 300_000})
    assert rewards.sum().to_dict() == pytest.approx({"M1": 1_193_333.33, "M2": 806_666.67}, abs=0.01)
    small = volume.assign(M3=[5_000.0, 0.0])  # under $10K: not eligible, changes nothing
    assert mk.volume_rewards(small, 2_000_000, {"SUI-PERP": 20_000, "DOGE-PERP": 20_000})[1]["M3"].sum() == 0
    with pytest.raises(ValueError, match="minimums"):
        mk.volume_rewards(volume, 10_000, {"SUI-PERP": 20_000})


# --------------------------------------------------------------------------- the engine against the reference

RULES = [*mk.PRESETS.values(), *mk.march_2023_candidates().values(),
         mk.rule("scorer-2023").replace(name="per-order", split="per_order"),
         mk.rule("august-2023").replace(name="aug-snapshot-q", q_scope="snapshot", two_sided="level"),
         mk.rule("scorer-2024").replace(name="levels-max", q_combine="max", sides="mean", q_scope="bracket")]

SIZE = st.one_of(st.just(0.0), st.floats(1e-3, 200))
order = st.tuples(st.sampled_from(["a", "b", "c", mk.AMM_MAKER]), st.sampled_from(mk.SIDES),
                  st.integers(0, 120).map(lambda k: k * 0.5), SIZE)
live_order = st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(mk.SIDES),
                       st.integers(0, 120).map(lambda k: k * 0.5), st.floats(1e-3, 200))


def rows_from(orders: list[tuple[str, str, float, float]], mid: float = MID) -> list[tuple[str, str, float, float]]:
    return [(m, s, bps(mid * (1 - 1e-4) if s == "bid" else mid * (1 + 1e-4), s, d), z) for m, s, d, z in orders]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(order, min_size=1, max_size=25))
def test_vectorised_engine_equals_the_plain_reference(orders: list[tuple[str, str, float, float]]) -> None:
    rows = rows_from(orders)
    book = book_of(rows)
    for r in RULES:
        if not r.include_amm and all(m == mk.AMM_MAKER for m, *_ in rows):
            continue
        fast = mk.score_book(book, r).snapshot_scores().iloc[0].to_dict()
        slow = mk.reference_snapshot_score(rows, r)
        assert fast == pytest.approx(slow, rel=1e-9, abs=1e-9), r.name


def test_many_snapshots_equal_each_snapshot_alone() -> None:
    book = mk.synthetic_book(mk.random_profiles(8, seed=4), days=2, snapshots_per_day=6, seed=5)
    for r in RULES[:5]:
        together = mk.score_book(book, r).snapshot_scores()
        for sid, group in book.groupby("snapshot"):
            alone = mk.reference_snapshot_score(zip(group["maker"], group["side"], group["price"], group["size"],
                                                    strict=True), r, oracle=float(group["oracle"].iloc[0]))
            assert together.loc[sid].to_dict() == pytest.approx({m: alone.get(m, 0.0) for m in together.columns})


# --------------------------------------------------------------------------- properties


@settings(max_examples=30, deadline=None)
@given(st.lists(order, min_size=2, max_size=20), st.sampled_from([0.25, 3.0, 1_000.0]))
def test_scores_are_scale_invariant_without_a_binding_floor(orders: list, k: float) -> None:
    """Every term is l/Q with Q homogeneous in the sizes: scaling all sizes leaves the scores unchanged when the
    floor does not bind (here min_depth_usd = 0)."""
    rows = rows_from(orders)
    scaled = [(m, s, p, z * k) for m, s, p, z in rows]
    for r in RULES:
        no_floor = r.replace(min_depth_usd=0.0)
        if not r.include_amm and all(m == mk.AMM_MAKER for m, *_ in rows):
            continue
        before = mk.score_book(book_of(rows), no_floor).snapshot_scores().iloc[0]
        after = mk.score_book(book_of(scaled), no_floor).snapshot_scores().iloc[0]
        assert after.to_numpy() == pytest.approx(before.to_numpy(), rel=1e-9, abs=1e-9), r.name


@settings(max_examples=30, deadline=None)
@given(st.lists(order, min_size=2, max_size=20), st.sampled_from([2e-5, 0.5, 7.0, 600.0]))
def test_scores_depend_on_usd_not_on_the_price_level(orders: list, k: float) -> None:
    """Prices times k and sizes over k (the same dollars, a BONK-like or BTC-like price): brackets are relative,
    grids are fractions of the mark and the floor is $5,000/mark, so every score is unchanged, floor included."""
    rows = rows_from(orders)
    moved = [(m, s, p * k, z / k) for m, s, p, z in rows]
    for r in RULES:
        if not r.include_amm and all(m == mk.AMM_MAKER for m, *_ in rows):
            continue
        before = mk.score_book(book_of(rows), r).snapshot_scores().iloc[0]
        after = mk.score_book(book_of(moved), r).snapshot_scores().iloc[0]
        assert after.to_numpy() == pytest.approx(before.to_numpy(), rel=1e-7, abs=1e-7), r.name


@settings(max_examples=30, deadline=None)
@given(st.lists(order.map(lambda o: (*o[:3], o[3] / 400)), min_size=2, max_size=20), st.floats(0.1, 2.0))
def test_below_the_floor_scores_are_linear_in_size(orders: list, k: float) -> None:
    """When every level is thinner than $5,000 (Q = the floor), each term is w·l/floor: scores scale with size."""
    rows = rows_from(orders)
    scaled = [(m, s, p, z * k) for m, s, p, z in rows]
    for r in RULES:
        if not r.include_amm and all(m == mk.AMM_MAKER for m, *_ in rows):
            continue
        before = mk.score_book(book_of(rows), r).snapshot_scores().iloc[0]
        after = mk.score_book(book_of(scaled), r).snapshot_scores().iloc[0]
        assert after.to_numpy() == pytest.approx(k * before.to_numpy(), rel=1e-9, abs=1e-9), r.name


PER_BRACKET_Q = [r for r in RULES if r.q_scope == "bracket" and r.assignment == "distance"]


@settings(max_examples=60, deadline=None)
@given(st.lists(live_order, min_size=2, max_size=20), st.integers(0, 5), st.floats(0.01, 500))
def test_adding_size_on_both_sides_of_a_bracket_never_lowers_the_score(orders: list, bracket: int,
                                                                        extra: float) -> None:
    """With a per-bracket Q (march-2023, august-2023 and the R-B/R-C reconstructions) a maker adding the same
    size to both sides of a bracket (behind the best, so no bracket moves) never scores less: its term
    (l + d)/Q' with Q' <= Q + d is at least l/Q because l <= Q. (One-sided additions can lower it: the other
    side's term shrinks as Q grows. And see the next test for a one-Q-per-snapshot rule.)"""
    rows = rows_from(orders)
    for r in PER_BRACKET_Q:
        if bracket >= r.n_brackets:
            continue
        before_scores = mk.score_book(book_of(rows), r)
        lo = 0.0 if bracket == 0 else r.edges_bps[bracket - 1]
        mid_bps = (lo + r.edges_bps[bracket]) / 2
        added = rows + [("a", "bid", bps(before_scores.best_bid[0], "bid", mid_bps), extra),
                        ("a", "ask", bps(before_scores.best_ask[0], "ask", mid_bps), extra)]
        before = before_scores.snapshot_scores().iloc[0].get("a", 0.0)
        after = mk.score_book(book_of(added), r).snapshot_scores().iloc[0]["a"]
        assert after >= before - 1e-9, r.name


def test_with_one_q_per_snapshot_adding_size_even_at_the_top_can_lower_the_score() -> None:
    """scorer-2023 divides every level by the largest level's size. a owns levels 2..6 (50 each side, = q);
    adding 100 at level 1 (where b has 50) lifts q to 150: a gains 100*2*2*100/150 at level 1 but its other
    levels fall from 430 to 430/3. Total 410 < 430."""
    rows = [("b", "bid", 99.99, 50.0), ("b", "ask", 100.01, 50.0)]
    for d in (3, 7, 15, 30, 75):
        rows += [("a", "bid", bps(99.99, "bid", d), 50.0), ("a", "ask", bps(100.01, "ask", d), 50.0)]
    before = mk.score_book(book_of(rows), "scorer-2023").totals()["a"]
    after = mk.score_book(book_of(rows + [("a", "bid", 99.99, 100.0), ("a", "ask", 100.01, 100.0)]),
                          "scorer-2023").totals()["a"]
    assert before == pytest.approx(430.0)
    assert after == pytest.approx(2 * 2 * 100 * 100 / 150 + 430 / 3)
    assert after < before


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 2.0), st.integers(0, 4), st.integers(1, 5))
def test_moving_size_nearer_never_lowers_the_score_on_a_thin_book(size: float, near: int, gap: int) -> None:
    """On a book thinner than the floor every Q is $5,000/mark, so a unit in bracket i earns w_i/floor; the
    weights never rise with distance, so moving size to a nearer bracket never lowers the score."""
    far = min(near + gap, 5)
    best = [("x", "bid", 99.99, 1.0), ("x", "ask", 100.01, 1.0)]
    def at(r: mk.ScoringRule, i: int) -> list[tuple[str, str, float, float]]:
        lo = 0.0 if i == 0 else r.edges_bps[i - 1]
        d = (lo + r.edges_bps[i]) / 2
        return [("a", "bid", bps(99.99, "bid", d), size), ("a", "ask", bps(100.01, "ask", d), size)]

    for r in PER_BRACKET_Q:
        nearer = mk.score_book(book_of(best + at(r, near)), r).totals()["a"]
        farther = mk.score_book(book_of(best + at(r, far)), r).totals()["a"]
        assert nearer >= farther - 1e-12, r.name


@settings(max_examples=50, deadline=None)
@given(st.lists(order, min_size=1, max_size=25))
def test_makers_at_a_level_sum_to_the_level_score(orders: list) -> None:
    """Under a pro-rata split each maker gets S·l/L, so the parts add up to the level's score S; under R-A
    (each maker's own min(bid, ask)) they add up to at most the level's min(L_bid, L_ask) term."""
    rows = rows_from(orders)
    for r in RULES:
        if not r.include_amm and all(m == mk.AMM_MAKER for m, *_ in rows):
            continue
        scored = mk.score_book(book_of(rows), r)
        parts = scored.maker_score.sum(axis=1)
        if r.split == "pro_rata" and r.two_sided in ("none", "level"):
            filled = scored.liquidity > 0
            assert parts[filled] == pytest.approx(scored.level_score[filled], rel=1e-9, abs=1e-9), r.name
        elif r.two_sided == "maker":
            assert np.all(parts <= scored.level_score + 1e-9), r.name


def test_one_sided_makers_score_nothing_under_the_march_reconstruction() -> None:
    rows = [("a", "bid", 99.99, 100.0), ("b", "bid", 99.99, 10.0), ("b", "ask", 100.01, 10.0)]
    totals = mk.score_book(book_of(rows), "march-2023").totals()
    assert totals["a"] == 0.0 and totals["b"] > 0


# --------------------------------------------------------------------------- one bracket and the best ladder


def test_bracket_score_by_hand_and_against_the_engine() -> None:
    """One bracket, symmetric book: 100 w l / max(l + o, f). l = 30, o = 10, w = 2, f = 50: 100*2*30/50 = 120;
    l = 90: 100*2*90/100 = 180. The engine on the same book (march-2023, bracket 1) agrees."""
    assert mk.bracket_score(30.0, 10.0, 2.0, 50.0) == pytest.approx(120.0)
    assert mk.bracket_score(90.0, 10.0, 2.0, 50.0) == pytest.approx(180.0)
    for mine in (30.0, 90.0):
        rows = [("me", s, p, mine) for s, p in (("bid", 99.99), ("ask", 100.01))]
        rows += [("o", s, p, 10.0) for s, p in (("bid", 99.99), ("ask", 100.01))]
        assert mk.score_book(book_of(rows), "march-2023").totals()["me"] == pytest.approx(
            mk.bracket_score(mine, 10.0, 2.0, DOLLARS_5000))
    out = mk.bracket_score(np.array([[0.0], [10.0]]), np.array([5.0, 50.0, 500.0]), 2.0, 50.0)
    assert out.shape == (2, 3) and out[0].tolist() == [0.0, 0.0, 0.0]
    assert isinstance(mk.bracket_score(1.0, 1.0), float)


def test_optimal_allocation_equalises_marginal_scores_and_beats_a_grid() -> None:
    weights, others = np.array([2.0, 0.75, 0.5, 0.4]), np.array([100.0, 40.0, 30.0, 200.0])
    x = mk.optimal_allocation(120.0, others, weights)
    assert x.sum() == pytest.approx(120.0)
    marginal = weights * others / (x + others) ** 2
    used = x > 0
    assert np.ptp(marginal[used]) == pytest.approx(0.0, abs=1e-12)
    assert np.all(weights[~used] / others[~used] <= marginal[used][0] + 1e-12)  # unused: not worth the first unit
    best = (weights * x / (x + others)).sum()
    grid = np.array([c for c in np.ndindex(13, 13, 13) if sum(c) <= 12]) * 10.0
    grid = np.column_stack([grid, 120.0 - grid.sum(axis=1)])
    assert (weights * grid / (grid + others)).sum(axis=1).max() <= best + 1e-12


@pytest.mark.parametrize("budget", [300.0, 1_000.0, 5_000.0])
def test_optimal_allocation_with_the_floor_beats_a_greedy_search(budget: float) -> None:
    """With the floor each term is linear (slope w/f) up to x + o = f, then concave: still concave, so filling
    in tiny steps where the next step earns most (greedy) approaches the optimum from below. Others 0 in a
    bracket: filling it to the floor earns its whole weight, and more earns nothing."""
    weights, floor = np.array([2.0, 0.75, 0.5, 0.4, 0.3, 0.2]), 250.0
    for others in (np.array([400.0, 150.0, 300.0, 100.0, 50.0, 20.0]), np.array([0.0, 0.0, 300.0, 10.0, 0.0, 0.0])):
        x = mk.optimal_allocation(budget, others, weights, floor=floor)
        assert x.sum() == pytest.approx(budget) and np.all(x >= 0)
        best = float(np.sum(mk.bracket_score(x, others, weights, floor)))
        step, greedy = budget / 2_000, np.zeros(6)
        for _ in range(2_000):
            gain = mk.bracket_score(greedy + step, others, weights, floor) - mk.bracket_score(greedy, others, weights,
                                                                                              floor)
            greedy[np.argmax(gain)] += step
        assert float(np.sum(mk.bracket_score(greedy, others, weights, floor))) <= best + 1e-9
        assert np.allclose(greedy, x, atol=budget / 200)
    # every bracket above the floor: the same answer as the closed form without a floor
    others = np.array([400.0, 300.0, 280.0, 260.0, 300.0, 900.0])
    assert np.allclose(mk.optimal_allocation(700.0, others, weights, floor=250.0),
                       mk.optimal_allocation(700.0, others, weights))


def test_ladder_search_finds_the_water_filling_split() -> None:
    """march-2023 on a book where each bracket's others are above the floor: the best split of $12,000 per side
    on a 1/12 grid is the grid point nearest the closed form, and scores at most the closed form's."""
    others_size = {1: 120.0, 2: 60.0, 3: 60.0}
    rows = []
    for i, size in others_size.items():
        lo = (0, 1, 3)[i - 1]
        d = (lo + (1, 3, 5)[i - 1]) / 2 if i > 1 else 0.0
        rows += [("o", "bid", bps(99.99, "bid", d), size), ("o", "ask", bps(100.01, "ask", d), size)]
    found = mk.ladder_search(book_of(rows), 12_000.0, "march-2023", steps=12, brackets=[1, 2, 3])
    closed = mk.optimal_allocation(120.0, np.array(list(others_size.values())), np.array([2.0, 0.75, 0.5]))
    best_usd = found.iloc[0, :3].to_numpy()
    assert np.allclose(best_usd, closed * 100, atol=1_000.0)  # within one grid step ($1,000)
    closed_score = float(np.sum(mk.bracket_score(closed, np.array(list(others_size.values())),
                                                 np.array([2.0, 0.75, 0.5]), DOLLARS_5000)))
    assert found["score"].iloc[0] <= closed_score + 1e-9
    assert found["score"].iloc[0] >= closed_score * 0.99


# --------------------------------------------------------------------------- speed, shapes and bad input


def test_a_month_of_snapshots_for_50_makers_scores_well_under_a_second() -> None:
    book = mk.synthetic_book(mk.random_profiles(50, seed=1), days=30, snapshots_per_day=48, seed=2)
    assert book["snapshot"].nunique() == 30 * 48 and len(book) > 300_000
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        mk.score_book(book, "march-2023").snapshot_scores()
        best = min(best, time.perf_counter() - start)
    assert best < 1.0


def test_synthetic_book_is_reproducible_and_flags_chain_downtime() -> None:
    profiles = mk.random_profiles(3, seed=0)
    a = mk.synthetic_book(profiles, days=2, snapshots_per_day=5, seed=9, chain_down=0.3)
    b = mk.synthetic_book(profiles, days=2, snapshots_per_day=5, seed=9, chain_down=0.3)
    pd.testing.assert_frame_equal(a, b)
    assert set(a.columns) >= {*mk.BOOK_COLUMNS, "time", "oracle", "valid"}
    assert a.groupby("snapshot")["time"].first().dt.floor("D").nunique() == 2
    assert not a.groupby("snapshot")["valid"].first().all()


def test_ladder_builds_symmetric_orders() -> None:
    orders = mk.ladder("me", 100.0, distance_bps=2, levels=3, size=5.0, step_bps=4)
    bids = orders[orders["side"] == "bid"]["price"].tolist()
    assert bids == pytest.approx([99.98, 99.94, 99.90])
    assert len(mk.ladder("me", 100.0, 2, 0, 1.0)) == 0


@pytest.mark.parametrize("change, name", [
    ({"edges_bps": (1, 1, 5)}, "edges_bps"),
    ({"edges_bps": (1, -3)}, "edges_bps"),
    ({"weights": (2, 0.75)}, "weights"),
    ({"weights": (2, 0.75, 0.5, 0.4, 0.3, -0.2)}, "weights"),
    ({"assignment": "cumulative"}, "assignment"),
    ({"q_combine": "median"}, "q_combine"),
    ({"q_scope": "book"}, "q_scope"),
    ({"q_scope": "day"}, "q_scope"),
    ({"two_sided": "both"}, "two_sided"),
    ({"sides": "max"}, "sides"),
    ({"split": "per_order"}, "split"),
    ({"split": "equal"}, "split"),
    ({"min_depth_usd": -1}, "min_depth_usd"),
    ({"scale": 0}, "scale"),
    ({"grid_beyond_bps": 5}, "grid_beyond_bps"),
    ({"name": ""}, "name"),
])
def test_bad_rule_parameters_name_the_parameter(change: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        mk.rule("march-2023").replace(**change)


@pytest.mark.parametrize("call, name", [
    (lambda: mk.rule("march-2022"), "name"),
    (lambda: mk.score_book(pd.DataFrame({"maker": ["a"], "side": ["bid"], "price": [1.0]}), "march-2023"), "size"),
    (lambda: mk.score_book(book_of([("a", "buy", 1.0, 1.0)]), "march-2023"), "side"),
    (lambda: mk.score_book(book_of([("a", "bid", 0.0, 1.0)]), "march-2023"), "price"),
    (lambda: mk.score_book(book_of([("a", "bid", 1.0, -1.0)]), "march-2023"), "size"),
    (lambda: mk.score_book(book_of([("vamm", "bid", 1.0, 1.0)]), "march-2023"), "include_amm"),
    (lambda: mk.daily_scores(mk.score_book(doc_book(), "march-2023")), "time"),
    (lambda: mk.uptime(mk.score_book(doc_book(), "march-2023"), band=2.0), "band"),
    (lambda: mk.bracket_score(-1.0, 1.0), "size"),
    (lambda: mk.optimal_allocation(-1.0, [1.0], [1.0]), "budget"),
    (lambda: mk.ladder("a", 100.0, 1.0, -1, 1.0), "levels"),
    (lambda: mk.amm_quotes(100.0, 10.0, levels=5, level_size=5.0), "levels"),
    (lambda: mk.Tier("T", 0, 100, 0.9), "score_rank"),
    (lambda: mk.Tier("T", 1, 100, 1.5), "min_uptime"),
    (lambda: mk.Program("p", "SOL-PERP", (mk.Tier("a", 1, 1, 0.5), mk.Tier("b", 1, 1, 0.5))), "score_rank"),
    (lambda: mk.Program("p", "SOL-PERP", (mk.Tier("a", 1, 1, 0.5),), period="fortnight"), "period"),
    (lambda: mk.qualify(SCORES, VOLUME, UPTIME * 2, SOL), "uptime"),
    (lambda: mk.qualify(SCORES, VOLUME, UPTIME, "march-2023-eth-perp"), "program"),
    (lambda: mk.MakerProfile("x", presence=1.5), "presence"),
    (lambda: mk.ladder_search(doc_book(), 1_000.0, "march-2023", brackets=[7]), "brackets"),
])
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()
