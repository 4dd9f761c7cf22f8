"""Assign intervals to train, validation and test splits, or to the folds of a k-fold
cross-validation (:func:`kfold_assignment`, :func:`fold_splits`)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..errors import InputError

log = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")


def _carve_validation(split: np.ndarray, fraction: float, rng: np.random.Generator) -> None:
    """Move a seeded random ``fraction`` of the training rows to validation, in place."""
    train = np.flatnonzero(split == "train")
    count = int(round(fraction * len(train)))
    split[rng.choice(train, size=count, replace=False)] = "val"


def assign_splits(frame: pd.DataFrame, spec: dict) -> np.ndarray:
    """Split labels per row, by the dataset's ``split`` config block.

    ``random``: seeded shuffle into ``fractions`` of train/val/test;
    ``chromosomes``: ``test_chromosomes`` (and ``val_chromosomes``, else a ``val_fraction``
    of training) held out; ``predefined``: the intervals' split column (train/test, val
    optional), validation carved from training when absent.
    """
    method = spec["method"]
    rng = np.random.default_rng(spec.get("seed", 0))
    n = len(frame)
    if method == "random":
        fractions = spec["fractions"]
        total = sum(fractions[name] for name in SPLITS)
        if not np.isclose(total, 1.0):
            raise InputError(f"split fractions sum to {total}, not 1",
                             key="split.fractions", hint="make train + val + test = 1")
        order = rng.permutation(n)
        n_test = int(round(fractions["test"] * n))
        n_val = int(round(fractions["val"] * n))
        split = np.full(n, "train", dtype=object)
        split[order[:n_test]] = "test"
        split[order[n_test:n_test + n_val]] = "val"
    elif method == "chromosomes":
        chrom = frame["chrom"].to_numpy()
        for name in ("test", "val"):
            absent = sorted(set(spec.get(f"{name}_chromosomes") or []) - set(chrom))
            if absent:
                log.warning("split.%s_chromosomes %s: not among the chromosomes of the data",
                            name, ", ".join(absent))
        split = np.full(n, "train", dtype=object)
        split[np.isin(chrom, spec["test_chromosomes"])] = "test"
        if spec.get("val_chromosomes"):
            split[np.isin(chrom, spec["val_chromosomes"])] = "val"
        else:
            _carve_validation(split, spec["val_fraction"], rng)
    elif method == "predefined":
        split = frame["split"].to_numpy().astype(object)
        bad = ~np.isin(split, SPLITS)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"split value '{split[row]}' at {frame['source'].iloc[row]} is not one of "
                f"{SPLITS}", key="intervals.split_column",
                hint="the split column holds train, val or test",
            )
        if not (split == "val").any():
            _carve_validation(split, spec["val_fraction"], rng)
    else:
        raise InputError(f"unknown split method '{method}'", key="split.method",
                         hint="use random, chromosomes or predefined")
    for name in SPLITS:
        if not (split == name).any():
            raise _empty_split(name, frame, spec)
    return split.astype(str)


def _empty_split(name: str, frame: pd.DataFrame, spec: dict) -> InputError:
    """Why a split came out empty, naming the held-out chromosomes the data lacks."""
    held_out = spec.get(f"{name}_chromosomes") if spec["method"] == "chromosomes" else None
    if spec["method"] == "chromosomes" and name == "train":
        return InputError(f"the train split is empty: every chromosome of the data "
                          f"({', '.join(map(str, pd.unique(frame['chrom'])[:10]))}) is held out",
                          key="split.test_chromosomes",
                          hint="hold out fewer chromosomes for validation and testing")
    if not held_out:
        hint = ("check the held-out chromosomes or fractions" if spec["method"] != "predefined"
                else f"label some rows of the split column {name}")
        return InputError(f"the {name} split is empty ({len(frame)} sequences)",
                          key=f"split.{'fractions' if spec['method'] == 'random' else 'method'}",
                          hint=hint)
    present = sorted(map(str, pd.unique(frame["chrom"])))
    absent = [chrom for chrom in held_out if chrom not in present]
    shown = ", ".join(present[:10]) + (", ..." if len(present) > 10 else "")
    if absent:
        problem = (f"the {name} split is empty: {name}_chromosomes {', '.join(absent)} "
                   f"{'is' if len(absent) == 1 else 'are'} not among the chromosomes of the "
                   "data")
    else:
        problem = (f"the {name} split is empty: its chromosomes "
                   f"{', '.join(held_out)} are held out for another split too")
    return InputError(problem, key=f"split.{name}_chromosomes",
                      hint=f"the data's chromosomes: {shown} (names must match exactly, "
                      "e.g. chr1 vs 1)")


def kfold_assignment(frame: pd.DataFrame, y: np.ndarray, task: str, k: int,
                     seed: int) -> np.ndarray:
    """Fold 1..k of every row: scikit-learn's ``StratifiedKFold`` on the class of a binary or
    multiclass task, ``KFold`` otherwise (multilabel, regression), shuffled with ``seed``."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if (frame["split"].astype(str) != "").any():
        raise InputError("split method kfold, but the sequences carry a predefined split",
                         key="split.method",
                         hint="use split.method predefined to keep the given split, or drop "
                         "the split column (split= in FASTA headers) for k-fold")
    if k < 2:
        raise InputError(f"k-fold needs k >= 2, got {k}", key="split.k", hint="use k >= 2")
    if k > len(frame):
        raise InputError(f"k = {k} folds for {len(frame)} sequences", key="split.k",
                         hint=f"use k <= {len(frame)}")
    folds = np.zeros(len(frame), dtype=np.int64)
    if task in ("binary", "multiclass"):
        group = y[:, 0].astype(np.int64) if task == "binary" else y.argmax(axis=1)
        sizes = np.bincount(group, minlength=2 if task == "binary" else y.shape[1])
        if k > sizes.min():
            raise InputError(f"k = {k} folds, but the smallest class has {sizes.min()} "
                             "sequence(s); stratified folds need k <= the smallest class",
                             key="split.k", hint=f"use k <= {sizes.min()}")
        splitter = StratifiedKFold(k, shuffle=True, random_state=seed).split(frame, group)
    else:
        splitter = KFold(k, shuffle=True, random_state=seed).split(frame)
    for fold, (_, held_out) in enumerate(splitter, start=1):
        folds[held_out] = fold
    return folds


def fold_splits(folds: np.ndarray, fold: int, val_fraction: float, seed: int) -> np.ndarray:
    """Split labels of one fold: its rows are the test split, a seeded ``val_fraction`` of the
    others validation (for early stopping), the rest training."""
    split = np.where(folds == fold, "test", "train").astype(object)
    _carve_validation(split, val_fraction, np.random.default_rng([seed, fold]))
    return split.astype(str)
