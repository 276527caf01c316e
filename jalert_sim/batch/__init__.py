"""Batches: many scenarios from a CSV or JSON Lines file, streamed, spread over processes.

The library behind ``jalert-sim batch``; a script can do everything the command does::

    from jalert_sim.batch import run_batch
    summary = run_batch("scenarios.csv", "results.jsonl", format="jsonl", jobs=4)
    print(summary.ok, summary.failed)

Input: one scenario per row, a CSV file with a header or JSON Lines (one object per
line); the fields are listed in :data:`FIELDS`. Output: one record per input row, in
input order. JSONL records are the ``jalert-sim run --format json`` document plus
``id`` and ``row`` (``track`` only on request); a row that cannot be simulated gives
``{"id", "row", "error"}`` and the batch goes on. CSV output has one row per scenario
(:data:`CSV_COLUMNS`).

Memory stays flat: rows are read, solved and written ``chunk_size`` at a time, and at
most two chunks per worker are in flight. Workers are forked after the geography has
been loaded once, so they share it.

The modules: ``run`` (:func:`run_batch`) reads the input as a stream of raw rows
(``reading``), in chunks (``chunks``) solved here or by forked worker processes
(``workers``), where each row is parsed (``parsing``; its fields and the scenario they make:
``fields``) and written (``records``: JSONL; the CSV rows are ``exports.csv``).

On a Dask cluster (the extra ``jalert-sim[dask]``; dask is imported only when used):
``cluster`` (:func:`run_on_cluster`, ``batch --scheduler``; ``connect``, and ``map_parts``, the
runner that maps a function over partitions on the cluster in order) plans the input as
``partitions`` that the workers read and solve themselves, and writes through ``dataset`` (a
Parquet dataset put in place whole); ``frames`` (:func:`simulate_dataframe`) maps the engine
over a ``dask.dataframe.DataFrame`` of scenarios.
"""

from ..exports.csv import SCENARIO_COLUMNS as CSV_COLUMNS
from ..exports.csv import scenario_row as csv_row
from .fields import FIELDS, scenario_from_fields
from .cluster import run_on_cluster
from .frames import simulate_dataframe
from .records import json_record
from .run import FORMATS, BatchSummary, run_batch

__all__ = ["BatchSummary", "CSV_COLUMNS", "FIELDS", "FORMATS", "csv_row", "json_record", "run_batch",
           "run_on_cluster", "scenario_from_fields", "simulate_dataframe"]
