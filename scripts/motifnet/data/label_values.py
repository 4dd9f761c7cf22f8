"""The distinct label values of a dataset's label column, read while the config is checked, so
that a binary task with class names and no ``positive_class`` stops before any job runs.

Imports nothing heavy (the Snakefile calls it). Reads at most :data:`MAX_LINES` lines; a file
that does not exist yet (made by another rule) is not read.
"""

from __future__ import annotations

from pathlib import Path

from ..io import open_text

MAX_LINES = 200_000
NUMERIC = {"0", "1"}


def _lines(path: str):
    with open_text(path) as handle:
        for number, line in enumerate(handle):
            if number >= MAX_LINES:
                return
            yield line.rstrip("\r\n")


def bed_labels(path: str, column: int) -> set[str]:
    """Values of a BED file's 1-based ``column`` (header, track and blank lines skipped)."""
    values = set()
    for line in _lines(path):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        cols = line.split("\t")
        if len(cols) >= column:
            values.add(cols[column - 1].strip())
    return values


def bed_columns(path: str) -> int | None:
    """Tab-separated columns of a BED file's first interval line; None where it has none or
    cannot be read (the job reports it)."""
    if not Path(path).is_file():
        return None
    try:
        for line in _lines(path):
            if line.strip() and not line.startswith(("#", "track", "browser")):
                return len(line.split("\t"))
    except (OSError, EOFError, UnicodeDecodeError, ValueError):
        return None
    return None


def fasta_labels(path: str) -> set[str]:
    """Labels of FASTA headers ``>ID label=X`` or ``>ID X``."""
    values = set()
    for line in _lines(path):
        if line.startswith(">"):
            fields = line[1:].split()
            keys = dict(f.split("=", 1) for f in fields[1:] if "=" in f)
            if "label" in keys:
                values.add(keys["label"])
            elif len(fields) > 1 and "=" not in fields[1]:
                values.add(fields[1])
    return values


def tsv_labels(path: str, column: str) -> set[str]:
    """Values of a TSV's named ``column`` (the first row is the header)."""
    rows = (line.split("\t") for line in _lines(path) if line.strip())
    header = [c.strip() for c in next(rows, [])]
    if column not in header:
        return set()
    index = header.index(column)
    return {row[index].strip() for row in rows if len(row) > index}


def named_labels(spec: dict, kind: str) -> list[str]:
    """The class names (labels other than 0/1) of a binary dataset's one label column, for an
    ``intervals`` block with ``bed`` or a ``sequences`` block; empty where the labels are
    0/1, the file is not there yet, or the block names classes by file."""
    if kind == "intervals" and "bed" in spec:
        path, read = spec["bed"], lambda p: bed_labels(p, spec["label_columns"][0])
    elif kind == "sequences" and "fasta" in spec:
        path, read = spec["fasta"], fasta_labels
    elif kind == "sequences":
        path, read = spec["tsv"], lambda p: tsv_labels(p, spec.get("label_columns", ["label"])[0])
    else:
        return []
    if not Path(path).is_file():
        return []
    try:
        values = read(path)
    except (OSError, EOFError, UnicodeDecodeError, ValueError):
        return []  # unreadable: the job reports it with the line
    if values & NUMERIC:
        return []  # 0/1 labels, or numbers mixed with names: the job names the line
    return sorted(values)
