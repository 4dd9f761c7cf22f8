"""The attribution path through Snakemake: every architecture gets named motifs (a BiGRU through
ISM, said before any job runs), motifs.method chooses the paths, and the summary and
learned.json carry the attribution scores beside the filter scores."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from test_incremental import jobs

from conftest import run_snakemake

pytestmark = pytest.mark.workflow

TINY_GRU = {"embed_dim": 8, "hidden": 8, "attention_dim": 8, "fc1_units": 8, "fc2_units": 8}
CONFIG = {
    "datasets": {"syn": {"synthetic": {"n_sequences": 400, "seed": 5}, "task": "multilabel",
                         "length": 200}},
    "architectures": {
        "gru": {"model": "bigru_attention", "params": TINY_GRU},
        "cnn": {"model": "koo_cnn", "params": {"variant": "cnn-25", "filters1": 4,
                                               "filters2": 8}},
    },
    "training": {"epochs": 1, "threads": 1},
    "motifs": {"max_sequences": 200},
    "attribution": {"max_sequences": 30, "references": 2, "examples": 1},
    "gpus": {"cpu_only": True},
}
FALLBACK = ("architectures.gru on syn: DeepLIFT/SHAP cannot attribute model 'bigru_attention': "
            "its GRU layer 'gru' has no DeepLIFT rule; ISM instead")


def snakemake(workdir, config: dict, *args: str) -> str:
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    done = run_snakemake(workdir, *args, "--configfile", str(path))
    return done.stdout + done.stderr


def test_the_ism_fallback_is_said_before_any_job_runs(tmp_path):
    """Said when a run starts (not at every parse, so not by a dry run or a job's parse)."""
    planned = jobs(snakemake(tmp_path, CONFIG, "-n"))
    assert "attribute:syn/gru" in planned and "extract_pfms:syn/gru" not in planned
    assert {"attribute:syn/cnn", "extract_pfms:syn/cnn"} <= planned
    motif_db = "resources/motif_db/JASPAR2024_CORE_vertebrates.meme"
    output = snakemake(tmp_path, CONFIG, motif_db)
    assert FALLBACK in output and output.index(FALLBACK) < output.index("rule export_motif_db:")


@pytest.mark.parametrize("method,attribution,filters", [
    ("filters", set(), {"cnn"}), ("attribution", {"cnn", "gru"}, set())])
def test_motifs_method_chooses_the_paths(tmp_path, method, attribution, filters):
    planned = jobs(snakemake(tmp_path, {**CONFIG, "motifs": {"method": method}}, "-n"))
    assert {j.split("/")[-1] for j in planned if j.startswith("attribute:")} == attribution
    assert {j.split("/")[-1] for j in planned if j.startswith("extract_pfms:")} == filters
    assert ("learned:syn/gru" in planned) == (method == "attribution")


def test_every_architecture_gets_named_motifs_and_scores(tmp_path):
    snakemake(tmp_path, CONFIG)
    results = tmp_path / "results/syn"
    gru = json.loads((results / "gru/learned.json").read_text())
    assert gru["layers"] == {} and gru["attribution"]["method"] == "ism"
    assert "GRU" in gru["attribution"]["fallback"]
    cnn = json.loads((results / "cnn/learned.json").read_text())
    assert "conv1" in cnn["layers"] and cnn["attribution"]["method"] == "deep_lift_shap"
    for name in ("gru", "cnn"):
        scores = json.loads((results / name / "patterns.json").read_text())
        assert {"seqlets", "attribution", "ground_truth", "null_shuffled"} <= set(scores)
        assert (results / name / "patterns.png").read_bytes()[:4] == b"\x89PNG"
        assert list((results / name / "attribution_maps").glob("*.png"))
    assert not (results / "gru/filters.json").exists()
    summary = pd.read_csv(tmp_path / "results/summary.tsv", sep="\t").set_index("architecture")
    assert summary.loc["gru", "attribution_method"] == "ism"
    assert summary.loc["cnn", "attribution_method"] == "deep_lift_shap"
    assert pd.isna(summary.loc["gru", "fraction_named"])
    assert 0.0 <= summary.loc["cnn", "attribution_auroc"] <= 1.0
