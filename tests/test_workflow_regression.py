"""Regression through Snakemake: synthetic values and imported sequences with numeric targets
train linear outputs, write regression metrics and predicted-vs-observed plots, leave the
classification columns of the summary empty, and are attributed per target."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import run_snakemake

pytestmark = pytest.mark.workflow

CONFIG = {
    "datasets": {
        "syn": {"synthetic": {"n_sequences": 400, "seed": 5,
                              "values": {"effects": {"SP1": 2.0}, "noise_sd": 0.1}},
                "task": "regression", "length": 200},
        "own": {"sequences": {"tsv": "own.tsv", "label_columns": ["gc", "at"]},
                "task": "regression", "transform": "log1p", "length": 100,
                "max_dropped_fraction": 0.05},
    },
    "architectures": {
        "cnn": {"model": "koo_cnn", "params": {"variant": "cnn-25", "filters1": 4,
                                               "filters2": 8}},
    },
    "training": {"epochs": 1, "threads": 1},
    "motifs": {"max_sequences": 200},
    "attribution": {"max_sequences": 30, "references": 2, "examples": 1},
    "gpus": {"cpu_only": True},
}


def own_tsv(path, n=200) -> list[int]:
    """Random sequences whose targets are their G+C and A+T counts; one row without a number.
    The G+C counts."""
    rng = np.random.default_rng(0)
    counts = []
    rows = ["id\tsequence\tgc\tat"]
    for i in range(n):
        seq = "".join(rng.choice(list("ACGT"), 100))
        gc = seq.count("G") + seq.count("C")
        rows.append(f"s{i}\t{seq}\t{gc}\t{100 - gc}")
        counts.append(gc)
    rows[4] = rows[4].rsplit("\t", 1)[0] + "\tNA"
    path.write_text("\n".join(rows) + "\n")
    return counts


def test_regression_end_to_end(tmp_path):
    expected_gc = own_tsv(tmp_path / "own.tsv")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG, sort_keys=False))
    run_snakemake(tmp_path, "--configfile", str(tmp_path / "config.yaml"))
    results = tmp_path / "results"
    for name in ("syn", "own"):
        folder = results / name / "cnn"
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["task"] == "regression" and metrics["loss"] == "mse"
        assert {"pearson", "spearman", "r2", "mse", "per_target"} <= set(metrics)
        assert "auroc" not in metrics
        assert (folder / "plots/scatter.png").read_bytes()[:4] == b"\x89PNG"
        assert not (folder / "plots/roc.png").exists()
        history = pd.read_csv(folder / "history.tsv", sep="\t")
        assert "val_pearson" in history and "val_auroc" not in history
    encoding = json.loads((results / "own/data/encoding.json").read_text())
    assert encoding["transform"] == "log1p" and encoding["unknown"] == "zero"
    assert encoding["classes"] == ["gc", "at"]
    dropped = pd.read_csv(results / "own/data/dropped.tsv", sep="\t")
    assert dropped["id"].tolist() == ["s3"]
    assert dropped["reason"].iloc[0] == "non-numeric value 'NA' in target column 'at'"
    predictions = pd.read_csv(results / "own/cnn/predictions.tsv", sep="\t")
    assert list(predictions.columns) == ["id", "y:gc", "y:at", "p:gc", "p:at"]
    assert len(predictions) == encoding["counts"]["test"]["n"]
    gc = predictions["id"].str[1:].astype(int).map(lambda i: expected_gc[i])
    np.testing.assert_allclose(predictions["y:gc"], np.log1p(gc), rtol=1e-5)
    attribution = json.loads((results / "syn/cnn/attributions/attribution.json").read_text())
    assert len(attribution["classes"]) == 12
    assert attribution["selection"].startswith("observed value above")
    assert {"ground_truth", "seqlets"} <= set(json.loads(
        (results / "syn/cnn/patterns.json").read_text()))
    summary = pd.read_csv(results / "summary.tsv", sep="\t", keep_default_na=False)
    assert (summary["test_auroc"] == "").all() and (summary["accuracy"] == "").all()
    assert summary["test_pearson"].astype(float).between(-1, 1).all()
