"""summary.tsv rows and the summary page."""

import pandas as pd
import pytest

from motifnet import __version__
from motifnet.report.summary import summary_html, summary_row


def layer_score(named: float, truth: float) -> dict:
    return {"n_filters": 10, "n_named": int(named * 10), "fraction_named": named,
            "fraction_significant": named, "null_shuffled": {"fraction_significant": 0.1,
                                                                "fraction_named": 0.02},
            "ground_truth": {"fraction": truth, "fraction_family": truth + 0.05,
                             "fraction_any_hit": truth + 0.1, "fraction_significant": truth + 0.2,
                             "recovered": ["MAX", "SP1"],
                             "recovered_family": ["CEBPB", "MAX", "SP1"]},
            "top_tfs": [{"tf": "MAX", "filters": 3}]}


def row(arch: str, seed: int, auroc: float, layers: dict, synthetic: bool = True,
        dataset: str = "koo_synthetic") -> dict:
    spec = {"model": "koo_cnn", "params": {"variant": arch}, "training": {"seed": seed}}
    metrics = {"auroc": auroc, "accuracy": 0.9, "n_parameters": 5}
    return summary_row(dataset, f"{arch}_t{seed}", spec, metrics,
                       {"engine": "builtin", "layers": layers}, synthetic=synthetic)


def test_summary_row_takes_the_first_motif_layer_and_prefixes_the_others():
    r = row("cnn-1", 1, 0.9, {"conv1": layer_score(0.2, 0.0), "conv2": layer_score(0.9, 0.8)})
    assert r["motif_layer"] == "conv1" and r["fraction_ground_truth"] == 0.0
    assert r["conv2_fraction_ground_truth"] == 0.8
    assert r["conv2_fraction_ground_truth_any_hit"] == pytest.approx(0.9)
    assert r["tfs_recovered"] == "MAX,SP1" and r["top_tfs"] == "MAX(3)"
    assert r["fraction_ground_truth_family"] == 0.05 and r["n_tfs_recovered_family"] == 3
    # the null: shuffled copies named by the same call, and with E < threshold alone
    assert r["fraction_named_shuffled"] == 0.02 and r["fraction_significant_shuffled"] == 0.1


def test_summary_html_shows_the_headline_columns():
    page = summary_html(pd.DataFrame([row("cnn-25", 1, 0.975, {"conv1": layer_score(0.8, 0.7)})]))
    assert page.startswith("<!DOCTYPE html>") and "<table" in page
    for text in ("test AUROC", "named (shuffled null)", "0.975", "0.800", "MAX(3)", "cnn-25_t1",
                 f"motifnet {__version__}"):
        assert text in page, text
