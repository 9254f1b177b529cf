"""Bad input, fuzzed: every public function of the human layer, and every widget panel.

**Functions.** Every public function (``__all__`` when the module has one, else every public function defined
in it) of every human-layer module (``driftlab/<name>.py`` that is not private, ``exact``, ``symbolic``,
``charts``, ``widgets`` or ``sim``) is found by introspection. For each of its numeric parameters (a number in
the registered example or as the default), the function is called with the example's otherwise-valid
arguments and that one parameter replaced by each of: NaN, +inf, -inf, a negative number, zero, a string
(``"1.5"``), ``None``, a dict, an empty array, and an array whose shape does not broadcast with the other
parameters (which become arrays of another shape). The only acceptable outcomes are

- a ``ValueError`` or ``TypeError`` whose message names the parameter, or
- a result without NaN, where the registry says the function accepts that value for that parameter (zero
  or negative trade sizes, negative gaps, ...). An accepted value that is not registered fails, so does a
  registered one that is rejected: the registry says exactly what each function takes.

**Registering a function** (a new public function without an entry fails with "register an example for
driftlab.<module>.<function>"): add it to ``EXAMPLES`` in ``tests/fuzz_examples/<module>.py``::

    "driftlab.margin.liability_weight": Example(
        dict(size=1_000.0, weight=1.1, imf_factor=0.001),   # a valid call, by keyword
        accepts={"size": ZERO_OR_NEGATIVE,                   # values it legitimately takes, per parameter
                 "imf_factor": {"zero"}},
        scalar={"steps"},                                    # parameters taking one number, never an array
    ),

``accepts`` kinds: ``nan``, ``inf``, ``-inf``, ``negative``, ``zero``, ``str``, ``None``, ``dict``, ``empty``,
``mismatch``. Non-numeric parameters (names, tables) are not fuzzed by kind; ``bad`` lists values each must
reject, naming it (an unknown tier, a table without its columns); a function with parameters needs numeric ones
or ``bad`` ones. A parameter in ``scalar`` is not turned into an array when another parameter's shape is being
mismatched (it is still fuzzed itself). Parameters the example does not give take their defaults; give them in
the example to fuzz from another valid value.
A module that is not human layer at all is listed in ``NOT_HUMAN_LAYER`` with the reason.

**Widgets.** Every panel factory in ``driftlab.widgets`` (``*_explorer`` / ``*_panel`` with no required
argument) gets, on each slider, values outside its range (one range-width below and above, and NaN on float
sliders): none may raise out of the callback, a value the compute function rejects shows its message in
``panel.message`` and keeps the last result, a value it accepts gives a result without NaN, at least one of them
is rejected (unless ``UNBOUNDED_CONTROLS`` says why none can be), and moving the slider back to its value clears
the message and restores the result. (Dropdowns offer only their options, so a user cannot pick an out-of-range
one.) That the kernel survives it in a real browser is tests/ui/test_lab_browser.py's part.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import math
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import driftlab
from tests.fuzz_examples import KINDS, Example, all_examples

# --------------------------------------------------------------------------------------------- discovery
NOT_HUMAN_LAYER_PACKAGES = {"exact", "symbolic", "charts", "widgets", "sim"}
NOT_HUMAN_LAYER = {
    # integer ports of the TypeScript SDK / driftpy, kept to compare the program with its clients: they take
    # the clients' integers (BN, bigint), not natural units, and are tested in tests/exact/
    "fidelity": "ports of the SDK's and driftpy's integer helpers, not natural-unit functions",
}


def human_layer_modules() -> list[str]:
    names = []
    for info in pkgutil.iter_modules(driftlab.__path__):
        if info.name.startswith("_") or info.name in NOT_HUMAN_LAYER_PACKAGES or info.name in NOT_HUMAN_LAYER:
            continue
        names.append(f"driftlab.{info.name}")
    return sorted(names)


def public_functions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for module_name in human_layer_modules():
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n, obj in vars(module).items() if not n.startswith("_") and inspect.isfunction(obj)
                     and obj.__module__ == module.__name__]
        for name in names:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found[f"{module_name}.{name}"] = obj
    return found


# --------------------------------------------------------------------------------------------- the registry
EXAMPLES = all_examples()


# --------------------------------------------------------------------------------------------- the cases
def is_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.size > 0 and np.issubdtype(value.dtype, np.number)


def call_arguments(fn: Callable[..., Any], example: Example) -> dict[str, Any]:
    """The example's keywords plus every other parameter's default."""
    args = dict(example.kwargs)
    for name, param in inspect.signature(fn).parameters.items():
        if name not in args and param.default is not param.empty:
            args[name] = param.default
    return args


def numeric_parameters(fn: Callable[..., Any], example: Example) -> list[str]:
    return [name for name, value in call_arguments(fn, example).items() if is_number(value)]


def bad_value(kind: str, valid: Any) -> Any:
    magnitude = np.abs(np.asarray(valid, dtype=float))
    negative = -magnitude if np.any(magnitude) else np.full_like(magnitude, -1.0)
    return {
        "nan": math.nan, "inf": math.inf, "-inf": -math.inf,
        "negative": negative.item() if negative.ndim == 0 else negative,
        "zero": 0.0 if np.ndim(valid) == 0 else np.zeros_like(magnitude),
        "str": "1.5", "None": None, "dict": {}, "empty": np.array([], dtype=float),
    }[kind]


def fuzz_arguments(fn: Callable[..., Any], example: Example, param: str, kind: str) -> dict[str, Any]:
    args = call_arguments(fn, example)
    if kind == "mismatch":  # the others become arrays of 3, this one an array of 2
        for name in numeric_parameters(fn, example):
            if name != param and name not in example.scalar:
                args[name] = np.full(3, np.asarray(args[name], dtype=float).ravel()[0])
        args[param] = np.full(2, np.asarray(args[param], dtype=float).ravel()[0])
    else:
        args[param] = bad_value(kind, args[param])
    return args


def array_parameters(fn: Callable[..., Any], example: Example) -> list[str]:
    return [name for name in numeric_parameters(fn, example) if name not in example.scalar]


def cases() -> Iterator[Any]:
    functions = public_functions()
    for qualname, example in sorted(EXAMPLES.items()):
        fn = functions.get(qualname)
        if fn is None:
            continue  # test_registry_names_only_public_functions reports it
        arrays = array_parameters(fn, example)
        for param in numeric_parameters(fn, example):
            for kind in KINDS:
                if kind == "mismatch" and not [a for a in arrays if a != param]:
                    continue  # nothing to mismatch with
                yield pytest.param(qualname, param, kind, id=f"{qualname.removeprefix('driftlab.')}-{param}-{kind}")


def has_nan(result: Any) -> bool:
    if isinstance(result, pd.DataFrame):
        return bool(result.select_dtypes("number").isna().to_numpy().any())
    if isinstance(result, pd.Series):
        return bool(pd.api.types.is_numeric_dtype(result) and result.isna().any())
    if is_dataclass(result) and not isinstance(result, type):
        return any(has_nan(getattr(result, f.name)) for f in fields(result))
    if isinstance(result, (tuple, list)):
        return any(has_nan(item) for item in result)
    if isinstance(result, dict):
        return any(has_nan(item) for item in result.values())
    if isinstance(result, (float, np.floating)) or (isinstance(result, np.ndarray)
                                                    and np.issubdtype(result.dtype, np.floating)):
        return bool(np.any(np.isnan(result)))
    return False


# --------------------------------------------------------------------------------------------- the tests
FUNCTIONS = sorted(public_functions())


@pytest.mark.parametrize("qualname", FUNCTIONS)
def test_public_function_has_a_registered_example(qualname: str) -> None:
    assert qualname in EXAMPLES, (
        f"register an example for {qualname} in EXAMPLES (tests/test_fuzz_human_layer.py): a valid call, "
        "and the values it legitimately accepts (see the module docstring)")


def test_registry_names_only_public_functions() -> None:
    stale = sorted(set(EXAMPLES) - set(FUNCTIONS))
    assert not stale, f"EXAMPLES has entries for what is not a public human-layer function: {stale}"


@pytest.mark.parametrize("qualname", sorted(set(EXAMPLES) & set(FUNCTIONS)))
def test_registered_example_is_a_valid_call(qualname: str) -> None:
    fn, example = public_functions()[qualname], EXAMPLES[qualname]
    params = inspect.signature(fn).parameters
    unknown = (set(example.kwargs) | set(example.accepts) | set(example.scalar)) - set(params)
    assert not unknown, f"{qualname} has no parameter {sorted(unknown)}"
    bad_kinds = {kind for kinds in example.accepts.values() for kind in kinds} - set(KINDS)
    assert not bad_kinds, f"unknown accepts kinds {sorted(bad_kinds)}; use {KINDS}"
    assert not has_nan(fn(**call_arguments(fn, example))), f"{qualname}'s example gives NaN"
    assert numeric_parameters(fn, example) or example.bad or not params, (
        f"{qualname}: no numeric parameter to fuzz; give bad values for its other parameters (Example.bad)")


@pytest.mark.parametrize(("qualname", "param", "index"), [
    pytest.param(q, p, i, id=f"{q.removeprefix('driftlab.')}-{p}-{i}")
    for q, example in sorted(EXAMPLES.items()) for p, values in example.bad.items() for i in range(len(values))])
def test_bad_non_numeric_value_is_rejected_naming_the_parameter(qualname: str, param: str, index: int) -> None:
    fn, example = public_functions()[qualname], EXAMPLES[qualname]
    args = call_arguments(fn, example) | {param: example.bad[param][index]}
    with pytest.raises((ValueError, TypeError)) as error:
        fn(**args)
    assert re.search(rf"\b{re.escape(param)}\b", str(error.value)), (
        f"{qualname}({param}={example.bad[param][index]!r:.80}) raised {error.typename} without naming "
        f"{param!r}: {error.value}")


@pytest.mark.parametrize(("qualname", "param", "kind"), list(cases()))
def test_bad_input_is_rejected_naming_the_parameter(qualname: str, param: str, kind: str) -> None:
    fn, example = public_functions()[qualname], EXAMPLES[qualname]
    args = fuzz_arguments(fn, example, param, kind)
    accepted = kind in example.accepts.get(param, ())
    try:
        with np.errstate(all="ignore"):
            result = fn(**args)
    except (ValueError, TypeError) as error:
        assert not accepted, (f"{qualname} rejects {kind} for {param} ({error}), but EXAMPLES says it accepts it: "
                              "fix the function or the registry")
        assert re.search(rf"\b{re.escape(param)}\b", str(error)), (
            f"{qualname}({param}={kind}) raised {type(error).__name__} without naming {param!r}: {error}")
        return
    except Exception as error:  # noqa: BLE001 (anything else is the failure being looked for)
        pytest.fail(f"{qualname}({param}={kind}) raised {type(error).__name__}, not a ValueError/TypeError "
                    f"naming {param!r}: {error}")
    assert accepted, (f"{qualname} accepted {kind} for {param} and returned {result!r:.200}; if that is valid, "
                      f"register it: EXAMPLES[{qualname!r}].accepts[{param!r}] gets {kind!r}")
    assert not has_nan(result), f"{qualname} accepted {kind} for {param} but returned NaN: {result!r:.200}"


# --------------------------------------------------------------------------------------------- widgets
def panel_factories() -> list[tuple[str, Callable[[], Any]]]:
    from driftlab import widgets

    found = []
    for name, fn in sorted(vars(widgets).items()):
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != widgets.__name__:
            continue
        required = [p for p in inspect.signature(fn).parameters.values() if p.default is p.empty
                    and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if name.endswith(("_explorer", "_panel")) and not required:
            found.append((name, fn))
    return found


PANELS = panel_factories()

# (panel factory, control) pairs for which every value, however far outside the slider, is meaningful input, so
# none shows a message; each with the reason. Empty so far: a slider's range is the input's range.
UNBOUNDED_CONTROLS: dict[tuple[str, str], str] = {}


def out_of_range(control: Any) -> list[float]:
    span = max(float(control.max - control.min), 1.0)
    values: list[float] = [control.min - span, control.max + span]
    if isinstance(control.value, float):
        values.append(math.nan)
    return values


@pytest.mark.parametrize(("name", "factory"), PANELS, ids=[name for name, _ in PANELS])
def test_widget_shows_out_of_range_values_and_recovers(name: str, factory: Callable[[], Any]) -> None:
    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, display() prints the chart's repr
        panel = factory()
        assert panel.message.value == "", f"{name} starts with a message: {panel.message.value}"
        sliders = {k: c for k, c in panel.controls.items() if hasattr(c, "min") and hasattr(c, "max")}
        assert sliders or not panel.controls, f"{name}: no slider to move"
        for key, control in sliders.items():
            original, low, high = control.value, control.min, control.max
            good = panel.result
            rejected = []
            for bad in out_of_range(control):
                if not math.isnan(bad):  # widen the slider so that it holds the value
                    control.min, control.max = min(low, bad), max(high, bad)
                before = panel.result
                try:
                    control.value = bad
                except Exception as error:  # noqa: BLE001
                    pytest.fail(f"{name}: {key}={bad} raised {type(error).__name__} out of the widget: {error}")
                if panel.message.value:
                    assert panel.result is before, f"{name}: {key}={bad} showed a message but replaced the result"
                    rejected.append(bad)
                else:
                    assert not has_nan(panel.result), f"{name}: {key}={bad} was accepted and gave NaN"
            assert rejected or (name, key) in UNBOUNDED_CONTROLS, (
                f"{name}: no out-of-range value of {key} ({out_of_range(control)}) shows a message; if every "
                "value is meaningful, say why in UNBOUNDED_CONTROLS")
            control.value = original
            control.min, control.max = low, high
            assert panel.message.value == "", f"{name}: the message stays after {key} is back at {original}"
            pd.testing.assert_frame_equal(panel.result, good, obj=f"{name} after {key} is back")
