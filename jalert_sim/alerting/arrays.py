"""Small numpy helpers of the alert engine: row-wise first/last True, and ``np.unique`` /
``np.isin`` for the sorted integer keys (row * 47 + footprint) that the engine's pairs are."""

from __future__ import annotations

import numpy as np


def unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, index of the first occurrence of each): ``np.unique(values,
    return_index=True)`` without its import of numpy.ma (~10 ms of every cold start)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep], order[keep]


def isin(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` for a sorted ``sorted_set``, without importing numpy.ma."""
    at = np.searchsorted(sorted_set, values)
    found = at < len(sorted_set)
    found[found] = sorted_set[at[found]] == values[found]
    return found


def first_true(mask: np.ndarray) -> np.ndarray:
    """Index of the first True per row (-1 if none)."""
    return np.where(mask.any(axis=1), mask.argmax(axis=1), -1)


def last_true(mask: np.ndarray) -> np.ndarray:
    """Index of the last True per row (-1 if none)."""
    m = mask.shape[1]
    return np.where(mask.any(axis=1), m - 1 - mask[:, ::-1].argmax(axis=1), -1)
