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
