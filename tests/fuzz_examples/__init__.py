"""The fuzz registry of tests/test_fuzz_human_layer.py: one module per human-layer module.

Each ``tests/fuzz_examples/<module>.py`` defines ``EXAMPLES``, a dict from ``"driftlab.<module>.<function>"`` to an
:class:`Example`: a valid call by keyword, the values each parameter legitimately accepts (the ``KINDS`` below),
the parameters that take one number only, and for non-numeric parameters (a tier name, a trades table) values
that must be rejected naming them. See the docstring of tests/test_fuzz_human_layer.py.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any

KINDS = ("nan", "inf", "-inf", "negative", "zero", "str", "None", "dict", "empty", "mismatch")
ZERO_OR_NEGATIVE = frozenset({"zero", "negative"})


@dataclass(frozen=True)
class Example:
    """A valid call (keyword arguments), what it legitimately accepts per parameter, and scalar-only ones."""

    kwargs: dict[str, Any]
    accepts: dict[str, frozenset[str] | set[str]] = field(default_factory=dict)
    scalar: frozenset[str] | set[str] = frozenset()
    # non-numeric parameters (names, tables, objects): values each must reject naming it
    bad: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def all_examples() -> dict[str, Example]:
    """Every module's ``EXAMPLES``, merged; a function registered twice is an error."""
    merged: dict[str, Example] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for qualname, example in module.EXAMPLES.items():
            if qualname in merged:
                raise ValueError(f"{qualname} is registered twice (second time in {module.__name__})")
            merged[qualname] = example
    return merged
