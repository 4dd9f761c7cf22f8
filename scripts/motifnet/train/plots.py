"""Figures of a training job as PNG: learning curves, test ROC curves, test confusion matrices;
for a regression task predicted against observed values per target.

Figures are drawn on bare ``matplotlib.figure.Figure`` objects (Agg canvas, no pyplot state)
and written atomically.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.metrics import confusion_matrix, roc_curve

from ..io import save_figure
from .metrics import auroc, macro_auroc, pearson, predicted

MAX_LEGEND = 16
SCORES = {"val_auroc": "AUROC", "val_auprc": "AUPRC", "val_pearson": "Pearson r"}
MAX_POINTS = 5000  # points drawn per target (a seeded random subset beyond)


def plot_curves(history: pd.DataFrame, best_epoch: int, path: str | os.PathLike,
                stopped: str | None = None) -> None:
    """Loss, validation AUROC/AUPRC (regression: mean Pearson r) and learning rate per epoch;
    the best epoch marked and, above, why training stopped (``stopped``, e.g. "stopped at the
    cap, still improving")."""
    fig = Figure(figsize=(13, 3.8), layout="constrained")
    loss, score, lr = fig.subplots(1, 3)
    loss.plot(history["epoch"], history["train_loss"], marker=".", label="train")
    loss.plot(history["epoch"], history["val_loss"], marker=".", label="validation")
    loss.set(xlabel="epoch", ylabel="loss", title="Loss")
    for column, label in SCORES.items():
        if column in history:
            score.plot(history["epoch"], history[column], marker=".", label=label)
    score.set(xlabel="epoch", ylabel="macro average" if "val_auroc" in history else "mean over "
              "targets", title="Validation")
    lr.plot(history["epoch"], history["lr"], marker=".")
    lr.set(xlabel="epoch", ylabel="learning rate", title="Learning rate", yscale="log")
    for ax in (loss, score, lr):
        ax.axvline(best_epoch, color="grey", linestyle="--", linewidth=1,
                   label=f"best epoch ({best_epoch})")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    loss.legend(fontsize=8)
    score.legend(fontsize=8)
    if stopped:
        fig.suptitle(f"{len(history)} epochs, {stopped}", fontsize=10,
                     color="firebrick" if "still improving" in stopped else "black")
    save_figure(fig, path)


def plot_roc(y: np.ndarray, prob: np.ndarray, classes: list[str], path: str | os.PathLike) -> None:
    """One ROC curve per class (one-vs-rest) on the test set."""
    fig = Figure(figsize=(5.5, 5), layout="constrained")
    ax = fig.subplots()
    ax.set_prop_cycle(color=[colormaps["tab20"](k % 20) for k in range(len(classes))])
    for k, name in enumerate(classes):
        value = auroc(y[:, k], prob[:, k])
        if math.isnan(value):
            continue
        fpr, tpr, _ = roc_curve(y[:, k], prob[:, k])
        ax.plot(fpr, tpr, linewidth=1.2, label=f"{name} ({value:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", xlim=(0, 1), ylim=(0, 1.01),
           title=f"ROC, test set (macro AUROC {macro_auroc(y, prob):.3f})")
    if len(classes) <= MAX_LEGEND:
        ax.legend(fontsize=7, loc="lower right", title="class (AUROC)", title_fontsize=7)
    save_figure(fig, path)


def _matrix(ax, counts: np.ndarray, rows: list[str], cols: list[str], title: str) -> None:
    """Counts annotated over a heatmap of row fractions (recall per true class)."""
    fractions = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    ax.imshow(fractions, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(len(rows)), rows, fontsize=7)
    ax.set_xlabel("predicted", fontsize=8)
    ax.set_ylabel("true", fontsize=8)
    ax.set_title(title, fontsize=9)
    if counts.shape[0] <= 20:
        for (i, j), n in np.ndenumerate(counts):
            ax.text(j, i, str(n), ha="center", va="center", fontsize=7,
                    color="white" if fractions[i, j] > 0.5 else "black")


def plot_confusion(y: np.ndarray, prob: np.ndarray, classes: list[str], task: str,
                   path: str | os.PathLike) -> None:
    """Test-set confusion matrix: K x K for multiclass, one 2 x 2 per class otherwise."""
    calls = predicted(prob, task)
    if task == "multiclass":
        counts = confusion_matrix(y.argmax(1), prob.argmax(1), labels=list(range(len(classes))))
        size = max(4.0, 0.45 * len(classes) + 2)
        fig = Figure(figsize=(size, size), layout="constrained")
        _matrix(fig.subplots(), counts, classes, classes, "Confusion matrix, test set")
        save_figure(fig, path)
        return
    ncols = min(4, len(classes))
    nrows = math.ceil(len(classes) / ncols)
    fig = Figure(figsize=(3 * ncols, 2.8 * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    for k, name in enumerate(classes):
        counts = confusion_matrix(y[:, k], calls[:, k], labels=[0, 1])
        _matrix(axes[k], counts, ["no", "yes"], ["no", "yes"], name)
    for ax in axes[len(classes):]:
        ax.set_axis_off()
    fig.suptitle("Confusion matrices, test set (threshold 0.5)", fontsize=10)
    save_figure(fig, path)


def plot_scatter(y: np.ndarray, prediction: np.ndarray, targets: list[str],
                 path: str | os.PathLike) -> None:
    """Predicted against observed values on the test set, one panel per target (Pearson r in
    the title; at most :data:`MAX_POINTS` points per panel, a seeded random subset)."""
    ncols = min(4, len(targets))
    nrows = math.ceil(len(targets) / ncols)
    fig = Figure(figsize=(3.2 * ncols, 3.1 * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    rows = np.arange(len(y))
    if len(rows) > MAX_POINTS:
        rows = np.sort(np.random.default_rng(0).choice(rows, MAX_POINTS, replace=False))
    for k, name in enumerate(targets):
        ax, observed, predicted_k = axes[k], y[rows, k], prediction[rows, k]
        ax.scatter(observed, predicted_k, s=4, alpha=0.3, linewidths=0)
        low = float(min(observed.min(), predicted_k.min())) if len(rows) else 0.0
        high = float(max(observed.max(), predicted_k.max())) if len(rows) else 1.0
        ax.plot([low, high], [low, high], color="grey", linestyle=":", linewidth=1)
        r = pearson(y[:, k], prediction[:, k])
        ax.set_title(f"{name} (r {'n/a' if math.isnan(r) else f'{r:.3f}'})", fontsize=9)
        ax.set_xlabel("observed", fontsize=8)
        ax.set_ylabel("predicted", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(targets):]:
        ax.set_axis_off()
    fig.suptitle(f"Predicted vs observed, test set ({len(y)} sequences)", fontsize=10)
    save_figure(fig, path)
