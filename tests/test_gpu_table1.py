"""The Table 1 GPU call (tests/gpu/table1.sh) runs end to end on the CPU on a tiny input
(2 variants, 1 trial, 2 epochs) with only what the GPU machine has: Snakemake, YAML, pyjaspar,
bedtools wrappers and tangermeme cannot be imported; and it refuses missing inputs and a
machine without CUDA with clear messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from motifnet.data.encoded import EncodedSplit, save_dataset
from motifnet.data.onehot import encode
from motifnet.data.synthetic import generate, jaspar_pool
from motifnet.motifs.database import families_path, fetch_jaspar, jaspar_families, write_families
from motifnet.motifs.meme import write_meme

from conftest import REPO

sys.path.insert(0, str(REPO / "tests/gpu"))
from prepare_table1 import load_config, manifest

# What the GPU machine lacks (it has PyTorch, NumPy, pandas, scikit-learn, scipy, numba,
# matplotlib, h5py and pytest).
ABSENT = ("snakemake", "yaml", "pyjaspar", "pybedtools", "pyfaidx", "tangermeme",
          "modiscolite", "memelite", "logomaker", "optuna", "Bio", "jsonschema")
BLOCKER = f"""
import sys
ABSENT = {ABSENT!r}
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ABSENT:
            raise ImportError(f"{{name}} is not installed on the GPU machine")
        return None
sys.meta_path.insert(0, Absent())
"""
VARIANTS = ["cnn-25", "cnn-4-exp"]


@pytest.fixture(scope="module")
def tiny_inputs(tmp_path_factory) -> Path:
    """600 synthetic sequences (Koo & Eddy's 12 motifs), a 40-motif JASPAR 2016 database with
    its families and the manifest of config/koo_eddy.yaml, as tests/gpu/prepare_table1.py lays them out."""
    folder = tmp_path_factory.mktemp("table1-inputs")
    config = load_config(REPO / "config/koo_eddy.yaml")
    truth = config["datasets"]["koo_synthetic"]["synthetic"]["motifs"]
    pool = jaspar_pool(truth, "JASPAR2016")
    sequences, labels, _ = generate(pool, 600, 200, 1, 5, seed=0)
    x = encode([s.decode() for s in sequences], "uint8")
    ids = np.array([f"s{i}" for i in range(len(x))])
    parts = {"train": slice(0, 420), "val": slice(420, 480), "test": slice(480, 600)}
    splits = {name: EncodedSplit(x[part], labels[part], ids[part]) for name, part in parts.items()}
    save_dataset([folder / f"{name}.npz" for name in parts], folder / "encoding.json", splits,
                 {"dataset": "koo_synthetic", "task": "multilabel",
                  "classes": [m.name for m in pool], "dtype": "uint8"})
    motifs = fetch_jaspar("JASPAR2016", "CORE", "vertebrates")
    base = {m.matrix_id.split(".")[0] for m in pool}
    kept = [m for m in motifs if m.id.split(".")[0] in base] + motifs[:28]
    write_meme(folder / "JASPAR2016_CORE_vertebrates.meme", kept)
    write_families(families_path(folder / "JASPAR2016_CORE_vertebrates.meme"),
                   jaspar_families("JASPAR2016", (m.id for m in kept)))
    info = manifest(config, "koo_synthetic", "JASPAR2016_CORE_vertebrates.meme")
    (folder / "manifest.json").write_text(json.dumps(info))
    return folder


def table1(out: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(REPO / "tests/gpu/table1.sh"), str(out), *args],
                          capture_output=True, text=True, cwd=REPO, check=False,
                          env={**os.environ, "PYTHON": sys.executable, **(env or {})})


def test_the_manifest_holds_every_variant_of_the_papers_protocol(tiny_inputs):
    info = json.loads((tiny_inputs / "manifest.json").read_text())
    assert len(info["variants"]) == 19 and info["variants"]["cnn-25"]["seeds"] == [1, 2, 3, 4, 5]
    assert info["variants"]["cnn-1"]["motif_layers"] == ["conv1", "conv2"]
    assert info["training"]["select_on"] == "val_loss" and info["training"]["epochs"] == 100
    assert info["tomtom"]["engine"] == "builtin" and info["ground_truth"]["MAX"] == "MA0058"
    assert yaml.safe_load((REPO / "config/koo_eddy.yaml").read_text())["datasets"][
        "koo_synthetic"]["dtype"] == "uint8"


def test_table1_runs_end_to_end_on_a_tiny_input_without_the_workflows_packages(
        tiny_inputs, tmp_path):
    blocker = tmp_path / "absent"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCKER)
    cache = REPO / "resources/numba_cache"
    out = tmp_path / "out"
    result = table1(out, "--inputs", str(tiny_inputs), "--variants", *VARIANTS, "--trials", "1",
                    "--epochs", "2", "--jobs-per-device", "2", "--allow-cpu",
                    env={"PYTHONPATH": str(blocker), "NUMBA_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "no CUDA: promoter_cnn benchmark skipped" in result.stdout
    assert "== Table 1" in result.stdout and "2 of 2 models" in result.stdout
    trials = pd.read_csv(out / "trials.tsv", sep="\t").set_index("variant")
    assert sorted(trials.index) == sorted(VARIANTS)
    assert trials.loc["cnn-25", "paper_fraction_ground_truth"] == "0.980 +/- 0.027"
    summary = pd.read_csv(out / "summary.tsv", sep="\t")
    assert set(summary["stopped"]) <= {"stopped at the cap, still improving",
                                       "at the cap, plateaued"}
    assert (summary["epochs"] == 2).all() and summary["filters"].tolist() == [30, 30]
    assert summary["fraction_ground_truth_family"].notna().all()  # families beside the database
    for arch in ("cnn-25_t1", "cnn-4-exp_t1"):
        for name in ("model.pt", "filters.meme", "tomtom.tsv", "filter_names.tsv"):
            assert (out / "models" / arch / name).is_file(), (arch, name)
    log = (out / "table1.log").read_text()
    assert "Table 1" in log


def test_without_prepared_inputs_it_names_the_command_that_prepares_them(tmp_path):
    result = table1(tmp_path / "out", "--inputs", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert "tests/gpu/prepare_table1.py" in result.stdout + result.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is here")
def test_without_cuda_it_stops_unless_a_cpu_run_is_asked_for(tiny_inputs, tmp_path):
    result = table1(tmp_path / "out", "--inputs", str(tiny_inputs),
                    env={"MOTIFNET_TABLE1_ALLOW_CPU": "0"})
    assert result.returncode == 3
    assert "no CUDA device" in result.stdout + result.stderr
    assert not (tmp_path / "out" / "models").exists()
