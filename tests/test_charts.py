"""Chart builders: the spec says what the notebook claims (marks, fields), and it renders headless."""

from __future__ import annotations

import numpy as np
import pandas as pd
import vl_convert as vlc

from driftlab import amm, charts


def _impact_frame() -> pd.DataFrame:
    sizes = np.linspace(-10, 10, 21)
    return pd.DataFrame({"base_amount": sizes, "price_impact": amm.price_impact(100.0, sizes), "curve": "k"})


def test_impact_chart_spec_and_render() -> None:
    spec = charts.impact_chart(_impact_frame()).to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"]["field"] == "base_amount"
    assert spec["encoding"]["y"]["field"] == "price_impact"
    (data,) = spec["datasets"].values()
    assert len(data) == 21
    assert "<svg" in vlc.vegalite_to_svg(spec)


def test_curve_chart_layers_the_current_point() -> None:
    curve = pd.DataFrame({"base_reserve": [1.0, 2.0], "quote_reserve": [2.0, 1.0], "curve": "k=2"})
    point = curve.iloc[:1]
    spec = charts.curve_chart(curve, point).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "point"]
    assert "<svg" in vlc.vegalite_to_svg(spec)


# ----------------------------------------------------------------------- the fast path the busy panels use
def test_inline_records_are_what_altair_writes_for_the_dataframe() -> None:
    """charts._inline skips Altair's DataFrame conversion: its records must be the ones Altair would embed
    (NaN and infinities as null, numpy numbers as Python numbers, missing text as null)."""
    import altair as alt

    from driftlab.charts import _inline, _typed

    df = pd.DataFrame({"x": [1.0, np.nan, np.inf, -2.5], "n": np.array([1, 2, 3, 4], dtype=np.int64),
                       "flag": [True, False, True, True], "label": ["a", None, "c", "d"]})
    encode = {c: _typed(df, c) for c in ("x", "n")}
    assert encode == {"x": "x:Q", "n": "n:Q"} and _typed(df, "label") == "label:N"
    via_altair = alt.Chart(df).mark_point().encode(x="x:Q", y="n:Q").to_dict()
    fast = alt.Chart(_inline(df)).mark_point().encode(x="x:Q", y="n:Q").to_dict()
    assert fast["datasets"] == via_altair["datasets"]
    assert fast["data"] == via_altair["data"]


def test_assemble_gives_the_spec_of_alt_layer_and_vconcat() -> None:
    """charts._assemble builds layered and concatenated charts without Altair's deep copies; same spec."""
    import altair as alt

    from driftlab.charts import _assemble, _inline

    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, 2.0]})
    line = alt.Chart().mark_line().encode(x="x:Q", y="y:Q")
    dots = alt.Chart().mark_point().encode(x="x:Q", y="y:Q")
    layered = alt.layer(line.properties(data=_inline(df)), dots.properties(data=_inline(df)))
    fast_layer = _assemble(alt.LayerChart(), "layer", [line.copy(), dots.copy()], [_inline(df), _inline(df)])
    assert fast_layer.to_dict() == layered.to_dict()
    stacked = alt.vconcat(line.properties(data=_inline(df)), dots.properties(data=_inline(df)))
    fast_stack = _assemble(alt.VConcatChart(), "vconcat", [line.copy(), dots.copy()], [_inline(df), _inline(df)])
    assert fast_stack.to_dict() == stacked.to_dict()
