"""Figures as PNG: learning curves, test ROC curves, test confusion matrices, and trials of
architectures beside the paper's values.

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

from ..io import atomic_path
from .metrics import auroc, macro_auroc, predicted

MAX_LEGEND = 16


def _save(fig: Figure, path: str | os.PathLike) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")


def plot_curves(history: pd.DataFrame, best_epoch: int, path: str | os.PathLike) -> None:
    """Loss, validation AUROC/AUPRC and learning rate per epoch; the best epoch marked."""
    fig = Figure(figsize=(13, 3.8), layout="constrained")
    loss, score, lr = fig.subplots(1, 3)
    loss.plot(history["epoch"], history["train_loss"], marker=".", label="train")
    loss.plot(history["epoch"], history["val_loss"], marker=".", label="validation")
    loss.set(xlabel="epoch", ylabel="loss", title="Loss")
    score.plot(history["epoch"], history["val_auroc"], marker=".", label="AUROC")
    score.plot(history["epoch"], history["val_auprc"], marker=".", label="AUPRC")
    score.set(xlabel="epoch", ylabel="macro average", title="Validation")
    lr.plot(history["epoch"], history["lr"], marker=".")
    lr.set(xlabel="epoch", ylabel="learning rate", title="Learning rate", yscale="log")
    for ax in (loss, score, lr):
        ax.axvline(best_epoch, color="grey", linestyle="--", linewidth=1,
                   label=f"best epoch ({best_epoch})")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    loss.legend(fontsize=8)
    score.legend(fontsize=8)
    _save(fig, path)


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
    _save(fig, path)


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
        _save(fig, path)
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
    _save(fig, path)


PAPER_MARKERS = {"=": "D", "<=": "v", ">=": "^"}


def plot_trials(points: pd.DataFrame, paper: pd.DataFrame, path: str | os.PathLike) -> None:
    """One panel per metric: each trained model a dot, the mean of its trials a bar, the
    paper's value a black diamond (triangles: the paper gives only an upper/lower bound)."""
    metrics = list(dict.fromkeys(points["metric"])) or ["no models"]
    labels = list(dict.fromkeys(points["label"]))
    fig = Figure(figsize=(max(6.0, 0.5 * len(labels) + 2), 3.2 * len(metrics)),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(metrics), 1, sharex=True))
    where = {label: i for i, label in enumerate(labels)}
    rng = np.random.default_rng(0)
    for ax, metric in zip(axes, metrics):
        mine = points[points["metric"] == metric]
        means = mine.groupby("label", sort=False)["value"].mean()
        ax.bar([where[label] for label in means.index], means.to_numpy(), color="#9ecae1",
               width=0.7, label="mean of trials")
        x = mine["label"].map(where).to_numpy() + rng.uniform(-0.15, 0.15, len(mine))
        ax.scatter(x, mine["value"], s=14, color="#08519c", zorder=3, label="one model")
        for relation, marker in PAPER_MARKERS.items():
            ref = paper[(paper["metric"] == metric) & (paper["relation"] == relation)]
            if len(ref):
                ax.scatter(ref["label"].map(where), ref["value"], marker=marker, s=40,
                           color="black", zorder=4,
                           label={"=": "paper", "<=": "paper (at most)",
                                  ">=": "paper (at least)"}[relation])
        ax.set(ylabel=metric, ylim=(0, 1.02))
        ax.legend(fontsize=7, loc="lower right")
    axes[-1].set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    fig.suptitle("Trials of each architecture (Koo & Eddy 2019 values where they exist)",
                 fontsize=10)
    _save(fig, path)
