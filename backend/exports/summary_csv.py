"""A summary as CSV: one line per row, shapes written as 1x3x224x224."""

import csv
import io

from backend.analysis.summary import ModelSummary

CSV_COLUMNS = (
    "index",
    "name",
    "type",
    "depth",
    "parent",
    "is_leaf",
    "recursive",
    "trainable",
    "input_shape",
    "output_shape",
    "params",
    "trainable_params",
    "mult_adds",
    "kernel_size",
    "functional",  # an operation of forward() without a module (F.relu, view, +=)
    "line",  # functional rows: the line of the model's code that calls it
)


def _cell(value: object) -> object:
    if isinstance(value, list):
        return "x".join(str(v) for v in value)  # shapes as 1x3x224x224
    return "" if value is None else value


def summary_csv(summary: ModelSummary) -> str:
    """One line per summary row, the columns of CSV_COLUMNS; shapes written as 1x3x224x224."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in summary.layers:
        data = row.model_dump()
        writer.writerow([_cell(data[c]) for c in CSV_COLUMNS])
    return out.getvalue()
