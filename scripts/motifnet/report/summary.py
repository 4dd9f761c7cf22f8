"""One table of every trained model, and trials of the same architecture beside the paper.

A *trial* is a set of architectures with the same model and hyperparameters (differing only in
their training, e.g. the seed); trials are aggregated to mean and standard deviation.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from ..train.settings import RESOURCE_KEYS

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
FRACTIONS = ("fraction_matched", "fraction_matched_shuffled", "fraction_significant",
             "fraction_significant_shuffled", "fraction_ground_truth",
             "fraction_ground_truth_any_hit")


def _layer_score(learned: dict, layer: str) -> dict:
    return learned.get("layers", {}).get(layer, {})


def _fractions(score: dict) -> dict:
    truth = score.get("ground_truth", {})
    null = score.get("null_shuffled", {})
    return {
        "fraction_matched": score.get("fraction_matched"),
        "fraction_matched_shuffled": null.get("fraction_named"),
        "fraction_significant": score.get("fraction_significant"),
        "fraction_significant_shuffled": null.get("fraction_matched"),
        "fraction_ground_truth": truth.get("fraction"),
        "fraction_ground_truth_any_hit": truth.get("fraction_any_hit"),
    }


def summary_row(dataset: str, arch: str, spec: dict, metrics: dict,
                learned: dict | None, synthetic: bool = False) -> dict:
    """One row of ``summary.tsv``: test metrics, cost, and what the first motif layer learned
    (``filters_matched``, ``fraction_matched`` and ``top_tfs`` count *named* filters, see
    :mod:`.learned`); further motif layers (e.g. cnn-1's conv2) add their fractions as
    ``<layer>_fraction_*``. ``synthetic``: the dataset has Koo & Eddy's synthetic design."""
    row = {
        "dataset": dataset,
        "synthetic": bool(synthetic),
        "architecture": arch,
        "model": spec["model"],
        "params": json.dumps(spec.get("params", {}), sort_keys=True),
        # training overrides that change what is learned; trials differ only in the seed
        "training": json.dumps({key: value for key, value in spec.get("training", {}).items()
                                if key not in ("seed", *RESOURCE_KEYS)}, sort_keys=True),
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


# What the report's summary page shows, in this order, with these headers.
HTML_COLUMNS = {
    "dataset": "dataset",
    "architecture": "architecture",
    "test_auroc": "test AUROC",
    "test_auprc": "test AUPRC",
    "filters": "filters",
    "fraction_matched": "named",
    "fraction_matched_shuffled": "named (shuffled null)",
    "fraction_ground_truth": "ground truth (best)",
    "fraction_ground_truth_any_hit": "ground truth (any hit)",
    "top_tfs": "top named TFs",
}


def summary_html(summary: pd.DataFrame) -> str:
    """A standalone HTML page of the summary's headline columns (one row per model)."""
    shown = summary[[c for c in HTML_COLUMNS if c in summary]].rename(columns=HTML_COLUMNS)
    table = shown.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.3f}",
                          border=0, classes="summary")
    style = ("body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse}"
             "th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}"
             "th{background:#f3f3f3}td:nth-child(-n+2),td:last-child{text-align:left}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>motifnet summary</title>"
            f"<style>{style}</style></head><body>{table}</body></html>\n")


def _mean_sd(values: pd.Series) -> str:
    values = pd.to_numeric(values, errors="coerce").dropna()
    if values.empty:
        return ""
    return f"{values.mean():.3f} +/- {values.std(ddof=0):.3f}"


def _trial_groups(summary: pd.DataFrame):
    """(label, paper fraction, paper AUROC, rows) per dataset x model x params x training."""
    several = summary["dataset"].nunique() > 1
    for (dataset, model, params, _), group in summary.groupby(
            ["dataset", "model", "params", "training"], sort=False):
        hp = json.loads(params)
        label = re.sub(r"_t\d+$", "", group["architecture"].iloc[0])
        if several:
            label = f"{dataset}: {label}"
        synthetic = bool(group["synthetic"].iloc[0]) if "synthetic" in group else False
        if model == "koo_cnn" and synthetic:
            variant = hp.get("variant", "cnn-25")
            paper = (KOO_EDDY.get((variant, hp.get("filters1", 30)), ""),
                     KOO_EDDY_AUROC.get(variant, "0.95-0.98"))
        else:
            paper = (None, None)
        yield label, *paper, group


def trials(summary: pd.DataFrame) -> pd.DataFrame:
    """Mean +/- sd per dataset x (model, params, training but the seed) over its trials,
    beside Koo & Eddy's numbers for their CNNs on synthetic data."""
    fractions = [column for column in summary.columns
                 if any(column == name or column.endswith(f"_{name}") for name in FRACTIONS)]
    rows = []
    for _, paper_fraction, paper_auroc, group in _trial_groups(summary):
        first = group.iloc[0]
        row = {
            "dataset": first["dataset"],
            "model": first["model"],
            "params": first["params"],
            "training": first["training"],
            "architectures": ",".join(group["architecture"]),
            "trials": len(group),
            "test_auroc": _mean_sd(group["test_auroc"]),
        }
        for column in fractions:
            row[column] = _mean_sd(group[column])
        if paper_fraction is not None:
            row["paper_fraction_ground_truth"] = paper_fraction
            row["paper_auroc"] = paper_auroc
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
                else "fraction_matched")
    names = {"test_auroc": "test AUROC",
             fraction: fraction.replace("_", " ").replace("fraction", "fraction of filters")}
    points, paper = [], []
    for label, paper_fraction, paper_auroc, group in _trial_groups(summary):
        for column, name in names.items():
            if column in group:
                points += [{"label": label, "metric": name, "value": float(value)}
                           for value in pd.to_numeric(group[column], errors="coerce").dropna()]
        references = [("test_auroc", paper_auroc)]
        if fraction == "fraction_ground_truth":  # the paper's fractions are of ground truth
            references.append((fraction, paper_fraction))
        for column, text in references:
            reference = _reference(text)
            if reference:
                paper.append({"label": label, "metric": names[column], "value": reference[1],
                              "relation": reference[0]})
    return (pd.DataFrame(points, columns=["label", "metric", "value"]),
            pd.DataFrame(paper, columns=["label", "metric", "value", "relation"]))
