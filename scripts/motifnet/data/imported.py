"""Users' own sequences: a FASTA with labels in the headers, or a TSV, as a sequence table
(:mod:`.table`), so encoding works unchanged. Imported sequences have no genome position:
``chrom`` is ``.``, ``strand`` ``+``, and ``start``/``end`` give the window kept from the
original sequence.

FASTA headers: ``>ID label=CLASS split=train`` (``split`` optional) or ``>ID CLASS``; for a
multi-label task ``label=A,B`` lists the classes the sequence belongs to (``label=.`` none).
TSV: a header row with ``id``, ``sequence``, the label column(s) and optionally ``split``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io import text_lines
from .bed import BedTable
from .extract import length_notes, pad_to_length, resize
from .intervals import LabelledIntervals, assign_ids, from_label_columns, named_negative
from .table import sequence_table

IUPAC = set("ACGTUNRYSWKMBDHVacgtunryswkmbdhv")
_NO_LABEL = {"", "."}


@dataclass
class SequenceRecords:
    """Sequences as read, with their raw label strings and the file line of each."""

    path: str
    kind: str  # "fasta" (multi-labels as class-name lists) or "tsv" (0/1 label columns)
    ids: list[str]
    sequences: list[str]
    lines: list[int]
    labels: pd.DataFrame  # one column per label column, strings
    split: list[str] | None


def _check_letters(sequence: str, path: str, line: int) -> str:
    bad = set(sequence) - IUPAC
    if bad:
        raise InputError(
            f"sequence holds {''.join(sorted(bad))[:10]!r}, not DNA letters", path=path,
            line=line, hint="sequences hold A, C, G, T (or U, N and IUPAC codes); remove gaps, "
            "digits and spaces",
        )
    return sequence.replace("U", "T").replace("u", "t")


def _parse_header(text: str, path: str, line: int) -> tuple[str, str, str | None]:
    """Id, label and split of a FASTA header ``>ID label=X split=Y`` or ``>ID X``."""
    fields = text[1:].split()
    if not fields:
        raise InputError("empty FASTA header", path=path, line=line,
                         hint="write >ID label=CLASS (or >ID CLASS)")
    keys = dict(f.split("=", 1) for f in fields[1:] if "=" in f)
    label = keys.get("label")
    if label is None and len(fields) > 1 and "=" not in fields[1]:
        label = fields[1]
    if label is None:
        raise InputError(f"no label in the header of '{fields[0]}'", path=path, line=line,
                         hint="write >ID label=CLASS (or >ID CLASS); for several labels "
                         "label=A,B")
    return fields[0], label, keys.get("split")


def read_fasta(path: str | os.PathLike) -> SequenceRecords:
    """Read a FASTA (plain or gzipped) whose headers carry a label and optionally a split."""
    path = str(path)
    ids, labels, splits, lines, chunks = [], [], [], [], []
    for number, text in text_lines(path):
        if text.startswith(">"):
            if chunks and not chunks[-1]:
                raise InputError(f"record '{ids[-1]}' has no sequence", path=path,
                                 line=lines[-1], hint="remove the empty record")
            identifier, label, split = _parse_header(text, path, number)
            ids.append(identifier)
            labels.append(label)
            splits.append(split)
            lines.append(number)
            chunks.append([])
        elif text.strip():
            if not chunks:
                raise InputError("sequence before the first '>' header", path=path,
                                 line=number, hint="a FASTA record starts with >ID label=CLASS")
            chunks[-1].append(_check_letters(text.strip(), path, number))
    if not ids:
        raise InputError("no FASTA records in the file", path=path,
                         hint="give a FASTA whose headers read >ID label=CLASS")
    if not chunks[-1]:
        raise InputError(f"record '{ids[-1]}' has no sequence", path=path, line=lines[-1],
                         hint="remove the empty record")
    given = [s is not None for s in splits]
    if any(given) and not all(given):
        row = given.index(False)
        raise InputError(f"record '{ids[row]}' has no split= while others have one",
                         path=path, line=lines[row], hint="give split= on every header or none")
    return SequenceRecords(path, "fasta", ids, ["".join(c) for c in chunks], lines,
                           pd.DataFrame({"label": labels}, dtype=str),
                           splits if all(given) else None)


def read_tsv(path: str | os.PathLike, label_columns: list[str]) -> SequenceRecords:
    """Read a TSV with a header row: ``id``, ``sequence``, label columns, optional ``split``."""
    path = str(path)
    rows, lines, header = [], [], None
    for number, text in text_lines(path):
        if not text.strip():
            continue
        cols = text.split("\t")
        if header is None:
            header = [c.strip() for c in cols]
            missing = [c for c in ["id", "sequence", *label_columns] if c not in header]
            if missing:
                raise InputError(f"the header row lacks column(s) {missing}; it has {header}",
                                 path=path, line=number,
                                 hint="the first row names the columns: id, sequence, the "
                                 "label column(s) (sequences.label_columns) and optional split")
            continue
        if len(cols) != len(header):
            raise InputError(f"{len(cols)} tab-separated fields, the header has {len(header)}",
                             path=path, line=number, hint="one field per header column")
        rows.append([c.strip() for c in cols])
        lines.append(number)
    if not rows:
        raise InputError("no sequences in the file", path=path,
                         hint="the TSV needs a header row and one row per sequence")
    table = pd.DataFrame(rows, columns=header, dtype=str)
    for column in ("id", "sequence"):
        empty = (table[column] == "").to_numpy()
        if empty.any():
            row = int(np.flatnonzero(empty)[0])
            raise InputError(f"empty {column}", path=path, line=lines[row],
                             hint=f"every row needs a {column}")
    sequences = [_check_letters(s, path, line) for s, line in zip(table["sequence"], lines)]
    split = table["split"].tolist() if "split" in table else None
    return SequenceRecords(path, "tsv", table["id"].tolist(), sequences, lines,
                           table[label_columns].reset_index(drop=True), split)


def read_sequences(spec: dict) -> SequenceRecords:
    """Read a dataset's ``sequences`` block (``fasta`` or ``tsv``)."""
    if "fasta" in spec:
        return read_fasta(spec["fasta"])
    return read_tsv(spec["tsv"], list(spec.get("label_columns", ["label"])))


def _multilabel_from_names(records: SequenceRecords) -> pd.DataFrame:
    """0/1 columns, one per class, from comma-separated class names (``label=A,B``)."""
    members = [set() if v.strip() in _NO_LABEL else {c.strip() for c in v.split(",")}
               for v in records.labels["label"]]
    classes = sorted(set().union(*members))
    if not classes:
        raise InputError("no sequence carries a label", path=records.path,
                         hint="a multi-label header lists the classes: label=A,B")
    return pd.DataFrame({c: ["1" if c in m else "0" for m in members] for c in classes},
                        dtype=str)


def label_sequences(records: SequenceRecords, task: str, positive: str | None = None,
                    max_dropped_fraction: float = 0.0) -> LabelledIntervals:
    """Labels (y, classes) and ids of the records, by the same rules as BED label columns
    (for a regression task, records without a numeric target are dropped within
    ``max_dropped_fraction``)."""
    first: dict[str, int] = {}
    for identifier, line in zip(records.ids, records.lines):
        if identifier in first:
            raise InputError(f"sequence id '{identifier}' repeats line {first[identifier]}",
                             path=records.path, line=line, hint="ids must be unique")
        first[identifier] = line
    labels = records.labels
    if task == "multilabel" and records.kind == "fasta":
        labels = _multilabel_from_names(records)
    frame = pd.DataFrame({
        "chrom": ".", "start": 0, "end": [len(s) for s in records.sequences],
        "name": records.ids, "strand": ".", "line": records.lines,
    })
    table = BedTable(path=records.path, frame=frame, labels=labels,
                     label_names=list(labels.columns),
                     split=None if records.split is None else pd.Series(records.split))
    try:
        result = from_label_columns(table, task, positive, max_dropped_fraction)
        framed = assign_ids(result.frame)
    except InputError as error:
        key = error.key.replace("intervals.", "sequences.") if error.key else None
        raise InputError(error.problem, path=error.path, line=error.line, key=key,
                         hint=error.hint) from None
    dropped = result.dropped
    if len(dropped):
        dropped = dropped.rename(columns={"name": "id"})[["id", "source", "reason"]]
    return LabelledIntervals(framed.reset_index(drop=True), result.y, result.classes, dropped,
                             negative_class=result.negative_class)


def fit_length(sequences: list[str], length: int, policy: str) -> tuple[pd.DataFrame, list[str]]:
    """Windows of ``length`` cut at the centre of longer sequences; shorter ones N-padded.

    ``crop`` drops shorter sequences instead (their window row has ``keep`` False). Without a
    genome around a sequence, ``center`` behaves as ``pad``.
    """
    sizes = np.array([len(s) for s in sequences], dtype=np.int64)
    windows = resize(pd.DataFrame({"start": 0, "end": sizes}), length,
                     "crop" if policy == "crop" else "pad")
    windows["keep"] = (sizes >= length) if policy == "crop" else True
    cut = [s[a:b] for s, a, b in zip(sequences, windows["start"], windows["end"])]
    return windows, pad_to_length(cut, length)


def import_sequences(spec: dict, task: str, length: int, resize: str,
                     max_dropped_fraction: float,
                     need_split: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The sequence table of a ``sequences`` block, the dropped sequences with a reason, and
    notes for ``encoding.json``.

    ``need_split`` (split method ``predefined``) requires a split for every sequence.
    """
    records = read_sequences(spec)
    if need_split and records.split is None:
        raise InputError(
            "split.method is predefined but the file gives no split", path=records.path,
            hint="add split=train|val|test to every FASTA header (or a split column to the "
            "TSV), or use split.method random",
        )
    labelled = label_sequences(records, task, spec.get("positive_class"), max_dropped_fraction)
    labelled.negative_class = named_negative(labelled, spec, task, "sequences")
    notes = {**length_notes(labelled.frame, length, "crop" if resize == "crop" else "pad"),
             **labelled.notes()}
    row = {line: i for i, line in enumerate(records.lines)}
    sequences = [records.sequences[row[line]] for line in labelled.frame["line"]]
    windows, fitted = fit_length(sequences, length, resize)
    keep = windows["keep"].to_numpy()
    frame = labelled.frame.assign(start=windows["start"], end=windows["end"], strand="+")
    dropped = labelled.frame.loc[~keep, ["id", "end", "source"]].rename(
        columns={"end": "length"}).assign(reason=f"shorter than {length} (resize: crop)")
    if 1 - keep.mean() > max_dropped_fraction:
        first = dropped.iloc[0]
        raise InputError(
            f"{len(dropped)} of {len(keep)} sequences are shorter than {length} and dropped "
            f"(resize: crop), above max_dropped_fraction {max_dropped_fraction}; first: "
            f"'{first['id']}' ({first['length']} nt) at {first['source']}",
            path=records.path, hint="use resize: pad, a smaller length, or raise "
            "max_dropped_fraction",
        )
    kept = np.flatnonzero(keep)
    table = sequence_table(frame.iloc[kept], [fitted[i] for i in kept], labelled.y[kept],
                           labelled.classes)
    return table, pd.concat([labelled.dropped, dropped], ignore_index=True), notes
