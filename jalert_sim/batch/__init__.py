"""Batches: many scenarios from a CSV or JSON Lines file, streamed, spread over processes."""

from .run import CSV_COLUMNS, FIELDS, FORMATS, BatchSummary, csv_row, json_record, run_batch, scenario_from_fields

__all__ = ["BatchSummary", "CSV_COLUMNS", "FIELDS", "FORMATS", "csv_row", "json_record", "run_batch",
           "scenario_from_fields"]
