"""Config checks and what the Snakefile imports while it reads the config."""

from __future__ import annotations

import subprocess
import sys

import pytest

from motifnet.config import gpu_slot_advice, motif_layers
from motifnet.data.kinds import dataset_kind
from motifnet.errors import InputError

from conftest import REPO

PARSE_TIME = ("motifnet.config", "motifnet.data.kinds", "motifnet.data.download",
              "motifnet.train.settings", "motifnet.motifs.engines", "motifnet.params")


def config(model: str, **arch) -> dict:
    return {"datasets": {"d": {"synthetic": {"motifs": {"A": "MA0001"}}, "length": 200,
                               "task": "multilabel"}},
            "architectures": {"a": {"model": model, **arch}},
            "motifs": {"layers": ["conv1"]}}


def test_the_snakefile_imports_no_numpy_pandas_or_torch():
    """Snakemake alone (conda's snakemake, with --sdm conda) has none of them."""
    code = ("import sys; " + "; ".join(f"import {m}" for m in PARSE_TIME)
            + "; print(sorted({'numpy', 'pandas', 'torch'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO / "scripts", check=True)
    assert result.stdout.strip() == "[]"


def test_motif_layers_are_asked_of_the_model():
    assert motif_layers(config("koo_cnn"), "d", "a") == ["conv1"]
    assert motif_layers(config("bigru_attention"), "d", "a") == []
    with pytest.raises(InputError, match="no convolution layer \\['conv2'\\]"):
        motif_layers(config("deepbind", motif_layers=["conv2"]), "d", "a")


def test_without_torch_the_configured_layers_are_taken():
    code = ("import sys; sys.modules['torch'] = None\n"
            "from motifnet.config import motif_layers\n"
            f"print(motif_layers({config('bigru_attention')!r}, 'd', 'a'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO / "scripts", check=True)
    assert result.stdout.strip() == "['conv1']"


def test_dataset_kind_is_the_block_the_entry_holds():
    assert dataset_kind({"sequences": {}, "task": "binary"}) == "sequences"
    assert dataset_kind({"genome": "g", "intervals": {}}) == "intervals"
    with pytest.raises(ValueError, match="one of the blocks"):
        dataset_kind({"genome": "g"})


def test_gpu_slot_advice_names_the_flag_that_fills_the_slots():
    gpus = {"devices": [0, 1], "jobs_per_device": 3, "cpu_only": False}
    assert gpu_slot_advice(6, gpus) is None
    assert "--resources gpu=6" in gpu_slot_advice(2, gpus)
    assert "wait inside" in gpu_slot_advice(8, gpus)
    assert gpu_slot_advice(2, {**gpus, "cpu_only": True}) is None
