"""K-fold cross-validation: the fold models' out-of-fold predictions pooled into one
``predictions.tsv`` (every sequence, predicted by the model that did not train on it), metrics
of the pooled predictions, and the mean and sd of the per-fold test metrics.

The motifs of a k-fold dataset come from one model: fold 1's (its ``model.pt`` is copied to the
architecture's folder, and fold 1's train/val/test are the dataset's encoded splits), so filters
and attribution read the sequences that model did not train on.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.encoded import load_encoding
from ..data.table import LABEL_PREFIX
from ..io import atomic_path, write_json, write_tsv
from . import plots
from .metrics import REGRESSION_SCALARS, SCALARS, compute_metrics

log = logging.getLogger(__name__)

MOTIF_FOLD = 1


def fold_summary(fold_metrics: list[dict], task: str) -> dict:
    """Per fold its headline test metrics, and their mean and sd over folds."""
    keys = REGRESSION_SCALARS if task == "regression" else SCALARS
    per_fold = [{"fold": k, **{key: m.get(key) for key in keys},
                 "best_epoch": m.get("best_epoch"), "train_seconds": m.get("train_seconds")}
                for k, m in enumerate(fold_metrics, start=1)]
    values = {key: np.array([np.nan if f[key] is None else f[key] for f in per_fold], float)
              for key in keys}
    mean = {key: float(np.nanmean(v)) if np.isfinite(v).any() else None
            for key, v in values.items()}
    sd = {key: float(np.nanstd(v, ddof=1)) if np.isfinite(v).sum() > 1 else None
          for key, v in values.items()}
    return {"k": len(fold_metrics), "per_fold": per_fold, "mean": mean, "sd": sd}


def pool_folds(*, encoding: str | os.PathLike, metrics: list[str], predictions: list[str],
               models: list[str], out_model: str | os.PathLike, out_metrics: str | os.PathLike,
               out_predictions: str | os.PathLike, out_plot: str | os.PathLike) -> dict:
    """Pool the folds' outputs (``metrics``, ``predictions``, ``models`` in fold order): write
    the out-of-fold ``predictions.tsv`` (with each sequence's fold), ``metrics.json`` (pooled
    metrics, ``folds``: per-fold values with mean and sd) and fold 1's model as the
    architecture's model; draw the pooled predictions (predicted vs observed, or ROC)."""
    info = load_encoding(encoding)
    task, classes = info["task"], list(info["classes"])
    tables = [pd.read_csv(path, sep="\t", dtype={"id": str}).assign(fold=k)
              for k, path in enumerate(predictions, start=1)]
    pooled = pd.concat(tables, ignore_index=True)
    y = pooled[[f"{LABEL_PREFIX}{c}" for c in classes]].to_numpy(np.float64)
    prob = pooled[[f"p:{c}" for c in classes]].to_numpy(np.float64)
    if task != "regression":
        y = y.astype(np.uint8)
    result = compute_metrics(y, prob, task, classes)
    fold_metrics = [json.loads(Path(path).read_text()) for path in metrics]
    first = fold_metrics[MOTIF_FOLD - 1]
    result.update({
        "evaluation": "out-of-fold predictions of every sequence, pooled over folds",
        "folds": {**fold_summary(fold_metrics, task), "motif_model": f"fold {MOTIF_FOLD}"},
        "n_parameters": first.get("n_parameters"),
        "train_seconds": round(sum(m.get("train_seconds", 0) for m in fold_metrics), 3),
        "seconds_per_epoch": first.get("seconds_per_epoch"),
        "best_epoch": first.get("best_epoch"),
        "epochs_run": first.get("epochs_run"),
        "device": first.get("device"),
    })
    for key in ("loss", "transform"):
        if key in first:
            result[key] = first[key]
    write_tsv(out_predictions, pooled, float_format="%.6g")
    if task == "regression":
        plots.plot_scatter(y, prob, classes, out_plot)
    else:
        plots.plot_roc(y, prob, classes, out_plot)
    with atomic_path(out_model) as tmp:
        shutil.copyfile(models[MOTIF_FOLD - 1], tmp)
    write_json(out_metrics, result)
    headline = "pearson" if task == "regression" else "auroc"
    log.info("%d folds, %d sequences: pooled %s %s; per fold %s +/- %s", len(metrics),
             len(pooled), headline, result.get(headline), result["folds"]["mean"][headline],
             result["folds"]["sd"][headline])
    return result
