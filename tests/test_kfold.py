"""K-fold cross-validation: folds (stratified for classes), the bad settings named, and the
per-fold and pooled metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motifnet.data.split import fold_splits, kfold_assignment
from motifnet.errors import InputError
from motifnet.train.folds import fold_summary


def frame(n, split=""):
    return pd.DataFrame({"id": [f"s{i}" for i in range(n)], "split": split})


def test_folds_cover_every_sequence_once_and_are_stratified():
    y = np.r_[np.ones(30), np.zeros(70)].astype(np.uint8)[:, None]
    folds = kfold_assignment(frame(100), y, "binary", 5, seed=3)
    assert sorted(np.bincount(folds)[1:]) == [20] * 5
    for fold in range(1, 6):
        assert y[folds == fold, 0].sum() == 6  # 30 positives / 5 folds
    assert (kfold_assignment(frame(100), y, "binary", 5, seed=3) == folds).all()
    regression = kfold_assignment(frame(10), np.arange(10.0)[:, None], "regression", 3, seed=0)
    assert sorted(np.bincount(regression)[1:]) == [3, 3, 4]


def test_a_folds_splits_hold_its_sequences_out():
    folds = np.repeat([1, 2, 3], 10)
    split = fold_splits(folds, 2, val_fraction=0.1, seed=0)
    assert (split[folds == 2] == "test").all()
    assert (split == "val").sum() == 2 and not (split[folds == 2] == "val").any()
    assert (fold_splits(folds, 2, 0.1, 0) == split).all()


@pytest.mark.parametrize("k,task,y,message", [
    (1, "regression", np.zeros((5, 1)), "k-fold needs k >= 2"),
    (6, "regression", np.zeros((5, 1)), "k = 6 folds for 5 sequences"),
    (3, "binary", np.array([[1], [1], [0], [0], [0]], np.uint8),
     "the smallest class has 2 sequence(s)"),
    (3, "multiclass", np.eye(2, dtype=np.uint8)[[0, 0, 0, 1, 1, 0]],
     "the smallest class has 2 sequence(s)"),
])
def test_bad_k_is_named(k, task, y, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) \
            as error:
        kfold_assignment(frame(len(y)), y, task, k, seed=0)
    assert "split.k" in str(error.value)


def test_kfold_refuses_a_predefined_split():
    with pytest.raises(InputError, match="predefined split") as error:
        kfold_assignment(frame(6, "train"), np.zeros((6, 1)), "regression", 2, seed=0)
    assert "split.method" in str(error.value)


def test_fold_summary_means_and_sds():
    metrics = [{"pearson": 0.8, "spearman": 0.7, "r2": 0.6, "mse": 0.1, "best_epoch": 3},
               {"pearson": 0.6, "spearman": 0.5, "r2": 0.4, "mse": 0.3, "best_epoch": 2}]
    summary = fold_summary(metrics, "regression")
    assert summary["k"] == 2 and summary["per_fold"][1]["fold"] == 2
    assert summary["mean"]["pearson"] == pytest.approx(0.7)
    assert summary["sd"]["pearson"] == pytest.approx(np.std([0.8, 0.6], ddof=1))
