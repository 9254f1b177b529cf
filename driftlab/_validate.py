"""Input checks for the human layer: every failure is a ``ValueError`` naming the parameter and its range.

Each checker takes the parameter's name and a scalar or array-like, and returns it as a float ndarray (or
the scalar's 0-d array) so that callers can broadcast it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def as_float_array(name: str, value: ArrayLike) -> FloatArray:
    """``value`` as a float array; a ``ValueError`` naming ``name`` for non-numeric, empty or non-finite input."""
    if isinstance(value, (str, bytes)) or value is None:
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {_show(value)}") from None
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {_show(value)}")
    return array


def positive(name: str, value: ArrayLike) -> FloatArray:
    """``value`` > 0 everywhere."""
    array = as_float_array(name, value)
    if np.any(array <= 0):
        raise ValueError(f"{name} must be > 0, got {_show(value)}")
    return array


def non_negative(name: str, value: ArrayLike) -> FloatArray:
    """``value`` >= 0 everywhere."""
    array = as_float_array(name, value)
    if np.any(array < 0):
        raise ValueError(f"{name} must be >= 0, got {_show(value)}")
    return array


def in_range(name: str, value: ArrayLike, low: float, high: float, *, low_open: bool = False,
             high_open: bool = False) -> FloatArray:
    """``low <= value <= high`` (either end open on request), everywhere."""
    array = as_float_array(name, value)
    too_low = array <= low if low_open else array < low
    too_high = array >= high if high_open else array > high
    if np.any(too_low | too_high):
        left, right = ("(" if low_open else "["), (")" if high_open else "]")
        raise ValueError(f"{name} must be in {left}{low:g}, {high:g}{right}, got {_show(value)}")
    return array


def broadcast(**arrays: FloatArray) -> list[FloatArray]:
    """Broadcast named arrays together; a ``ValueError`` naming them when their shapes do not match."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"shapes do not broadcast: {shapes}") from None


def scalar_or_array(result: FloatArray) -> Any:
    """A 0-d result as a Python float, otherwise the array."""
    return float(result) if np.ndim(result) == 0 else result


def _show(value: Any) -> str:
    array = np.asarray(value, dtype=object)
    if array.ndim == 0:
        return repr(value)
    return f"an array of shape {array.shape}"
