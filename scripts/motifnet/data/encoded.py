"""The encoded dataset: ``{train,val,test}.npz`` arrays and the ``encoding.json`` beside them.

Each split holds ``x`` (N, 4, L; float32 or uint8; channels A, C, G, T), ``y`` (N, K; uint8,
float32 targets for a regression task) and ``ids`` (N; str). ``encoding.json`` records the
dataset, task, class (target) names, length, dtype, how unknown bases are encoded
(``unknown``), a regression task's target ``transform``, counts per class (per target: mean,
sd, min, max) and split, the split settings that apply, the exact source files (with
sha256), the notes of the rule that made the sequences (``extraction``), and per split the GC
content of positives (any label) and negatives (none) with the Kolmogorov-Smirnov statistic
between them (``gc_content``: a model can tell classes apart by GC alone when it is large).
This module writes both (:func:`encode_dataset`), reads them, and checks them against each
other (:func:`load_dataset`).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io import atomic_path, write_json, write_tsv
from .download import sha256sum
from .gc import HISTOGRAM_EDGES, gc_fraction_onehot, histogram, ks_statistic
from .onehot import encode
from .split import SPLITS, assign_splits, fold_splits, kfold_assignment
from .table import SequenceTable, read_notes, read_table

log = logging.getLogger(__name__)

TASKS = ("binary", "multilabel", "multiclass", "regression")
TRANSFORMS = ("none", "log1p")


@dataclass
class EncodedSplit:
    """One split of an encoded dataset."""

    x: np.ndarray
    y: np.ndarray
    ids: np.ndarray


def save_split(path: str | os.PathLike, split: EncodedSplit) -> None:
    """Write a split atomically as an uncompressed ``.npz`` (fast to load)."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            np.savez(handle, x=split.x, y=split.y, ids=split.ids)


def load_split(path: str | os.PathLike) -> EncodedSplit:
    """Read a split written by :func:`save_split`."""
    with np.load(path, allow_pickle=False) as data:
        return EncodedSplit(x=data["x"], y=data["y"], ids=data["ids"])


def load_encoding(path: str | os.PathLike) -> dict:
    """Read ``encoding.json``."""
    return json.loads(Path(path).read_text())


def file_record(path: str | os.PathLike) -> dict:
    """Path, size and sha256 of a source file, for provenance."""
    return {"path": str(path), "bytes": os.path.getsize(path), "sha256": sha256sum(path)}


def encode_splits(table: SequenceTable, assignment: np.ndarray, dtype: np.dtype | str,
                  unknown: str = "zero") -> dict[str, EncodedSplit]:
    """The table's sequences one-hot encoded, per split name in ``assignment`` (one per row)."""
    splits = {}
    for name in SPLITS:
        rows = np.flatnonzero(assignment == name)
        frame = table.frame.iloc[rows]
        splits[name] = EncodedSplit(encode(frame["sequence"].tolist(), dtype, unknown),
                                    table.y[rows], frame["id"].to_numpy(str))
    return splits


def transform_targets(table: SequenceTable, transform: str, path: str | os.PathLike,
                      key: str = "transform") -> SequenceTable:
    """A regression table's targets after ``transform`` (``none`` or ``log1p``); log1p of a
    negative value is an error naming the sequence and target."""
    if transform not in TRANSFORMS:
        raise InputError(f"unknown transform {transform!r}", key=key,
                         hint=f"use one of {', '.join(TRANSFORMS)}")
    if transform == "none":
        return table
    negative = table.y < 0
    if negative.any():
        row, k = (int(i) for i in np.argwhere(negative)[0])
        raise InputError(
            f"target '{table.classes[k]}' of sequence '{table.frame['id'].iloc[row]}' is "
            f"{table.y[row, k]:g}; log1p takes values >= 0 ({int(negative.any(axis=1).sum())} "
            "sequence(s) have a negative value)", path=path, key=key,
            hint="use transform: none for targets that can be negative, or shift them")
    return SequenceTable(table.frame, np.log1p(table.y).astype(np.float32), table.classes)


def split_counts(split: EncodedSplit, classes: list[str], task: str) -> dict:
    """Sequences of a split, and per class its positives (per target: mean, sd, min, max)."""
    if task != "regression":
        return {"n": int(len(split.x)),
                "per_class": dict(zip(classes, split.y.sum(0).tolist()))}
    stats = {name: {"mean": float(column.mean()), "sd": float(column.std()),
                    "min": float(column.min()), "max": float(column.max())} if len(column) else {}
             for name, column in zip(classes, split.y.T)}
    return {"n": int(len(split.x)), "per_target": stats}


def save_dataset(split_paths: Sequence[str | os.PathLike], encoding_path: str | os.PathLike,
                 splits: Mapping[str, EncodedSplit], record: dict) -> dict:
    """Write the splits (``split_paths`` in :data:`SPLITS` order) and ``encoding.json``:
    ``record`` (dataset, task, classes, dtype, split, sources) plus length, layout and counts."""
    classes = record["classes"]
    counts = {}
    for name, path in zip(SPLITS, split_paths):
        split = splits[name]
        save_split(path, split)
        counts[name] = split_counts(split, classes, record["task"])
        log.info("%s: %d sequences, %s %s", name, len(split.x), *(
            ("per class", counts[name]["per_class"]) if "per_class" in counts[name] else
            ("mean per target", {k: round(v.get("mean", 0), 3)
                                 for k, v in counts[name]["per_target"].items()})))
    encoding = {**record, "length": int(splits["train"].x.shape[-1]), "alphabet": "ACGT",
                "layout": "N x 4 x L", "counts": counts}
    write_json(encoding_path, encoding)
    return encoding


SPLIT_KEYS = {  # the split settings each method uses
    "random": ("method", "fractions", "seed"),
    "chromosomes": ("method", "test_chromosomes", "val_chromosomes", "val_fraction", "seed"),
    "predefined": ("method", "val_fraction", "seed"),
    "kfold": ("method", "k", "val_fraction", "seed"),
}


def split_record(split: dict) -> dict:
    """The split settings that apply to its method (a held-out chromosome split has no
    fractions; validation chromosomes replace ``val_fraction`` where given)."""
    keys = [k for k in SPLIT_KEYS[split["method"]] if k in split]
    if split.get("val_chromosomes"):
        keys = [k for k in keys if k not in ("val_fraction", "seed")]
    return {key: split[key] for key in keys}


def gc_record(splits: Mapping[str, EncodedSplit]) -> dict:
    """Per split, GC-content histograms of positives (any label) and negatives (no label),
    and the two-sample Kolmogorov-Smirnov statistic between them."""
    record: dict = {"bin_edges": [round(float(e), 4) for e in HISTOGRAM_EDGES]}
    for name, split in splits.items():
        gc = gc_fraction_onehot(split.x)
        positive = split.y.any(axis=1)
        ks = ks_statistic(gc[positive], gc[~positive])
        record[name] = {"positive": histogram(gc[positive]), "negative": histogram(gc[~positive]),
                        "ks_statistic": ks}
        if ks is not None:
            log.info("%s: GC content of positives vs negatives, KS statistic %.3f", name, ks)
    return record


def write_folds(path: str | os.PathLike, ids: np.ndarray, folds: np.ndarray) -> None:
    """``folds.tsv``: the fold (1..k) of every sequence of a k-fold dataset."""
    write_tsv(path, pd.DataFrame({"id": ids, "fold": folds}))


def read_folds(path: str | os.PathLike) -> np.ndarray:
    """The folds written by :func:`write_folds`, in the order of ``all.npz``."""
    return pd.read_csv(path, sep="\t", dtype={"id": str})["fold"].to_numpy(np.int64)


def fold_data(all_path: str | os.PathLike, folds_path: str | os.PathLike, split: dict,
              fold: int) -> dict[str, EncodedSplit]:
    """Train/val/test of one fold of a k-fold dataset: its sequences are the test split."""
    everything = load_split(all_path)
    assignment = fold_splits(read_folds(folds_path), fold, split["val_fraction"], split["seed"])
    return {name: EncodedSplit(everything.x[assignment == name], everything.y[assignment == name],
                               everything.ids[assignment == name]) for name in SPLITS}


def encode_dataset(sequences: str | os.PathLike, split_paths: Sequence[str | os.PathLike],
                   encoding_path: str | os.PathLike, *, dataset: str, task: str, split: dict,
                   dtype: str, sources: dict, notes: str | os.PathLike | None = None,
                   unknown: str = "zero", transform: str = "none",
                   folds: tuple[str | os.PathLike, str | os.PathLike] | None = None) -> dict:
    """Encode a sequence table into train/val/test by the dataset's ``split`` settings and
    write the dataset; ``sources`` names the interval files and genome it came from, ``notes``
    the extraction notes beside the table; ``unknown`` how unknown bases are encoded,
    ``transform`` a regression task's target transform. A k-fold split writes every sequence
    to ``folds`` (``all.npz``, ``folds.tsv``) and the first fold's train/val/test as the
    splits (the sequences its model's motifs are read from)."""
    table = read_table(sequences, task)
    targets = {}
    if task == "regression":
        table = transform_targets(table, transform, sequences, f"datasets.{dataset}.transform")
        targets = {"transform": transform}
    try:
        if split["method"] == "kfold":
            fold_of = kfold_assignment(table.frame, table.y, task, split["k"], split["seed"])
            assignment = fold_splits(fold_of, 1, split["val_fraction"], split["seed"])
        else:
            assignment = assign_splits(table.frame, split)
    except InputError as error:
        raise InputError(error.problem, path=error.path, line=error.line,
                         key=error.key and f"datasets.{dataset}.{error.key}",
                         hint=error.hint) from None
    if split["method"] == "kfold":
        everything = EncodedSplit(encode(table.frame["sequence"].tolist(), dtype, unknown),
                                  table.y, table.frame["id"].to_numpy(str))
        save_split(folds[0], everything)
        write_folds(folds[1], everything.ids, fold_of)
        targets["folds"] = {"k": split["k"], "sizes": np.bincount(fold_of)[1:].tolist(),
                            "stratified": task in ("binary", "multiclass"),
                            "splits_written": "fold 1"}
        splits = {name: EncodedSplit(everything.x[assignment == name],
                                     everything.y[assignment == name],
                                     everything.ids[assignment == name]) for name in SPLITS}
    else:
        splits = encode_splits(table, assignment, dtype, unknown)
    return save_dataset(split_paths, encoding_path, splits, {
        "dataset": dataset, "task": task, "classes": table.classes, "dtype": dtype,
        "unknown": unknown, **targets,
        "split": split_record(split),
        "sources": {"sequences": file_record(sequences),
                    "intervals": [file_record(p) for p in sources["intervals"]],
                    "genome": sources["genome"]},
        "extraction": read_notes(notes) if notes else {},
        "gc_content": gc_record(splits) if task != "regression" else {},
    })


def _check_split(name: str, path: str | os.PathLike, split: EncodedSplit, info: dict) -> None:
    n_classes, length = len(info["classes"]), info["length"]
    if split.x.ndim != 3 or split.x.shape[1:] != (4, length):
        raise InputError(f"x has shape {split.x.shape}, expected (N, 4, {length})", path=path,
                         hint="re-run the encode rule")
    if split.y.shape != (len(split.x), n_classes):
        raise InputError(f"y has shape {split.y.shape}, expected ({len(split.x)}, {n_classes})",
                         path=path, hint="re-run the encode rule")
    if info["task"] == "regression" and not np.isfinite(split.y).all():
        raise InputError("y holds NaN or infinite targets", path=path,
                         hint="re-run the encode rule")
    if info["task"] == "multiclass" and (split.y.sum(axis=1) != 1).any():
        raise InputError("a multiclass task needs exactly one class per sequence", path=path,
                         hint="use task: multilabel for sequences with several labels")
    if len(split.x) < 2:
        raise InputError(f"the {name} split has {len(split.x)} sequence(s)", path=path,
                         hint="use more sequences or other split fractions")


def load_dataset(split_paths: Sequence[str | os.PathLike],
                 encoding_path: str | os.PathLike) -> tuple[dict, dict[str, EncodedSplit]]:
    """The encoding record and the splits (``split_paths`` in :data:`SPLITS` order), checked
    against each other."""
    info = load_encoding(encoding_path)
    if info.get("task") not in TASKS:
        raise InputError(f"task {info.get('task')!r} is not one of {', '.join(TASKS)}",
                         path=encoding_path)
    if info["task"] == "binary" and len(info["classes"]) != 1:
        raise InputError(f"a binary task has one class, found {len(info['classes'])}",
                         path=encoding_path)
    splits = {}
    for name, path in zip(SPLITS, split_paths):
        splits[name] = load_split(path)
        _check_split(name, path, splits[name], info)
    return info, splits
