"""Turn a dataset's interval declaration into one labelled table of intervals.

The config declares intervals either as one BED with label column(s) or one BED per class
(see ``config/README.md``). Both end as the same table: ``id, chrom, start, end, strand,
split, source`` plus a label matrix ``y`` of shape (N, K) and K class names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .bed import BedTable, read_bed

log = logging.getLogger(__name__)

TASKS = ("binary", "multilabel", "multiclass", "regression")
BINARY_VALUES = {"0", "1"}
# A multiclass label column with at least MIN_CLASS_SIZE classes and fewer than
# MIN_MEAN_CLASS_SIZE sequences per class on average is refused (an id or name column taken
# for labels); classes smaller than MIN_CLASS_SIZE are warned about (too few to train or to
# evaluate on).
MIN_MEAN_CLASS_SIZE = 2
MIN_CLASS_SIZE = 10


@dataclass
class LabelledIntervals:
    """Intervals with a label matrix ``y`` (uint8 N x K; float32 targets for a regression
    task) and the K class (target) names; ``dropped`` lists intervals left out while labelling
    them, with a ``reason``; ``negative_class`` names the class labelled 0 of a binary task
    whose label 0 is one real class (two class files, a label column of two class names, or
    ``negative_class`` given), else None."""

    frame: pd.DataFrame
    y: np.ndarray
    classes: list[str]
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    negative_class: str | None = None

    def notes(self) -> dict:
        """What ``encoding.json`` records of the labels (``extraction``)."""
        return {"negative_class": self.negative_class} if self.negative_class else {}


def file_class_name(path: str) -> str:
    """A class name from a file name: ``data/enhancers.bed.gz`` -> ``enhancers``."""
    return Path(path).name.split(".")[0]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _check_one_type(table: BedTable, column: str) -> None:
    """Refuse a label column that mixes numbers and names."""
    values = table.labels[column]
    numeric = values.map(_is_number)
    if numeric.any() and not numeric.all():
        minority = numeric if numeric.sum() < (~numeric).sum() else ~numeric
        row = int(np.flatnonzero(minority.to_numpy())[0])
        raise InputError(
            f"label '{values.iloc[row]}' in column '{column}' mixes numeric and named labels",
            path=table.path, line=int(table.frame["line"].iloc[row]),
            hint="use either 0/1 or class names throughout the label column",
        )


def _binary_from_column(table: BedTable, positive: str | None
                        ) -> tuple[np.ndarray, str, str | None]:
    column = table.label_names[0]
    _check_one_type(table, column)
    values = table.labels[column]
    distinct = sorted(set(values))
    if len(distinct) < 2:
        raise InputError(
            f"label column '{column}' holds one class only ({distinct[0]!r})",
            path=table.path, hint="a binary task needs positive and negative intervals",
        )
    if set(distinct) <= BINARY_VALUES:
        named = column if not table.unnamed else file_class_name(table.path)
        return (values == "1").to_numpy(np.uint8)[:, None], positive or named, None
    if len(distinct) > 2:
        raise InputError(
            f"label column '{column}' holds {len(distinct)} classes {distinct[:5]} for a "
            "binary task", path=table.path,
            hint="set task: multiclass, or label the intervals 0/1",
        )
    if positive not in distinct:
        raise InputError(
            f"positive_class {positive!r} is not one of the labels {distinct}",
            key="intervals.positive_class", hint="name the class that is labelled 1",
        )
    (negative,) = set(distinct) - {positive}
    return (values == positive).to_numpy(np.uint8)[:, None], positive, negative


def _numbers(values: pd.Series) -> np.ndarray:
    """Float values of a target column; NaN where a value is missing or not a finite number."""
    numbers = pd.to_numeric(values.str.strip(), errors="coerce").to_numpy(np.float64, copy=True)
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers


def regression_targets(table: BedTable, max_dropped_fraction: float
                       ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Float targets (N, K) of the label columns, which rows to keep, and each dropped row's
    reason. A missing or non-numeric value drops its row while the dropped fraction stays
    within ``max_dropped_fraction``; above it the first such value is an error naming the
    file, line and column."""
    if table.unnamed and len(table.label_names) > 1:
        raise InputError(
            f"target column(s) {table.unnamed} have no name", path=table.path,
            key="intervals.label_names",
            hint="give intervals.label_names (one per target column), or a '#' header line "
            "naming the columns")
    y = np.column_stack([_numbers(table.labels[c]) for c in table.label_names])
    bad = np.isnan(y)
    rows = bad.any(axis=1)
    reasons = np.full(len(y), "", dtype=object)
    for k, column in reversed(list(enumerate(table.label_names))):
        values = table.labels[column].to_numpy()
        for row in np.flatnonzero(bad[:, k]):
            shown = values[row].strip()
            reasons[row] = (f"missing value in target column '{column}'" if shown in ("", ".")
                            else f"non-numeric value '{shown}' in target column '{column}'")
    if rows.mean() > max_dropped_fraction:
        row = int(np.flatnonzero(rows)[0])
        raise InputError(
            f"{reasons[row]} ({int(rows.sum())} of {len(y)} rows have one, above "
            f"max_dropped_fraction {max_dropped_fraction})",
            path=table.path, line=int(table.frame["line"].iloc[row]),
            hint="a regression target is a number; fix or remove the row, or raise "
            "max_dropped_fraction to drop such rows (they are listed in dropped.tsv)")
    return y.astype(np.float32), ~rows, list(reasons)


def _regression(table: BedTable, max_dropped_fraction: float) -> LabelledIntervals:
    y, keep, reasons = regression_targets(table, max_dropped_fraction)
    names = list(table.label_names)
    if table.unnamed:  # one unnamed column: the target is named after the file
        names = [file_class_name(table.path)]
    frame = _with_sources(table)
    dropped = frame.loc[~keep].assign(reason=np.array(reasons, dtype=object)[~keep])
    if len(dropped):
        log.warning("%d row(s) without a numeric target dropped (listed in dropped.tsv)",
                    len(dropped))
    return LabelledIntervals(frame.loc[keep].reset_index(drop=True), y[keep], names, dropped)


def _with_sources(table: BedTable) -> pd.DataFrame:
    frame = table.frame.copy()
    frame["split"] = table.split.to_numpy() if table.split is not None else ""
    frame["source"] = [f"{table.path}:{line}" for line in frame["line"]]
    return frame


def from_label_columns(table: BedTable, task: str, positive: str | None,
                       max_dropped_fraction: float = 0.0) -> LabelledIntervals:
    """Labels of a table's label columns by ``task``; a regression task reads them as numeric
    targets (rows without one dropped within ``max_dropped_fraction``)."""
    negative = None
    if not table.label_names:
        raise InputError("no label columns given", key="intervals.label_columns",
                         hint="name the BED column(s) holding labels, or use intervals.classes")
    if task == "binary":
        if len(table.label_names) != 1:
            raise InputError("a binary task takes one label column",
                             key="intervals.label_columns", hint="set task: multilabel")
        y, name, negative = _binary_from_column(table, positive)
        classes = [name]
    elif task == "regression":
        return _regression(table, max_dropped_fraction)
    elif task == "multilabel":
        if table.unnamed:
            raise InputError(
                f"label column(s) {table.unnamed} have no name", path=table.path,
                key="intervals.label_names",
                hint="give intervals.label_names (one per label column), or a '#' header "
                "line naming the columns",
            )
        for column in table.label_names:
            bad = ~table.labels[column].isin(BINARY_VALUES)
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(
                    f"multi-label column '{column}' holds '{table.labels[column].iloc[row]}', "
                    "not 0 or 1", path=table.path, line=int(table.frame["line"].iloc[row]),
                    hint="multi-label columns hold 0 or 1",
                )
        y = (table.labels.to_numpy() == "1").astype(np.uint8)
        classes = list(table.label_names)
    else:
        column = table.label_names[0]
        _check_one_type(table, column)
        classes = sorted(set(table.labels[column]))
        if len(classes) < 2:
            raise InputError(f"label column '{column}' holds one class only",
                             path=table.path, hint="a classifier needs at least two classes")
        check_class_sizes(table, column)
        index = {name: i for i, name in enumerate(classes)}
        codes = table.labels[column].map(index).to_numpy()
        y = np.eye(len(classes), dtype=np.uint8)[codes]
    return LabelledIntervals(_with_sources(table), y, classes, negative_class=negative)


def check_class_sizes(table: BedTable, column: str) -> None:
    """Refuse a multiclass label column with nearly as many classes as sequences (at least
    MIN_CLASS_SIZE classes, fewer than MIN_MEAN_CLASS_SIZE sequences per class on average: an id
    or name column); warn about classes with fewer than MIN_CLASS_SIZE members."""
    sizes = table.labels[column].value_counts()
    n, k = int(sizes.sum()), len(sizes)
    if k >= MIN_CLASS_SIZE and n < MIN_MEAN_CLASS_SIZE * k:
        shown = ", ".join(map(str, sizes.index[:3]))
        raise InputError(
            f"label column '{column}' holds {k} classes for {n} sequences ({shown}, ...; "
            f"{n / k:.2f} per class, at least {MIN_MEAN_CLASS_SIZE} needed): it looks like a "
            "name or id column, not class labels", path=table.path,
            hint="point label_columns at the column of class names (columns count from 1; "
            "BED column 4 is the name), or give one BED per class with intervals.classes")
    small = sizes[sizes < MIN_CLASS_SIZE]
    if len(small):
        log.warning("%s: %d of %d classes in label column '%s' have fewer than %d sequences "
                    "(%s): too few to learn or evaluate them; merge or drop those classes",
                    table.path, len(small), k, column, MIN_CLASS_SIZE,
                    ", ".join(f"{name} {count}" for name, count in small.head(5).items()))


def _from_class_files(classes: dict[str, str], task: str, positive: str | None,
                      split_column: int | None) -> LabelledIntervals:
    if len(classes) < 2 and task != "multilabel":
        raise InputError("one class file only", key="intervals.classes",
                         hint="give one BED per class, at least two")
    names = list(classes)
    tables = [read_bed(path, split_column=split_column) for path in classes.values()]
    frames = []
    for k, table in enumerate(tables):
        frame = table.frame.copy()
        frame["split"] = table.split.to_numpy() if table.split is not None else ""
        frame["source"] = [f"{table.path}:{line}" for line in frame["line"]]
        frame["class_index"] = k
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    if task == "multilabel":
        keys = ["chrom", "start", "end", "strand"]
        grouped = frame.groupby(keys, sort=False)
        first = grouped.head(1).reset_index(drop=True)
        member = np.zeros((len(first), len(names)), dtype=np.uint8)
        group_ids = grouped.ngroup().to_numpy()
        order = pd.unique(group_ids)
        position = {g: i for i, g in enumerate(order)}
        rows = np.array([position[g] for g in group_ids])
        member[rows, frame["class_index"].to_numpy()] = 1
        return LabelledIntervals(first.drop(columns="class_index"), member, names)
    positive = positive or names[0]
    if task == "binary" and positive not in names:
        raise InputError(f"positive_class {positive!r} is not one of {names}",
                         key="intervals.positive_class", hint="name one of the class files")
    frame, dropped = _resolve_conflicts(frame, names, positive if task == "binary" else None)
    if task == "binary":
        y = (frame["class_index"].to_numpy() == names.index(positive)).astype(np.uint8)[:, None]
        negative = next(name for name in names if name != positive) if len(names) == 2 else None
        return LabelledIntervals(frame.drop(columns="class_index"), y, [positive], dropped,
                                 negative)
    y = np.eye(len(names), dtype=np.uint8)[frame["class_index"].to_numpy()]
    return LabelledIntervals(frame.drop(columns="class_index"), y, names, dropped)


def _resolve_conflicts(frame: pd.DataFrame, names: list[str],
                       positive: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve regions (same chrom, start, end) listed in several class files: for a binary
    task the positive class's copy is kept and the others dropped; for a multiclass task,
    which gives one class per sequence, every copy is dropped. Dropped copies are counted in
    the log and returned with a reason."""
    keys = ["chrom", "start", "end"]
    classes_per_region = frame.groupby(keys)["class_index"].transform("nunique")
    conflict = (classes_per_region > 1).to_numpy()
    if not conflict.any():
        return frame, pd.DataFrame()
    if positive is not None:
        drop = conflict & (frame["class_index"].to_numpy() != names.index(positive))
        reason = f"also listed as {positive} (the positive class wins)"
    else:
        drop = conflict
        reason = "listed in several class files (no single class)"
    regions = frame.loc[conflict, keys].drop_duplicates()
    log.warning("%d region(s) are listed in several class files; dropped %d copies: %s "
                "(listed in dropped.tsv)", len(regions), int(drop.sum()), reason)
    dropped = frame.loc[drop].drop(columns="class_index").assign(reason=reason)
    return frame.loc[~drop].reset_index(drop=True), dropped


def assign_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """Use BED names as ids where given, else coordinates; refuse duplicated names."""
    named = frame["name"] != "."
    duplicated = frame["name"].duplicated(keep="first") & named
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        first = int(np.flatnonzero((frame["name"] == frame["name"].iloc[row]).to_numpy())[0])
        raise InputError(
            f"interval name '{frame['name'].iloc[row]}' at {frame['source'].iloc[row]} "
            f"repeats {frame['source'].iloc[first]}",
            path=frame["source"].iloc[row].rsplit(":", 1)[0],
            hint="names (BED column 4) are used as ids and must be unique; "
            "rename them, or set them to '.' to use coordinates as ids",
        )
    coords = frame["chrom"] + ":" + frame["start"].astype(str) + "-" + frame["end"].astype(str)
    coords = coords + "(" + frame["strand"] + ")"
    frame = frame.copy()
    frame["id"] = np.where(named, frame["name"], coords)
    return frame


def load_intervals(spec: dict, task: str, max_dropped_fraction: float = 0.0
                   ) -> LabelledIntervals:
    """Read a dataset's ``intervals`` config block into a labelled interval table (rows of a
    regression task without a numeric target dropped within ``max_dropped_fraction``)."""
    if task not in TASKS:
        raise InputError(f"unknown task '{task}'", key="task", hint=f"use one of {TASKS}")
    positive = spec.get("positive_class")
    split_column = spec.get("split_column")
    if "classes" in spec:
        if task == "regression":
            raise InputError("a regression task reads its targets from label columns",
                             key="intervals.classes",
                             hint="give intervals.bed with label_columns holding numbers")
        result = _from_class_files(spec["classes"], task, positive, split_column)
    else:
        table = read_bed(spec["bed"], spec.get("label_columns"), spec.get("label_names"),
                         split_column)
        result = from_label_columns(table, task, positive, max_dropped_fraction)
    frame = assign_ids(result.frame)
    columns = ["id", "chrom", "start", "end", "strand", "split", "source"]
    dropped = result.dropped
    if len(dropped):
        dropped = assign_ids(dropped)[[*columns, "reason"]]
    return LabelledIntervals(frame[columns].reset_index(drop=True), result.y, result.classes,
                             dropped, named_negative(result, spec, task, "intervals"))


def named_negative(result: LabelledIntervals, spec: dict, task: str, block: str) -> str | None:
    """The negative class of a binary task: the labels' own, or the block's
    ``negative_class`` (naming label 0 of a 0/1 column); it must not be the positive one."""
    given = spec.get("negative_class")
    if not given or task != "binary":
        return result.negative_class
    if given in result.classes or (result.negative_class and given != result.negative_class):
        raise InputError(
            f"negative_class {given!r} is "
            + ("the positive class" if given in result.classes
               else f"not the other label ({result.negative_class!r})"),
            key=f"{block}.negative_class", hint="name the class labelled 0")
    return given
