"""``results/summary.tsv``: one row per trained model, with its test metrics, its cost, what
its motif layers learned, what attribution found (TF-MoDISco patterns named, and on
synthetic data their ground truth, seqlets and attribution maps scored against the embedded
motifs) and what attention found (attention motifs named; the maximum attention against the
embedded motifs, beside chance and attribution); and the same as an HTML table for the report."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import __version__
from ..io import atomic_path, write_tsv
from ..train.settings import RESOURCE_KEYS
from .trials import plot_trials, trial_points, trials

log = logging.getLogger(__name__)


def _layer_score(learned: dict, layer: str) -> dict:
    return learned.get("layers", {}).get(layer, {})


def _fractions(score: dict) -> dict:
    truth = score.get("ground_truth", {})
    null = score.get("null_shuffled", {})
    return {
        "fraction_named": score.get("fraction_named"),
        "fraction_named_shuffled": null.get("fraction_named"),
        "fraction_significant": score.get("fraction_significant"),
        "fraction_significant_shuffled": null.get("fraction_significant"),
        "fraction_ground_truth": truth.get("fraction"),
        "fraction_ground_truth_family": truth.get("fraction_family"),
        "fraction_ground_truth_any_hit": truth.get("fraction_any_hit"),
        # Koo & Eddy's count: any significant hit to an embedded motif, named or not
        "fraction_ground_truth_significant": truth.get("fraction_significant"),
    }


def summary_row(dataset: str, arch: str, spec: dict, metrics: dict,
                learned: dict | None, synthetic: bool = False) -> dict:
    """One row of ``summary.tsv``: test metrics (a regression model's ``test_pearson``,
    ``test_spearman``, ``test_r2``, ``test_mse``, its classification columns empty), cost, and
    what the first motif layer learned (``filters_named``, ``fraction_named`` and ``top_tfs``
    count *named* filters, ``fraction_significant`` those with E < threshold, see
    :mod:`motifnet.motifs.scoring`); further motif layers (e.g. cnn-1's conv2) add their
    fractions as ``<layer>_fraction_*``; attribution adds :func:`attribution_columns`.
    ``synthetic``: the dataset has Koo & Eddy's synthetic design."""
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
        "best_epoch": metrics.get("best_epoch"),
        # early stopping / at the cap, plateaued / stopped at the cap, still improving
        "stopped": metrics.get("stopped"),
        "device": metrics.get("device"),
    }
    if metrics.get("task") == "regression":  # classification columns stay empty
        row.update({f"test_{key}": metrics.get(key)
                    for key in ("pearson", "spearman", "r2", "mse")})
    if learned and learned["layers"]:
        layer, *others = learned["layers"]
        score = _layer_score(learned, layer)
        row.update({
            "motif_layer": layer,
            "filters": score.get("n_filters"),
            "filters_named": score.get("n_named"),
            **_fractions(score),
            "tfs_recovered": ",".join(score.get("ground_truth", {}).get("recovered", [])),
            "n_tfs_recovered": _count(score.get("ground_truth", {}).get("recovered")),
            "n_tfs_recovered_family": _count(
                score.get("ground_truth", {}).get("recovered_family")),
            "top_tfs": ",".join(f"{t['tf']}({t['filters']})" for t in score.get("top_tfs", [])[:5]),
            "filters_named_motifs": named_motifs(score.get("top_tfs", []), "filters"),
            "tomtom_engine": learned.get("engine"),
        })
        for other in others:
            row.update({f"{other}_{key}": value
                        for key, value in _fractions(_layer_score(learned, other)).items()})
    if learned and "attribution" in learned:
        row.update(attribution_columns(learned["attribution"]))
    if learned and "attention" in learned:
        row.update(attention_columns(learned["attention"]))
    return row


def named_motifs(top: list[dict], unit: str, sign: bool = False) -> str:
    """Named TFs with their count and best E-value, ``CTCF(3, E=2e-09)``, comma-separated
    (``sign``: patterns that lower the output marked ``lowers``)."""
    def one(t: dict) -> str:
        evalue = f", E={t['best_e_value']:.2g}" if "best_e_value" in t else ""
        lowers = ", lowers" if sign and t.get("sign") == "-" else ""
        return f"{t['tf']}({t[unit]}{evalue}{lowers})"

    return ", ".join(map(one, top))


def per_class_motifs(per_class: dict[str, list[dict]]) -> str:
    """``class: named motifs`` of each attributed class, ``;``-separated (``-``: none)."""
    return "; ".join(f"{name}: {named_motifs(top, 'patterns', sign=True) or '-'}"
                     for name, top in per_class.items())


def _count(items: list | None) -> int | None:
    return None if items is None else len(items)


def attribution_columns(score: dict) -> dict:
    """The ``attribution_*`` columns of a model from its pattern scores (``patterns.json``):
    method, patterns found, fraction named (beside the shuffled null), TFs named, and with
    ground truth the any-hit fraction, TFs recovered (best match; its JASPAR family; any
    significant hit; by a pattern of the TF's own class), seqlet precision (beside chance) and recall, and the
    attribution maps' AUROC/AUPRC of motif vs background positions; the named motifs with
    their best E-values, overall and per class (the negative class of a binary task too, and
    patterns that lower a class's output marked), and a note where a class's set is small or
    TF-MoDISco found nothing."""
    truth = score.get("ground_truth", {})
    seqlets = score.get("seqlets", {})
    maps = score.get("attribution", {})
    return {
        "attribution_method": score.get("method"),
        "attribution_patterns": score.get("n_patterns"),
        "attribution_fraction_named": score.get("fraction_named"),
        "attribution_fraction_named_shuffled": score.get("null_shuffled", {}).get(
            "fraction_named"),
        "attribution_tfs_named": score.get("n_tfs_named"),
        "attribution_fraction_ground_truth_any_hit": truth.get("fraction_any_hit"),
        "attribution_n_tfs_recovered": _count(truth.get("recovered")),
        "attribution_n_tfs_recovered_family": _count(truth.get("recovered_family")),
        "attribution_n_tfs_recovered_any_hit": _count(truth.get("recovered_any_hit")),
        "attribution_n_tfs_recovered_own_class": _count(truth.get("recovered_by_own_class")),
        "attribution_tfs_recovered": ",".join(truth.get("recovered", [])) if truth else None,
        "attribution_seqlet_precision": seqlets.get("precision"),
        "attribution_seqlet_precision_chance": seqlets.get("precision_chance"),
        "attribution_seqlet_recall": seqlets.get("recall"),
        "attribution_auroc": maps.get("auroc"),
        "attribution_auprc": maps.get("auprc"),
        "attribution_top_tfs": ",".join(f"{t['tf']}({t['patterns']})"
                                        for t in score.get("top_tfs", [])[:5]),
        "attribution_named_motifs": named_motifs(score.get("top_tfs", []), "patterns"),
        "attribution_named_per_class": per_class_motifs(score.get("named_per_class", {})),
        "attribution_negative_class": score.get("negative_class"),
        "attribution_note": "; ".join(score.get("notes", [])),
    }


def attention_columns(score: dict) -> dict:
    """The ``attention_*`` columns of a model from its attention motif scores
    (``attention_motifs.json``): motifs, fraction named beside the shuffled null, TFs
    recovered (by any motif; by the aligned motifs alone; by a motif of the TF's own class) and,
    on synthetic data, how often the maximum attention falls on an embedded motif of the
    class beside chance and beside the attribution maps' maximum, with the verdict in words."""
    truth = score.get("ground_truth", {})
    hits = score.get("max_attention", {})
    return {
        "attention_motifs": score.get("n_motifs"),
        "attention_fraction_named": score.get("fraction_named"),
        "attention_fraction_named_shuffled": score.get("null_shuffled", {}).get(
            "fraction_named"),
        "attention_n_tfs_recovered": _count(truth.get("recovered")),
        "attention_n_tfs_recovered_family": _count(truth.get("recovered_family")),
        "attention_n_tfs_recovered_aligned": _count(truth.get("recovered_aligned")),
        "attention_n_tfs_recovered_own_class": _count(truth.get("recovered_by_own_class")),
        "attention_tfs_recovered": ",".join(truth.get("recovered", [])) if truth else None,
        "attention_max_on_motif": hits.get("on_own_motif"),
        "attention_max_on_motif_chance": hits.get("chance_own"),
        "attention_max_on_any_motif": hits.get("on_any_motif"),
        "attention_max_on_motif_p_above_chance": hits.get("p_above_chance"),
        "attribution_max_on_motif": hits.get("attribution_on_own_motif"),
        "attention_vs_attribution_p": hits.get("p_attention_vs_attribution"),
        "attention_verdict": hits.get("verdict"),
    }


# What the report's summary page shows, in this order, with these headers.
HTML_COLUMNS = {
    "dataset": "dataset",
    "architecture": "architecture",
    "test_auroc": "test AUROC",
    "test_auprc": "test AUPRC",
    "test_pearson": "test Pearson r",
    "test_spearman": "test Spearman rho",
    "test_r2": "test R2",
    "stopped": "training stopped",
    "filters": "filters",
    "fraction_named": "named",
    "fraction_named_shuffled": "named (shuffled null)",
    "fraction_ground_truth": "ground truth (best)",
    "fraction_ground_truth_family": "ground truth (best, family)",
    "fraction_ground_truth_any_hit": "ground truth (any hit)",
    "top_tfs": "top named TFs",
    "filters_named_motifs": "named motifs (filters, best E)",
    "attribution_named_motifs": "named motifs (attribution, best E)",
    "attribution_method": "attribution",
    "attribution_patterns": "patterns",
    "attribution_fraction_named": "patterns named",
    "attribution_fraction_named_shuffled": "patterns named (shuffled null)",
    "attribution_n_tfs_recovered": "TFs recovered (patterns)",
    "attribution_seqlet_precision": "seqlet precision",
    "attribution_seqlet_recall": "seqlet recall",
    "attribution_auroc": "attribution AUROC",
    "attribution_named_per_class": "named per class (attribution)",
    "attribution_note": "attribution note",
    "attention_fraction_named": "attention motifs named",
    "attention_fraction_named_shuffled": "attention motifs named (shuffled null)",
    "attention_n_tfs_recovered": "TFs recovered (attention)",
    "attention_max_on_motif": "max attention on motif",
    "attention_max_on_motif_chance": "max attention on motif (chance)",
    "attribution_max_on_motif": "max attribution on motif",
    "attention_verdict": "attention, in words",
}


def summary_html(summary: pd.DataFrame) -> str:
    """A standalone HTML page of the summary's headline columns (one row per model), naming
    the motifnet version that made it."""
    shown = summary[[c for c in HTML_COLUMNS if c in summary]].rename(columns=HTML_COLUMNS)
    table = shown.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.3f}",
                          border=0, classes="summary")
    style = ("body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse}"
             "th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}"
             "th{background:#f3f3f3}td:nth-child(-n+2),td:last-child{text-align:left}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>motifnet summary</title>"
            f"<style>{style}</style></head><body>{table}<p>motifnet {__version__}</p></body></html>\n")


@dataclass
class SummaryOutputs:
    """``summary.tsv`` (``summary``), its HTML page (``table``), ``trials.tsv`` and the trials
    figure."""

    summary: str
    table: str
    trials: str
    trials_figure: str


def summarize(runs: list[tuple[str, str]], metrics_paths: list[str],
              motif_runs: list[tuple[str, str]], learned_paths: list[str],
              architectures: dict, synthetic: list[str], outputs: SummaryOutputs) -> pd.DataFrame:
    """Summarise every trained model (``runs``: (dataset, architecture) with their
    ``metrics.json``; ``motif_runs`` with their ``learned.json``) into ``outputs``."""
    learned = {run: json.loads(Path(path).read_text())
               for run, path in zip(map(tuple, motif_runs), learned_paths)}
    rows = [summary_row(dataset, arch, architectures[arch], json.loads(Path(path).read_text()),
                        learned.get((dataset, arch)), synthetic=dataset in synthetic)
            for (dataset, arch), path in zip(runs, metrics_paths)]
    summary = pd.DataFrame(rows)
    write_tsv(outputs.summary, summary, float_format="%.4g")
    write_tsv(outputs.trials, trials(summary), float_format="%.4g")
    with atomic_path(outputs.table) as tmp:
        Path(tmp).write_text(summary_html(summary))
    plot_trials(*trial_points(summary), outputs.trials_figure)
    log.info("%d models summarised", len(summary))
    return summary
