"""Config checks and what the Snakefile imports while it reads the config."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from motifnet.config import (
    attribution_method,
    check_config,
    gpu_slot_advice,
    motif_layers,
    motif_paths,
)
from motifnet.data.kinds import dataset_kind, peaks_settings
from motifnet.errors import InputError

from conftest import REPO, SNAKEMAKE

PARSE_TIME = ("motifnet.config", "motifnet.data.kinds", "motifnet.data.download",
              "motifnet.data.label_values", "motifnet.train.settings",
              "motifnet.motifs.engines", "motifnet.params", "motifnet.models.catalog",
              "motifnet.interpret.methods")


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


def test_without_torch_the_models_layers_and_fallbacks_are_known():
    code = ("import sys; sys.modules['torch'] = None\n"
            "from motifnet.config import attribution_method, motif_layers\n"
            f"print(motif_layers({config('bigru_attention')!r}, 'd', 'a'),"
            f" motif_layers({config('koo_cnn')!r}, 'd', 'a'),"
            f" attribution_method({config('bigru_attention')!r}, 'd', 'a')[0])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO / "scripts", check=True)
    assert result.stdout.strip() == "[] ['conv1'] ism"


@pytest.mark.parametrize("configfile", ["config/config.yaml", "config/zoo.yaml",
                                        "config/koo_eddy.yaml"])
def test_parsing_the_workflow_imports_no_torch(tmp_path, configfile):
    """A dry run (and so every job's own parse) with a torch that fails when imported."""
    fake = tmp_path / "fake" / "torch"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("torch imported while parsing")\n')
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    result = subprocess.run(
        [str(SNAKEMAKE), "-n", "--snakefile", str(REPO / "workflow" / "Snakefile"),
         "--configfile", str(REPO / configfile), "--directory", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "This was a dry-run" in result.stdout + result.stderr


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


def checked(datasets: dict) -> None:
    """Validate a config as the Snakefile does (schema with defaults, then check_config)."""
    from snakemake.utils import validate

    cfg = {"genomes": {"g": {"path": "g.fa"}}, "datasets": datasets}
    validate(cfg, schema=str(REPO / "workflow/schemas/config.schema.yaml"), set_default=True)
    check_config(cfg)


def peaks_dataset(task="binary", **peaks):
    return {"genome": "g", "task": task, "length": 200,
            "peaks": {"files": {"CTCF": "ctcf.narrowPeak"}, **peaks}}


def test_peaks_blocks_are_checked_against_their_task():
    checked({"p": peaks_dataset()})
    checked({"p": peaks_dataset("multilabel", files={"A": "a.bed", "B": "b.bed"})})
    for dataset, message, key in [
        (peaks_dataset(negatives={"kind": "none"}), "negatives: none leaves a binary task "
         "with one class only", "datasets.p.peaks.negatives.kind"),
        (peaks_dataset(files={"A": "a.bed", "B": "b.bed"}), "a binary task takes one peak "
         "file, given 2", "datasets.p.peaks.files"),
        (peaks_dataset("multilabel", negatives={"kind": "gc_matched"}), "negatives "
         "gc_matched are for a binary task", "datasets.p.peaks.negatives.kind"),
        (peaks_dataset("multiclass"), "binary (one peak file) or multilabel",
         "datasets.p.task"),
        (peaks_dataset(negatives={"kind": "dinucleotide_shuffle", "ratio": 1.5}),
         "whole numbers", "datasets.p.peaks.negatives.ratio"),
        ({**peaks_dataset(), "split": {"method": "predefined"}}, "peaks have no split column",
         "datasets.p.split"),
    ]:
        with pytest.raises(InputError, match=re.escape(message)) as error:
            checked({"p": dataset})
        assert key in str(error.value)


def test_negatives_default_by_task():
    assert peaks_settings({"files": {}}, "binary")["negatives"]["kind"] == "gc_matched"
    assert peaks_settings({"files": {}}, "multilabel")["negatives"]["kind"] == "none"
    given = {"files": {}, "negatives": {"kind": "flank"}}
    assert peaks_settings(given, "binary")["negatives"]["kind"] == "flank"


def test_named_labels_without_positive_class_stop_when_the_config_is_read(tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.bed").write_text("chr1\t0\t10\ta\t0\t+\tbound\nchr1\t20\t30\tb\t0\t+\tfree\n")
    (tmp_path / "s.fa").write_text(">a yes\nACGT\n>b no\nACGT\n")
    (tmp_path / "n.bed").write_text("chr1\t0\t10\ta\t0\t+\t1\nchr1\t20\t30\tb\t0\t+\t0\n")
    bed = {"genome": "g", "task": "binary", "length": 10,
           "intervals": {"bed": "r.bed", "label_columns": [7]}}
    with pytest.raises(InputError, match=r"class names \(bound, free\) and no positive_class") \
            as error:
        checked({"d": bed})
    assert "datasets.d.intervals.positive_class" in str(error.value)
    assert "e.g. bound" in str(error.value)
    checked({"d": {**bed, "intervals": {**bed["intervals"], "positive_class": "bound"}}})
    checked({"d": {**bed, "intervals": {"bed": "n.bed", "label_columns": [7]}}})  # 0/1
    fasta = {"task": "binary", "length": 8, "sequences": {"fasta": "s.fa"}}
    with pytest.raises(InputError, match="datasets.d.sequences.positive_class"):
        checked({"d": fasta})


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


def test_regression_datasets_are_checked_against_their_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    synthetic = {"synthetic": {"values": {"noise_sd": 0.1}}, "task": "regression",
                 "length": 200}
    checked({"s": synthetic})
    checked({"p": peaks_dataset("regression", targets="signal")})
    checked({"p": peaks_dataset("regression", targets="signal",
                                files={"A": "a.narrowPeak", "B": "b.narrowPeak"})})
    for dataset, message, key in [
        ({**synthetic, "task": "multilabel"}, "needs synthetic.values", "datasets.d.task"),
        ({**synthetic, "synthetic": {}}, "needs synthetic.values",
         "datasets.d.synthetic.values"),
        (peaks_dataset("regression"), "regresses on its signal", "datasets.d.peaks.targets"),
        (peaks_dataset("binary", targets="signal"), "regresses on its signal",
         "datasets.d.peaks.targets"),
        (peaks_dataset("regression", targets="signal", files={"A": "a", "B": "b"},
                       negatives={"kind": "gc_matched"}), "binned dataset",
         "datasets.d.peaks.negatives.kind"),
        ({"genome": "g", "task": "regression", "length": 10,
          "intervals": {"classes": {"a": "a.bed", "b": "b.bed"}}},
         "reads its targets from label columns", "datasets.d.intervals.classes"),
        ({"genome": "g", "task": "regression", "length": 10,
          "genomic_benchmark": {"name": "human_nontata_promoters"}},
         "classification tasks", "datasets.d.task"),
        ({**synthetic, "dtype": "uint8", "encoding": {"unknown": "uniform"}},
         "need dtype float32", "datasets.d.encoding.unknown"),
    ]:
        with pytest.raises(InputError, match=re.escape(message)) as error:
            checked({"d": dataset})
        assert key in str(error.value)


def test_the_regression_loss_retrains_no_classifier():
    from motifnet.train.settings import learning_settings, resolve_training

    cfg = resolve_training({"loss": "poisson"}, None)
    assert "loss" not in learning_settings(cfg, "binary")
    assert learning_settings(cfg, "regression")["loss"] == "poisson"
    with pytest.raises(InputError, match="allowed: mse, poisson"):
        resolve_training({"loss": "huber"}, None)


def test_kfold_settings_are_checked():
    from snakemake.exceptions import WorkflowError

    synthetic = {"synthetic": {}, "task": "multilabel", "length": 200}
    checked({"d": {**synthetic, "split": {"method": "kfold", "k": 3}}})
    with pytest.raises(WorkflowError, match="minimum"):
        checked({"d": {**synthetic, "split": {"method": "kfold", "k": 1}}})
    for dataset in ({"genome": "g", "task": "binary", "length": 10,
                     "intervals": {"bed": "r.bed", "label_columns": [7], "split_column": 8},
                     "split": {"method": "kfold"}},
                    {"genome": "g", "task": "binary", "length": 10,
                     "genomic_benchmark": {"name": "human_nontata_promoters"},
                     "split": {"method": "kfold"}}):
        with pytest.raises(InputError, match="predefined split column") as error:
            checked({"d": dataset})
        assert "datasets.d.split.method" in str(error.value)
