"""The sequence table, ``results/<dataset>/data/sequences.tsv.gz``: one row per sequence; with
``dropped.tsv`` (what was left out, with a reason) and ``extraction.json`` (notes on how the
sequences were made, which ``encode`` copies into ``encoding.json``).

Columns: ``id chrom start end strand split sequence``, then one 0/1 column ``y:<class>`` per
class (a number per target for a regression task). Every data rule that makes sequences
writes it (``extract_sequences``, ``extract_benchmark``, ``import_sequences``,
``extract_peaks``) and ``encode`` reads it.
``split`` is empty unless the source predefines one. Imported sequences have no genome
position: ``chrom`` is ``.`` and ``start``/``end`` give the window kept from the original
sequence.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_json, write_tsv

log = logging.getLogger(__name__)

COLUMNS = ["id", "chrom", "start", "end", "strand", "split", "sequence"]
LABEL_PREFIX = "y:"


@dataclass
class SequenceTable:
    """A sequence table read back: the columns of :data:`COLUMNS`, labels ``y`` (N, K) and the
    K class names."""

    frame: pd.DataFrame
    y: np.ndarray
    classes: list[str]


def with_labels(frame: pd.DataFrame, y: np.ndarray, classes: list[str],
                prefix: str = LABEL_PREFIX) -> pd.DataFrame:
    """``frame`` with one column ``<prefix><class>`` per class appended, holding ``y[:, k]``."""
    labelled = frame.reset_index(drop=True).copy()
    for k, name in enumerate(classes):
        labelled[f"{prefix}{name}"] = y[:, k]
    return labelled


def sequence_table(frame: pd.DataFrame, sequences: list[str], y: np.ndarray,
                   classes: list[str]) -> pd.DataFrame:
    """The table of intervals ``frame`` (id, chrom, start, end, strand, split) with their
    ``sequences`` and labels."""
    return with_labels(frame.assign(sequence=sequences)[COLUMNS], y, classes)


def write_table(path: str | os.PathLike, table: pd.DataFrame) -> None:
    """Write a sequence table, gzipped and atomically."""
    write_tsv(path, table, compress=True)


def read_table(path: str | os.PathLike, task: str | None = None) -> SequenceTable:
    """Read a table written by :func:`write_table`: 0/1 labels as uint8, a regression
    ``task``'s targets as float32."""
    frame = pd.read_csv(path, sep="\t", dtype={"split": str, "id": str, "chrom": str},
                        keep_default_na=False)
    label_columns = [c for c in frame.columns if c.startswith(LABEL_PREFIX)]
    classes = [c[len(LABEL_PREFIX):] for c in label_columns]
    dtype = np.float32 if task == "regression" else np.uint8
    return SequenceTable(frame[COLUMNS], frame[label_columns].to_numpy(dtype), classes)


def write_tables(sequences_path: str | os.PathLike, dropped_path: str | os.PathLike,
                 notes_path: str | os.PathLike, table: pd.DataFrame, dropped: pd.DataFrame,
                 notes: dict) -> None:
    """Write the sequence table, the rows that were dropped with a ``reason`` each (plain
    TSV) and the notes (JSON); log both counts and every reason."""
    write_table(sequences_path, table)
    write_tsv(dropped_path, dropped)
    write_json(notes_path, notes)
    log.info("%d sequences kept, %d dropped", len(table), len(dropped))
    for reason, count in dropped["reason"].value_counts().items():
        log.warning("dropped %d: %s (listed in %s)", count, reason, dropped_path)


def read_notes(path: str | os.PathLike) -> dict:
    """The notes written by :func:`write_tables`."""
    return json.loads(Path(path).read_text())
