"""One table of every trained model, and trials of the same architecture beside the paper.

A *trial* is a set of architectures with the same model and hyperparameters (differing only in
their training, e.g. the seed); trials are aggregated to mean and standard deviation.
"""

from __future__ import annotations

import json

import pandas as pd

# Koo & Eddy (2019), synthetic data: fraction of first-layer filters whose best TomTom match
# (E < 0.1, JASPAR vertebrates) is a ground-truth motif, and mean test AUROC, as the text
# reports them (mean +/- sd over 5 trials where given; bounds where only a bound is given).
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
FRACTIONS = ("fraction_matched", "fraction_matched_shuffled", "fraction_ground_truth",
             "fraction_ground_truth_any_hit")


def _layer_score(learned: dict, layer: str) -> dict:
    return learned.get("layers", {}).get(layer, {})


def _fractions(score: dict) -> dict:
    truth = score.get("ground_truth", {})
    return {
        "fraction_matched": score.get("fraction_matched"),
        "fraction_matched_shuffled": score.get("null_shuffled", {}).get("fraction_matched"),
        "fraction_ground_truth": truth.get("fraction"),
        "fraction_ground_truth_any_hit": truth.get("fraction_any_hit"),
    }


def summary_row(dataset: str, arch: str, spec: dict, metrics: dict,
                learned: dict | None) -> dict:
    """One row of ``summary.tsv``: test metrics, cost, and what the first motif layer learned;
    further motif layers (e.g. cnn-1's conv2) add their fractions as ``<layer>_fraction_*``."""
    row = {
        "dataset": dataset,
        "architecture": arch,
        "model": spec["model"],
        "params": json.dumps(spec.get("params", {}), sort_keys=True),
        "test_auroc": metrics.get("auroc"),
        "test_auprc": metrics.get("auprc"),
        "accuracy": metrics.get("accuracy"),
        "f1": metrics.get("f1"),
        "n_parameters": metrics.get("n_parameters"),
        "train_seconds": metrics.get("train_seconds"),
        "seconds_per_epoch": metrics.get("seconds_per_epoch"),
        "epochs": metrics.get("epochs_run"),
        "device": metrics.get("device"),
    }
    if learned:
        layer, *others = learned["layers"]
        score = _layer_score(learned, layer)
        row.update({
            "motif_layer": layer,
            "filters": score.get("n_filters"),
            "filters_matched": score.get("n_matched"),
            **_fractions(score),
            "tfs_recovered": ",".join(score.get("ground_truth", {}).get("recovered", [])),
            "top_tfs": ",".join(f"{t['tf']}({t['filters']})" for t in score.get("top_tfs", [])[:5]),
            "tomtom_engine": learned.get("engine"),
        })
        for other in others:
            row.update({f"{other}_{key}": value
                        for key, value in _fractions(_layer_score(learned, other)).items()})
    return row


def _mean_sd(values: pd.Series) -> str:
    values = pd.to_numeric(values, errors="coerce").dropna()
    if values.empty:
        return ""
    return f"{values.mean():.3f} +/- {values.std(ddof=0):.3f}"


def trials(summary: pd.DataFrame) -> pd.DataFrame:
    """Mean +/- sd per dataset x (model, params) over its trials, beside Koo & Eddy's numbers."""
    fractions = [column for column in summary.columns
                 if any(column == name or column.endswith(f"_{name}") for name in FRACTIONS)]
    rows = []
    for (dataset, model, params), group in summary.groupby(["dataset", "model", "params"],
                                                           sort=False):
        hp = json.loads(params)
        variant = hp.get("variant", "cnn-25") if model == "koo_cnn" else None
        filters = hp.get("filters1", 30)
        row = {
            "dataset": dataset,
            "model": model,
            "params": params,
            "architectures": ",".join(group["architecture"]),
            "trials": len(group),
            "test_auroc": _mean_sd(group["test_auroc"]),
        }
        for column in fractions:
            row[column] = _mean_sd(group[column])
        if variant:
            row["paper_fraction_ground_truth"] = KOO_EDDY.get((variant, filters), "")
            row["paper_auroc"] = KOO_EDDY_AUROC.get(variant, "0.95-0.98")
        rows.append(row)
    return pd.DataFrame(rows)

