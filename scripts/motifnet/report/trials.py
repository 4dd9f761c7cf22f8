"""Trials: architectures with the same model and hyperparameters (differing only in their
training seed) aggregated to mean and standard deviation, beside Koo & Eddy's values, as a
table and a figure."""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..io import save_figure

# Koo & Eddy (2019), synthetic data: fraction of first-layer filters that match a ground-truth
# motif (TomTom E < 0.1, JASPAR 2016 vertebrates), and mean test AUROC, as the text reports them
# (mean +/- sd over 5 trials where given; bounds where only a bound is given). The paper counts
# one number; it stands beside both of ours, the best match and any significant hit.
KOO_EDDY = {
    ("cnn-1", 30): "0.007 +/- 0.013 (conv2: 0.847 +/- 0.021)",
    ("cnn-2", 30): "<= 0.127 +/- 0.080 (pool <= 4)",
    ("cnn-4", 30): "<= 0.127 +/- 0.080 (pool <= 4)",
    ("cnn-10", 30): ">= 0.880 +/- 0.034 (pool >= 10)",
    ("cnn-25", 30): "0.980 +/- 0.027",
    ("cnn-50", 30): ">= 0.880 +/- 0.034 (pool >= 10)",
    ("cnn-100", 30): ">= 0.880 +/- 0.034 (pool >= 10)",
    ("cnn-25", 60): "0.960 +/- 0.023",
    ("cnn-25", 90): "0.909 +/- 0.028",
    ("cnn-25", 120): "0.887 +/- 0.025",
    ("cnn9-4", 30): "0.00",
    ("cnn9-25", 30): "0.93",
    ("cnn-50-2", 30): "0.90",
    ("cnn19-1-2", 30): "0.87",
}
KOO_EDDY_AUROC = {"cnn3-2": "0.968 +/- 0.039", "cnn3-50": "0.652 +/- 0.060"}
# The fraction of first-layer filters that match any JASPAR motif (E < 0.1), where the text
# gives it (our fraction_significant).
KOO_EDDY_ANY_JASPAR = {
    ("cnn-1", 30): "0.240 +/- 0.083 (conv2: 0.900 +/- 0.024)",
    ("cnn-2", 30): "<= 0.453 +/- 0.131 (pool <= 4)",
    ("cnn-4", 30): "<= 0.453 +/- 0.131 (pool <= 4)",
}
# The paper's value follows our column of the same measure: its ground-truth count (any
# significant hit to an embedded motif, no null) follows ours, after the stricter best-match,
# family and any-hit fractions of named filters.
PAPER_BESIDE = {"test_auroc": "paper_auroc",
                "fraction_significant": "paper_fraction_any_jaspar",
                "fraction_ground_truth_significant": "paper_fraction_ground_truth"}
FRACTIONS = ("fraction_named", "fraction_named_shuffled", "fraction_significant",
             "fraction_significant_shuffled", "fraction_ground_truth",
             "fraction_ground_truth_family", "fraction_ground_truth_any_hit",
             "fraction_ground_truth_significant")


def _mean_sd(values: pd.Series) -> str:
    values = pd.to_numeric(values, errors="coerce").dropna()
    if values.empty:
        return ""
    return f"{values.mean():.3f} +/- {values.std(ddof=0):.3f}"


def _trial_groups(summary: pd.DataFrame):
    """(label, paper values, rows) per dataset x model x params x training; the paper's values
    (``paper_fraction_ground_truth``, ``paper_auroc``, ``paper_fraction_any_jaspar``) only
    for Koo & Eddy's ReLU CNNs on synthetic data, else None."""
    several = summary["dataset"].nunique() > 1
    for (dataset, model, params, _), group in summary.groupby(
            ["dataset", "model", "params", "training"], sort=False):
        hp = json.loads(params)
        label = re.sub(r"_t\d+$", "", group["architecture"].iloc[0])
        if several:
            label = f"{dataset}: {label}"
        synthetic = bool(group["synthetic"].iloc[0]) if "synthetic" in group else False
        # Koo & Eddy's values are of ReLU networks (Koo & Ploenzke's exp activation has none)
        paper = None
        if model == "koo_cnn" and synthetic and hp.get("activation", "relu") == "relu":
            key = (hp.get("variant", "cnn-25"), hp.get("filters1", 30))
            paper = {"paper_fraction_ground_truth": KOO_EDDY.get(key, ""),
                     "paper_auroc": KOO_EDDY_AUROC.get(key[0], "0.95-0.98"),
                     "paper_fraction_any_jaspar": KOO_EDDY_ANY_JASPAR.get(key, "")}
        yield label, paper, group


def trials(summary: pd.DataFrame) -> pd.DataFrame:
    """Mean +/- sd per dataset x (model, params, training but the seed) over its trials,
    Koo & Eddy's numbers for their CNNs on synthetic data beside ours (:data:`PAPER_BESIDE`),
    and how many trials stopped at the epoch cap while still improving."""
    fractions = [column for column in summary.columns
                 if any(column == name or column.endswith(f"_{name}") for name in FRACTIONS)]
    rows = []
    for _, paper, group in _trial_groups(summary):
        first = group.iloc[0]
        row = {
            "dataset": first["dataset"],
            "model": first["model"],
            "params": first["params"],
            "training": first["training"],
            "architectures": ",".join(group["architecture"]),
            "trials": len(group),
        }
        if "stopped" in group:
            improving = group["stopped"].astype(str).str.contains("still improving").sum()
            row["still_improving_at_cap"] = f"{improving}/{len(group)}"
        for column in ["test_auroc", *fractions]:
            row[column] = _mean_sd(group[column])
            if paper is not None and column in PAPER_BESIDE:
                row[PAPER_BESIDE[column]] = paper[PAPER_BESIDE[column]]
        rows.append(row)
    return pd.DataFrame(rows)


def _reference(text: str | None) -> tuple[str, float] | None:
    """('=', 0.98) for '0.980 +/- 0.027', ('<=', 0.127) for '<= 0.127 ...'; None for ranges."""
    found = re.fullmatch(r"(<=|>=)?\s*(\d\.\d+)(\s*\+/-\s*\d\.\d+)?",
                         (text or "").split(" (")[0].strip())
    return (found.group(1) or "=", float(found.group(2))) if found else None


def trial_points(summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What ``plots.plot_trials`` draws: one row per model (label, metric, value) and the
    paper's values (label, metric, value, relation), metrics 'test AUROC' and the fraction of
    filters whose best match is a ground-truth motif (any database motif without ground truth).
    """
    fraction = ("fraction_ground_truth"
                if summary.get("fraction_ground_truth", pd.Series(dtype=float)).notna().any()
                else "fraction_named")
    names = {"test_auroc": "test AUROC",
             fraction: fraction.replace("_", " ").replace("fraction", "fraction of filters")}
    points, paper = [], []
    for label, values, group in _trial_groups(summary):
        for column, name in names.items():
            if column in group:
                points += [{"label": label, "metric": name, "value": float(value)}
                           for value in pd.to_numeric(group[column], errors="coerce").dropna()]
        references = []
        if values is not None:
            references.append(("test_auroc", values["paper_auroc"]))
            if fraction == "fraction_ground_truth":  # the paper's fractions are of ground truth
                references.append((fraction, values["paper_fraction_ground_truth"]))
        for column, text in references:
            reference = _reference(text)
            if reference:
                paper.append({"label": label, "metric": names[column], "value": reference[1],
                              "relation": reference[0]})
    return (pd.DataFrame(points, columns=["label", "metric", "value"]),
            pd.DataFrame(paper, columns=["label", "metric", "value", "relation"]))


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
    save_figure(fig, path)
