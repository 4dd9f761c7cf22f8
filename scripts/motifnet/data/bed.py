"""Read BED intervals with optional label and split columns, validating every line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputError
from ..io import text_lines

STRANDS = {"+", "-", "."}


@dataclass
class BedTable:
    """Intervals of one BED file: coordinates, ids, raw label strings and source lines."""

    path: str
    frame: pd.DataFrame  # columns: chrom, start, end, name, strand, line
    labels: pd.DataFrame = field(default_factory=pd.DataFrame)  # one column per label column
    label_names: list[str] = field(default_factory=list)
    split: pd.Series | None = None
    unnamed: list[int] = field(default_factory=list)  # label columns named neither way


def int_field(value: str, what: str, path: str, line: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise InputError(
            f"{what} '{value}' is not an integer", path=path, line=line,
            hint="BED columns 2 and 3 are 0-based integer start and end",
        ) from None
    if number < 0:
        raise InputError(f"{what} {number} is negative", path=path, line=line,
                         hint="BED coordinates are non-negative")
    return number


def interval_fields(cols: list[str], path: str, line: int) -> tuple[int, int, str]:
    """Start, end and strand (column 6, ``.`` when absent) of a BED-like line, checked."""
    start = int_field(cols[1], "start", path, line)
    end = int_field(cols[2], "end", path, line)
    if start >= end:
        raise InputError(f"start {start} is not below end {end}", path=path, line=line,
                         hint="fix or remove the line")
    strand = cols[5] if len(cols) > 5 else "."
    if strand not in STRANDS:
        raise InputError(f"strand '{strand}' is not +, - or .", path=path, line=line,
                         hint="column 6 holds the strand")
    return start, end, strand


def read_bed(
    path: str | os.PathLike,
    label_columns: list[int] | None = None,
    label_names: list[str] | None = None,
    split_column: int | None = None,
) -> BedTable:
    """Parse a BED file (gzipped or not).

    ``label_columns`` and ``split_column`` are 1-based column numbers. Label names come from
    ``label_names``, else from a ``#`` header line, else ``label_<column>`` (those columns are
    listed in ``unnamed``). Header lines
    (``#``, ``track``, ``browser``) and blank lines are skipped.
    """
    path = str(path)
    label_columns = list(label_columns or [])
    needed = max([3, *label_columns, split_column or 0])
    rows: list[tuple[str, int, int, str, str, int]] = []
    labels: list[list[str]] = []
    splits: list[str] = []
    header: list[str] | None = None
    for number, text in text_lines(path):
        if not text.strip():
            continue
        if text.startswith("#"):
            header = text.lstrip("#").split("\t")
            continue
        if text.startswith(("track", "browser")):
            continue
        cols = text.split("\t")
        beyond = {"label_columns": [c for c in label_columns if c > len(cols)],
                  "split_column": [c for c in [split_column] if c and c > len(cols)]}
        asked = next((name for name, columns in beyond.items() if columns), None)
        if len(cols) >= 3 and asked:
            raise InputError(
                f"intervals.{asked} asks for column(s) {beyond[asked]}, but the line has "
                f"{len(cols)} tab-separated columns", path=path, line=number,
                key=f"intervals.{asked}",
                hint="columns count from 1 (chrom, start, end, name, score, strand, then "
                "yours); name columns the file has")
        if len(cols) < needed:
            raise InputError(
                f"{len(cols)} tab-separated columns, at least {needed} needed",
                path=path, line=number,
                hint="BED needs chrom, start, end (tab-separated) and the label "
                "columns the config names",
            )
        start, end, strand = interval_fields(cols, path, number)
        name = cols[3] if len(cols) > 3 else "."
        rows.append((cols[0], start, end, name, strand, number))
        labels.append([cols[c - 1].strip() for c in label_columns])
        if split_column:
            splits.append(cols[split_column - 1].strip())
    if not rows:
        raise InputError("no intervals in the file", path=path,
                         hint="the BED file is empty; check that it was written completely")
    frame = pd.DataFrame(rows, columns=["chrom", "start", "end", "name", "strand", "line"])
    names = label_names or [
        header[c - 1] if header and len(header) >= c else f"label_{c}" for c in label_columns
    ]
    if len(names) != len(label_columns):
        raise InputError(f"{len(names)} label names for {len(label_columns)} label columns",
                         key="intervals.label_names", hint="give one name per label column")
    unnamed = [] if label_names else [
        c for c in label_columns if not (header and len(header) >= c)]
    table = BedTable(path=path, frame=frame, label_names=list(names), unnamed=unnamed)
    table.labels = pd.DataFrame(labels, columns=list(names), dtype=str)
    if split_column:
        table.split = pd.Series(splits, name="split", dtype=str)
    return table
