"""Rust integer semantics: checked arithmetic, truncating division, ceil/floor division, casts, roots.

Python ints never overflow and ``//`` floors, so the program's arithmetic is spelled out here:

- ``safe_div(a, b)`` truncates toward zero like Rust's ``/`` (``-7 / 2 == -3``); ``b == 0`` raises ``MathError``.
- ``safe_div_ceil`` adds one when the (sign-of-dividend) remainder is positive: a true ceiling for
  non-negative operands, the truncated value for a negative dividend (program: math/ceil_div.rs).
- ``safe_div_floor`` subtracts one whenever the remainder is non-zero (program: math/floor_div.rs); it is
  a true floor only for negative quotients, which is where the program uses it.
- ``safe_add``/``safe_sub``/``safe_mul`` take the Rust type of the expression and raise ``MathError`` when the
  result leaves its range (``0_u128.safe_sub(1)``); ``cast`` raises ``CastingFailure`` (program: math/casting.rs).
- ``integer_sqrt`` and ``nth_root`` are floor roots, as the program's ``integer_sqrt()``/``nth_root()``.

program: math/safe_math.rs, math/ceil_div.rs, math/floor_div.rs, math/casting.rs
"""

from __future__ import annotations

from math import isqrt
from typing import NamedTuple

from .errors import CastingFailure, MathError


class IntType(NamedTuple):
    """A Rust integer type: its name and inclusive range."""

    name: str
    min: int
    max: int

    def contains(self, value: int) -> bool:
        return self.min <= value <= self.max


def _unsigned(bits: int) -> IntType:
    return IntType(f"u{bits}", 0, 2**bits - 1)


def _signed(bits: int) -> IntType:
    return IntType(f"i{bits}", -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)


U8, U16, U32, U64, U128, U192, U256 = (_unsigned(b) for b in (8, 16, 32, 64, 128, 192, 256))
I8, I16, I32, I64, I128 = (_signed(b) for b in (8, 16, 32, 64, 128))


def checked(value: int, ty: IntType) -> int:
    """``value`` if it fits ``ty``, else the program's ``MathError`` (a failed checked_add/sub/mul)."""
    if not ty.min <= value <= ty.max:
        raise MathError(f"{value} overflows {ty.name}")
    return value


def cast(value: int, ty: IntType) -> int:
    """``value.cast::<ty>()``: ``value`` if it fits ``ty``, else ``CastingFailure``."""
    if not ty.min <= value <= ty.max:
        raise CastingFailure(f"{value} does not fit {ty.name}")
    return value


def safe_add(a: int, b: int, ty: IntType = I128) -> int:
    """``a.safe_add(b)`` in type ``ty``."""
    return checked(a + b, ty)


def safe_sub(a: int, b: int, ty: IntType = I128) -> int:
    """``a.safe_sub(b)`` in type ``ty`` (unsigned types raise ``MathError`` below zero)."""
    return checked(a - b, ty)


def safe_mul(a: int, b: int, ty: IntType = I128) -> int:
    """``a.safe_mul(b)`` in type ``ty``."""
    return checked(a * b, ty)


def rust_rem(a: int, b: int) -> int:
    """Rust's ``a % b``: the remainder takes the sign of the dividend."""
    if b == 0:
        raise MathError("remainder by zero")
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def safe_div(a: int, b: int, ty: IntType | None = None) -> int:
    """Rust's ``a / b`` (``safe_div``): truncates toward zero; division by zero is ``MathError``.

    With ``ty``, a quotient outside it (only ``MIN / -1`` of a signed type) is ``MathError`` too.
    """
    if b == 0:
        raise MathError("division by zero")
    q = abs(a) // abs(b)
    q = q if (a < 0) == (b < 0) else -q
    return q if ty is None else checked(q, ty)


def safe_div_ceil(a: int, b: int) -> int:
    """``a.safe_div_ceil(b)``: ``a / b`` plus one when ``a % b > 0`` (Rust remainder). program: math/ceil_div.rs"""
    q = safe_div(a, b)
    return q + 1 if rust_rem(a, b) > 0 else q


def safe_div_floor(a: int, b: int) -> int:
    """``a.safe_div_floor(b)``: ``a / b`` minus one when ``a % b != 0``. program: math/floor_div.rs"""
    q = safe_div(a, b)
    return q - 1 if rust_rem(a, b) != 0 else q


def checked_abs(value: int, ty: IntType) -> int:
    """Rust's ``.abs()`` on a signed ``ty``: ``MIN.abs()`` overflows (a panic in the program; ``MathError`` here)."""
    if value == ty.min:
        raise MathError(f"abs({value}) overflows {ty.name}")
    return abs(value)


def signum(value: int) -> int:
    """Rust's ``signum()``: -1, 0 or 1."""
    return (value > 0) - (value < 0)


def integer_sqrt(value: int) -> int:
    """``U192::integer_sqrt()``: the floor square root of a non-negative integer."""
    if value < 0:
        raise MathError("square root of a negative number")
    return isqrt(value)


def nth_root(value: int, n: int) -> int:
    """``num_integer::Roots::nth_root``: the largest ``r`` with ``r**n <= value`` (non-negative ``value``)."""
    if value < 0 or n < 1:
        raise MathError("nth_root needs value >= 0 and n >= 1")
    if n == 2:
        return isqrt(value)
    root = int(round(value ** (1.0 / n)))
    while root**n > value:
        root -= 1
    while (root + 1) ** n <= value:
        root += 1
    return root
