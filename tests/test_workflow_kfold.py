"""K-fold cross-validation through Snakemake: one training job per fold, out-of-fold
predictions of every sequence, pooled and per-fold metrics, motifs from fold 1's model, and a
change of k reruns that dataset only."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from test_incremental import jobs

from conftest import run_snakemake

pytestmark = pytest.mark.workflow

CONFIG = {
    "datasets": {
        "reg": {"sequences": {"tsv": "reg.tsv", "label_columns": ["gc"]},
                "task": "regression", "length": 100, "split": {"method": "kfold", "k": 3}},
        "bin": {"sequences": {"tsv": "bin.tsv", "label_columns": ["bound"]},
                "task": "binary", "length": 100, "split": {"method": "kfold", "k": 2}},
    },
    "architectures": {
        "cnn": {"model": "koo_cnn", "params": {"variant": "cnn-25", "filters1": 4,
                                               "filters2": 8}},
    },
    "training": {"epochs": 1, "threads": 1},
    "motifs": {"method": "filters", "max_sequences": 100},
    "gpus": {"cpu_only": True},
}


def tables(folder, n=90):
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 100)) for _ in range(n)]
    gc = [s.count("G") + s.count("C") for s in seqs]
    rows = [f"s{i}\t{s}\t{g}" for i, (s, g) in enumerate(zip(seqs, gc))]
    (folder / "reg.tsv").write_text("id\tsequence\tgc\n" + "\n".join(rows) + "\n")
    rows = [f"s{i}\t{s}\t{int(g > 50)}" for i, (s, g) in enumerate(zip(seqs, gc))]
    (folder / "bin.tsv").write_text("id\tsequence\tbound\n" + "\n".join(rows) + "\n")


def snakemake(workdir, config, *args):
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    done = run_snakemake(workdir, *args, "--configfile", str(workdir / "config.yaml"))
    return done.stdout + done.stderr


def test_kfold_end_to_end_and_k_reruns_its_dataset_only(tmp_path):
    tables(tmp_path)
    output = snakemake(tmp_path, CONFIG)
    planned = jobs(output)
    assert {f"train_fold:reg/cnn/{k}" for k in (1, 2, 3)} <= planned
    assert {"train_fold:bin/cnn/1", "train_fold:bin/cnn/2"} <= planned
    assert not any(job.startswith("train:") or job.startswith("train_regression:")
                   for job in planned)
    for name, k in (("reg", 3), ("bin", 2)):
        folder = tmp_path / "results" / name / "cnn"
        predictions = pd.read_csv(folder / "predictions.tsv", sep="\t")
        assert sorted(predictions["id"]) == sorted(f"s{i}" for i in range(90))
        assert sorted(predictions["fold"].unique()) == list(range(1, k + 1))
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["n"] == 90 and metrics["folds"]["k"] == k
        assert metrics["folds"]["motif_model"] == "fold 1"
        headline = "pearson" if name == "reg" else "auroc"
        assert set(metrics["folds"]["mean"]) >= {headline}
        assert len(metrics["folds"]["per_fold"]) == k
        assert (folder / "filters.tsv").exists() and (folder / "plots/out_of_fold.png").exists()
    encoding = json.loads((tmp_path / "results/bin/data/encoding.json").read_text())
    assert encoding["split"] == {"method": "kfold", "k": 2, "val_fraction": 0.1, "seed": 0}
    assert encoding["folds"]["stratified"] is True
    folds = pd.read_csv(tmp_path / "results/bin/data/folds.tsv", sep="\t")
    test = np.load(tmp_path / "results/bin/data/test.npz")["ids"]
    assert set(test) == set(folds.loc[folds["fold"] == 1, "id"])  # fold 1's held-out
    changed = {**CONFIG, "datasets": {**CONFIG["datasets"], "reg": {
        **CONFIG["datasets"]["reg"], "split": {"method": "kfold", "k": 2}}}}
    planned = jobs(snakemake(tmp_path, changed, "-n"))
    assert "encode_kfold:reg" in planned
    assert not any(":bin" in job for job in planned)
