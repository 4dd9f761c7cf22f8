"""Config checks and what the Snakefile imports while it reads the config."""

from __future__ import annotations

import subprocess
import sys

import pytest

from motifnet.config import attribution_method, motif_layers, motif_paths
from motifnet.data.kinds import dataset_kind
from motifnet.errors import InputError

from conftest import REPO

PARSE_TIME = ("motifnet.config", "motifnet.data.kinds", "motifnet.data.download",
              "motifnet.train.settings", "motifnet.motifs.engines", "motifnet.params")


def config(model: str, **arch) -> dict:
    return {"datasets": {"d": {"synthetic": {"motifs": {"A": "MA0001"}}, "length": 200,
                               "task": "multilabel"}},
            "architectures": {"a": {"model": model, **arch}},
            "motifs": {"layers": ["conv1"], "method": "both"},
            "attribution": {"method": "deep_lift_shap"}}


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


@pytest.mark.parametrize("method,cnn,gru", [
    ("both", ["filters", "attribution"], ["attribution"]),
    ("filters", ["filters"], []),
    ("attribution", ["attribution"], ["attribution"]),
])
def test_motifs_method_gives_attribution_alone_to_models_without_motif_layers(method, cnn, gru):
    def paths(model):
        settings = config(model)
        settings["motifs"]["method"] = method
        return motif_paths(settings, "d", "a")

    assert paths("koo_cnn") == cnn and paths("bigru_attention") == gru


def test_deeplift_falls_back_to_ism_for_recurrent_models_when_the_config_is_read():
    assert attribution_method(config("deepbind"), "d", "a") == ("deep_lift_shap", "")
    method, why = attribution_method(config("promoter_net"), "d", "a")
    assert method == "ism" and "'promoter_net'" in why and "LSTM layer 'lstm'" in why
    settings = config("bigru_attention")
    settings["attribution"]["method"] = "saliency"
    assert attribution_method(settings, "d", "a") == ("saliency", "")
