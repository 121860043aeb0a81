"""Structural signatures of JSON payloads, to compare a simulated payload with a real one.

A signature records, for every key path, which JSON types and string/number encodings occur
(an ISO time, a digit string, a U+E000 column id, epoch seconds or milliseconds...). The
comparison asks: does every path of the real payload exist in the simulated one, with the
real value types and encodings among the simulated ones? Nothing here lists fields by hand.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

_ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_DIGITS = re.compile(r"^\d+$")
_FLOAT_TEXT = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def encoding(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        # Epoch milliseconds are 13 digits; 10-digit ints are as often ids as seconds.
        return "int:epoch_ms" if 10**12 <= value < 10**13 else "int"
    if isinstance(value, float):
        return "float:epoch_s" if 10**9 <= value < 10**10 else "float"
    if isinstance(value, str):
        if value == "":
            return "str:empty"
        if value.startswith("\ue000"):
            return "str:column_id"
        if _ISO_Z.match(value):
            return "str:iso8601"
        if _DIGITS.match(value):
            return "str:digits"
        if _FLOAT_TEXT.match(value):
            return "str:number"
        return "str"
    if isinstance(value, dict):
        return "object"
    return "array"


def signature(
    payload: object, maps: frozenset[str] = frozenset(), path: str = "$", out: dict | None = None
) -> dict[str, set[str]]:
    """{path: {encodings}}; list items share the path `<list>[]`.

    Objects under a key in `maps` are keyed by data (label sets, test names, bug ids), so
    their entries share the path `<key>{}`.
    """
    out = defaultdict(set) if out is None else out
    out[path].add(encoding(payload))
    if isinstance(payload, dict):
        is_map = path.rsplit(".", 1)[-1].removesuffix("[]") in maps
        for key, value in payload.items():
            signature(value, maps, f"{path}{{}}" if is_map else f"{path}.{key}", out)
    elif isinstance(payload, list):
        for item in payload:
            signature(item, maps, f"{path}[]", out)
    return out


def _kind(enc: str) -> str:
    return enc.split(":")[0]


def differences(
    real: list,
    simulated: list,
    maps: frozenset[str] = frozenset(),
    skip: Callable[[str], bool] = lambda path: False,
) -> list[str]:
    """What the simulated payloads lack, or encode differently, compared with the real ones.

    Both sides are lists of payloads, so that several simulated payloads together can show
    every variant the real sample shows (a row with an alert, a closed PR...). A real value
    with a plain encoding (`str`, `int`) is matched by any value of that kind; a specific one
    (an ISO time, epoch milliseconds, a U+E000 column id) must appear as such. `skip` leaves
    out paths the caller has a stated reason to leave out.
    """
    want, have = signature(real, maps), signature(simulated, maps)
    problems = []
    for path, encodings in sorted(want.items()):
        if skip(path):
            continue
        if path not in have:
            problems.append(f"{path}: missing")
            continue
        for enc in sorted(encodings - {"null"}):
            if not _satisfied(enc, have[path]):
                problems.append(f"{path}: real {enc}, simulated {sorted(have[path])}")
    return problems


def _satisfied(enc: str, simulated: set[str]) -> bool:
    kinds = {_kind(e) for e in simulated}
    if enc in simulated:
        return True
    if ":" not in enc or enc == "str:empty":
        return _kind(enc) in kinds
    return enc == "str:digits" and "str:number" in simulated
