"""A :class:`~.table.ScenarioTable` as an Apache Arrow table (pyarrow, the optional extra
``jalert-sim[parquet]``): what ``to_arrow()`` returns and a Parquet batch writes.

Typed columns: the table's per-scenario columns as they are (floats, booleans, int16, strings;
NaN figures of a failed row as nulls), ``error``, the launch time and the rounded clock times of
the impact, first alert and overflight as timestamps (JST), ``warned`` ("01;02", as in the CSV)
and the warned prefectures as lists of JIS codes and reasons (``warned_codes``,
``warned_reasons``, parallel lists).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..clock import launch_epoch_s
from ..errors import InputError

#: The clock-time columns: name -> the seconds-after-launch column it is taken from.
CLOCK_COLUMNS = {"impact_time": "flight_time_s", "alert_time": "alert_time_s",
                 "overflight_start": "overflight_start_s", "overflight_end": "overflight_end_s"}


def require_pyarrow() -> Any:
    """The pyarrow module, or an InputError that says how to install it."""
    try:
        import pyarrow
    except ImportError:
        raise InputError("format", "Parquet and to_arrow() need pyarrow: pip install 'jalert-sim[parquet]'") from None
    return pyarrow


def scenario_table(table, prefix: dict[str, Any] | None = None):
    """The pyarrow.Table of ``table`` (a ScenarioTable), after the ``prefix`` columns (name ->
    values, e.g. a batch's id and row)."""
    pa = require_pyarrow()
    n = len(table)
    ok = table.columns["ok"]
    launch = np.array([launch_epoch_s(t) if t is not None else 0 for t in table.launch_time], dtype=np.int64)
    launch_us = np.array([t.microsecond if t is not None else 0 for t in table.launch_time], dtype=np.int64)
    jst = pa.timestamp("s", tz="+09:00")
    out: dict[str, Any] = dict(prefix or {})
    out["error"] = pa.array(table.error, pa.string())
    out["launch_time"] = pa.array(launch * 1_000_000 + launch_us, pa.timestamp("us", tz="+09:00"), mask=~ok)
    for name, values in table.columns.items():
        if name == "ok":
            out[name] = pa.array(values)
        elif values.dtype.kind == "f":
            out[name] = pa.array(values, mask=np.isnan(values))
        elif values.dtype.kind == "O":
            out[name] = pa.array(values.tolist(), pa.string())
        else:
            out[name] = pa.array(values, mask=~ok)
    for name, source in CLOCK_COLUMNS.items():
        s = table.columns[source]
        missing = np.isnan(s)
        out[name] = pa.array(launch + np.rint(np.where(missing, 0.0, s)).astype(np.int64), jst, mask=missing)
    out.update(_warned_columns(pa, table, n))
    return pa.table(out)


def _warned_columns(pa, table, n: int) -> dict[str, Any]:
    pairs = table.pairs
    offsets = np.searchsorted(pairs["row"], np.arange(n + 1)).astype(np.int32)
    codes = np.array(table.prefecture_codes, dtype=object)[pairs["prefecture"]]
    words = np.array(table.reasons, dtype=object)[pairs["reason"]]
    mask = pa.array(~table.columns["ok"])
    listed = {
        "warned_codes": pa.ListArray.from_arrays(pa.array(offsets), pa.array(codes.tolist(), pa.string()), mask=mask),
        "warned_reasons": pa.ListArray.from_arrays(pa.array(offsets), pa.array(words.tolist(), pa.string()), mask=mask),
    }
    joined = [";".join(codes[offsets[k]:offsets[k + 1]]) for k in range(n)]
    warned = pa.array(joined, pa.string(), mask=~table.columns["ok"])
    return {"warned": warned, **listed}
