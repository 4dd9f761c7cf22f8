"""The attention path through Snakemake: motifs.method attention names a model's attention
motifs, scores its maps against the embedded motifs beside its attribution, and refuses a model
without attention before any job runs."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from test_incremental import jobs
from test_workflow_attribution import snakemake

from conftest import run_snakemake

pytestmark = pytest.mark.workflow

CONFIG = {
    "datasets": {"syn": {"synthetic": {"n_sequences": 400, "seed": 5}, "task": "multilabel",
                         "length": 200}},
    "architectures": {
        "att": {"model": "attention_net",
                "params": {"filters": 8, "residual_blocks": 1, "fc_units": 8, "fc_layers": 1}},
    },
    "training": {"epochs": 1, "threads": 1},
    "motifs": {"method": "attention", "attention": {"top_sequences": 20, "examples": 1}},
    "attribution": {"max_sequences": 30, "references": 2, "examples": 1},
    "gpus": {"cpu_only": True},
}


def test_attention_alone_for_a_model_without_it_stops_before_any_job(tmp_path):
    config = {**CONFIG, "architectures": {**CONFIG["architectures"],
                                          "cnn": {"model": "koo_cnn",
                                                  "params": {"variant": "cnn-2"}}}}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    done = run_snakemake(tmp_path, "-n", "--configfile", str(tmp_path / "config.yaml"),
                         check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "config key 'motifs.method'" in output
    assert "motifs.method attention needs an attention pooling, which model 'koo_cnn' " \
        "(architectures.cnn) has not" in output
    assert "models with one: architect, attention_net, bigru_attention, promoter_net" in output


def test_attention_beside_attribution_plans_both(tmp_path):
    config = {**CONFIG, "motifs": {**CONFIG["motifs"], "method": ["attribution", "attention"]}}
    planned = jobs(snakemake(tmp_path, config, "-n"))
    assert {"attention:syn/att", "attribute:syn/att", "attention_motifs:syn/att",
            "attention_figures:syn/att", "modisco:syn/att"} <= planned


def test_attention_motifs_are_named_scored_and_drawn(tmp_path):
    snakemake(tmp_path, CONFIG)
    results = tmp_path / "results/syn/att"
    learned = json.loads((results / "learned.json").read_text())
    assert learned["layers"] == {} and "attribution" not in learned
    attention = learned["attention"]
    assert attention["geometry"]["width"] == 4 * (3 - 1) + 1  # 2 stem + 2 residual convs of 3
    assert attention["n_motifs"] >= 12 and "null_shuffled" in attention
    hits = attention["max_attention"]
    assert 0.0 < hits["chance_own"] < 0.5 and 0.0 <= hits["on_own_motif"] <= 1.0
    assert "than chance" in hits["verdict"] and "attribution_on_own_motif" not in hits
    names = pd.read_csv(results / "attention_names.tsv", sep="\t")
    assert (names["kind"] == "aligned").sum() == 12
    for figure in ("attention_means.png", "attention_motifs.png"):
        assert (results / figure).read_bytes()[:4] == b"\x89PNG"
    assert len(list((results / "attention_maps").glob("*.png"))) == 12
    summary = pd.read_csv(tmp_path / "results/summary.tsv", sep="\t").set_index("architecture")
    assert summary.loc["att", "attention_max_on_motif_chance"] == pytest.approx(
        hits["chance_own"], rel=1e-3)
    assert summary.loc["att", "attention_verdict"] == hits["verdict"]
