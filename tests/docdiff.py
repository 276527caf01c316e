"""Compare two result documents up to floating-point noise.

Trajectories are solved by vectorised Newton iterations whose stopping test looks at
the whole batch, so the same scenario solved alone or among others differs in the last
few bits (~1e-12 relative). Everything else must be equal: keys, strings, booleans,
list lengths, and numbers to 1e-9 relative (1e-6 absolute near zero).
"""

from __future__ import annotations

import math
from typing import Any


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a.keys() ^ b.keys())} differ"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}/{k}")]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return [f"{path}: lengths {len(a)} != {len(b)}"]
        return [d for k, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{k}]")]
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6) else [f"{path}: {a!r} != {b!r}"]
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, float)):
        return [f"{path}: {a!r} != {b!r} (types)"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def assert_same(a: Any, b: Any) -> None:
    diffs = differences(a, b)
    assert not diffs, "\n".join(diffs[:20])
