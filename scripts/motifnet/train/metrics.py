"""Classification metrics with scikit-learn, per class and macro-averaged; regression metrics
per target and averaged (:func:`regression_metrics`).

``y`` is (N, K) 0/1 and ``prob`` (N, K) probabilities. Binary and multilabel tasks call a
class when its probability is >= 0.5; multiclass tasks take the most probable class. Each class
is scored one-vs-rest; the headline values of a multilabel or multiclass task are the macro
averages over classes (classes where a value is undefined, e.g. AUROC without positives,
are left out of the average), except the multiclass accuracy, which is the overall one.
Undefined values are None in JSON.

A regression task scores each target's predictions against its observed values: Pearson r and
Spearman rho (scipy), R^2 and mean squared error (scikit-learn); the headline values are the
means over targets (a target without variation has no correlation and is left out of those).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)

THRESHOLD = 0.5
SCALARS = ("accuracy", "auroc", "auprc", "precision", "recall", "f1", "specificity")
REGRESSION_SCALARS = ("pearson", "spearman", "r2", "mse")


def _defined(y_true: np.ndarray) -> bool:
    """Ranking metrics need both labels present."""
    return 0 < y_true.sum() < len(y_true)


def auroc(y_true: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve of one class; NaN without both labels."""
    return float(roc_auc_score(y_true, score)) if _defined(y_true) else math.nan


def auprc(y_true: np.ndarray, score: np.ndarray) -> float:
    """Average precision (area under the precision-recall curve) of one class; NaN without
    both labels."""
    return float(average_precision_score(y_true, score)) if _defined(y_true) else math.nan


def _nanmean(values: list[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return float(np.mean(kept)) if kept else math.nan


def macro_auroc(y: np.ndarray, prob: np.ndarray) -> float:
    """Mean AUROC over the classes where it is defined; NaN if it is nowhere."""
    return _nanmean([auroc(y[:, k], prob[:, k]) for k in range(y.shape[1])])


def macro_auprc(y: np.ndarray, prob: np.ndarray) -> float:
    """Mean AUPRC over the classes where it is defined; NaN if it is nowhere."""
    return _nanmean([auprc(y[:, k], prob[:, k]) for k in range(y.shape[1])])


def _varies(values: np.ndarray) -> bool:
    return len(values) > 1 and bool(np.ptp(values) > 0)


def pearson(observed: np.ndarray, prediction: np.ndarray) -> float:
    """Pearson r of one target; NaN where either side is constant."""
    if not (_varies(observed) and _varies(prediction)):
        return math.nan
    return float(pearsonr(observed, prediction).statistic)


def spearman(observed: np.ndarray, prediction: np.ndarray) -> float:
    """Spearman rho of one target; NaN where either side is constant."""
    if not (_varies(observed) and _varies(prediction)):
        return math.nan
    return float(spearmanr(observed, prediction).statistic)


def mean_pearson(y: np.ndarray, prediction: np.ndarray) -> float:
    """Mean Pearson r over the targets where it is defined; NaN if it is nowhere."""
    return _nanmean([pearson(y[:, k], prediction[:, k]) for k in range(y.shape[1])])


def target_metrics(observed: np.ndarray, prediction: np.ndarray) -> dict:
    """One regression target: Pearson r, Spearman rho, R^2 and MSE, with the mean and sd of
    the observed values."""
    observed = np.asarray(observed, dtype=np.float64)
    prediction = np.asarray(prediction, dtype=np.float64)
    return {
        "pearson": pearson(observed, prediction),
        "spearman": spearman(observed, prediction),
        "r2": float(r2_score(observed, prediction)) if _varies(observed) else math.nan,
        "mse": float(mean_squared_error(observed, prediction)),
        "mean": float(observed.mean()),
        "sd": float(observed.std()),
    }


def regression_metrics(y: np.ndarray, prediction: np.ndarray, targets: list[str]) -> dict:
    """Test-set metrics of a regression task: per target and their means, JSON-ready."""
    per_target = {name: target_metrics(y[:, k], prediction[:, k])
                  for k, name in enumerate(targets)}
    result = {"task": "regression", "classes": list(targets), "n": int(len(y)),
              "average": "mean over targets"}
    result.update({key: _nanmean([m[key] for m in per_target.values()])
                   for key in REGRESSION_SCALARS})
    result["per_target"] = per_target
    return _json_ready(result)


def predicted(prob: np.ndarray, task: str) -> np.ndarray:
    """0/1 calls (N, K): argmax one-hot for multiclass, probability >= 0.5 otherwise."""
    if task == "multiclass":
        return np.eye(prob.shape[1], dtype=np.uint8)[prob.argmax(axis=1)]
    return (prob >= THRESHOLD).astype(np.uint8)


def binary_metrics(y_true: np.ndarray, score: np.ndarray, call: np.ndarray) -> dict:
    """One class scored one-vs-rest: true 0/1, probability and 0/1 call, each of shape (N,)."""
    y_true = np.asarray(y_true).astype(int)
    call = np.asarray(call).astype(int)
    (tn, fp), (fn, tp) = confusion_matrix(y_true, call, labels=[0, 1])
    has_negatives = (y_true == 0).any()
    return {
        "n_positive": int(y_true.sum()),
        "accuracy": float(accuracy_score(y_true, call)),
        "auroc": auroc(y_true, score),
        "auprc": auprc(y_true, score),
        "precision": float(precision_score(y_true, call, zero_division=0)),
        "recall": float(recall_score(y_true, call, zero_division=0)),
        "f1": float(f1_score(y_true, call, zero_division=0)),
        "specificity": (float(recall_score(y_true, call, pos_label=0))
                        if has_negatives else math.nan),
        "confusion_matrix": [[int(tn), int(fp)], [int(fn), int(tp)]],
    }


def compute_metrics(y: np.ndarray, prob: np.ndarray, task: str, classes: list[str]) -> dict:
    """Test-set metrics of a task, JSON-ready (NaN written as None)."""
    if task == "regression":
        return regression_metrics(y, prob, classes)
    calls = predicted(prob, task)
    per_class = {name: binary_metrics(y[:, k], prob[:, k], calls[:, k])
                 for k, name in enumerate(classes)}
    result = {"task": task, "classes": list(classes), "n": int(len(y)),
              "average": "binary" if task == "binary" else "macro"}
    if task == "binary":
        only = per_class[classes[0]]
        result.update({key: only[key] for key in SCALARS})
        result["confusion_matrix"] = {"labels": [f"not {classes[0]}", classes[0]],
                                      "matrix": only["confusion_matrix"]}
    else:
        result.update({key: _nanmean([m[key] for m in per_class.values()]) for key in SCALARS})
    if task == "multiclass":
        truth, guess = y.argmax(axis=1), prob.argmax(axis=1)
        result["accuracy"] = float(accuracy_score(truth, guess))
        matrix = confusion_matrix(truth, guess, labels=list(range(len(classes))))
        result["confusion_matrix"] = {"labels": list(classes), "matrix": matrix.tolist()}
    if task == "multilabel":
        result["subset_accuracy"] = float(accuracy_score(y, calls))
    result["per_class"] = per_class
    return _json_ready(result)


def _json_ready(value):
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
