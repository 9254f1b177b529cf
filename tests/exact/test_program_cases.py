"""The program's own unit-test numbers, run against ``driftlab.exact``.

``tests/data/program_cases.json`` holds assertions of protocol-v2 v2.161.0's Rust tests (each case names its
test in ``"test"``). Integers travel as decimal strings, structs as ``{"__struct__": Name, field: value}``,
enums as ``{"__enum__": "Type.Variant"}``; ``{"__raises__": true}`` means the program returns ``Err``.
A case whose function the exact layer does not have yet is skipped with the function's name, so the
skip list is the to-do list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import driftlab.exact as exact

CASES_PATH = Path(__file__).parent.parent / "data" / "program_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_PATH.read_text())["cases"]


def _enum(path: str) -> Any:
    type_name, variant = path.split(".")
    enum_type = getattr(exact, type_name)
    key = variant.replace("_", "").lower()
    matches = [m for m in enum_type if m.name.replace("_", "").lower() == key]
    assert matches, f"{type_name} has no variant {variant}"
    return matches[0]


def decode(value: Any) -> Any:
    """JSON case value -> the exact layer's ints, enums and dataclasses."""
    if isinstance(value, dict):
        if "__enum__" in value:
            return _enum(value["__enum__"])
        if "__struct__" in value:
            cls = getattr(exact, value["__struct__"])
            return cls(**{k: decode(v) for k, v in value.items() if k != "__struct__"})
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def plain(result: Any) -> Any:
    """A result as plain ints, bools, names, lists and dicts."""
    if isinstance(result, bool) or result is None:
        return result
    if isinstance(result, exact.ProgramEnum):
        return result.name
    if isinstance(result, int):
        return int(result)
    if isinstance(result, (tuple, list)):
        return [plain(x) for x in result]
    if hasattr(result, "__dataclass_fields__"):
        return {k: plain(getattr(result, k)) for k in result.__dataclass_fields__}
    return result


def expected_matches(expected: Any, got: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(k in got and expected_matches(v, got[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(map(expected_matches, expected, got))
    if isinstance(expected, str) and expected.lstrip("-").isdigit():
        return isinstance(got, int) and not isinstance(got, bool) and got == int(expected)
    return bool(expected == got)


def _params() -> Iterator[Any]:
    counts: dict[str, int] = {}
    for case in CASES:
        n = counts[case["fn"]] = counts.get(case["fn"], 0) + 1
        yield pytest.param(case, id=f"{case['fn']}-{n}")


@pytest.mark.parametrize("case", list(_params()))
def test_program_case(case: dict[str, Any]) -> None:
    fn = getattr(exact, case["fn"], None)
    if fn is None:
        pytest.skip(f"not in driftlab.exact yet: {case['fn']}")
    args = decode(case["args"])
    expected = case["expected"]
    if isinstance(expected, dict) and expected.get("__raises__"):
        with pytest.raises(exact.DriftError):
            fn(*args)
        return
    got = plain(fn(*args))
    assert expected_matches(expected, got), f"{case['test']}: expected {expected}, got {got}"
