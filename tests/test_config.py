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
              "motifnet.interpret.methods", "motifnet.models.attention_windows")


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


def test_a_filter_wider_than_the_sequence_stops_when_the_config_is_read():
    from snakemake.utils import validate

    settings = {"datasets": {"d": {"synthetic": {"motifs": {"A": "MA0001"}, "length": 80},
                                   "length": 80, "task": "multilabel"}},
                "architectures": {"wide": {"model": "koo_cnn", "params": {"kernel1": 200}}}}
    validate(settings, schema=str(REPO / "workflow/schemas/config.schema.yaml"),
             set_default=True)
    with pytest.raises(InputError, match=r"conv1 \(kernel1\) filters are 200 nt wide") as error:
        check_config(settings)
    assert "architectures.wide" in str(error.value)


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
                                        "config/koo_eddy.yaml",
                                        "config/koo_eddy_subset.yaml", "config/search.yaml",
                                        "config/attention_per_tf.yaml"])
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


def attention_config(model: str, method, width: int = 10) -> dict:
    settings = config(model)
    settings["motifs"].update(method=method, attention={"width": width})
    return settings


@pytest.mark.parametrize("method,cnn,attention", [
    (["attribution", "attention"], ["attribution"], ["attribution", "attention"]),
    (["filters", "attention"], ["filters"], ["filters", "attention"]),
    ("both", ["filters", "attribution"], ["filters", "attribution"]),
    ("attention", None, ["attention"]),
])
def test_attention_is_a_path_of_models_with_an_attention_pooling(method, cnn, attention):
    assert motif_paths(attention_config("attention_net", method), "d", "a") == attention
    assert motif_paths(attention_config("bigru_attention", method), "d", "a") == [
        path for path in attention if path != "filters"]
    if cnn is not None:
        assert motif_paths(attention_config("koo_cnn", method), "d", "a") == cnn


def test_attention_alone_for_a_model_without_attention_is_refused_at_config_time():
    with pytest.raises(InputError, match="model 'koo_cnn' \\(architectures.a\\) has not") as error:
        motif_paths(attention_config("koo_cnn", "attention"), "d", "a")
    assert error.value.key == "motifs.method"
    assert "architect, attention_net, bigru_attention, promoter_net" in error.value.hint


def test_architect_has_attention_where_its_global_reduction_is_attention():
    assert motif_paths(attention_config("architect", "attention"), "d", "a") == ["attention"]
    settings = attention_config("architect", "attention")
    settings["architectures"]["a"]["params"] = {"global_reduction": "max"}
    with pytest.raises(InputError, match="model 'architect' \\(architectures.a\\) has not"):
        motif_paths(settings, "d", "a")


def test_attention_motifs_wider_than_the_sequences_are_refused():
    with pytest.raises(InputError, match="attention motifs of 300 nt from sequences of 200 nt"
                       ) as error:
        motif_paths(attention_config("promoter_net", ["attention"], width=300), "d", "a")
    assert error.value.key == "motifs.attention.width"


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


def test_split_settings_are_checked_when_the_config_is_read():
    bed = {"genome": "g", "task": "binary", "length": 10,
           "intervals": {"bed": "r.bed", "label_columns": [7]}}
    for split, message, key in [
        ({"fractions": {"train": 0.8, "val": 0.1}}, "split fractions sum to 1.1 (train 0.8 + "
         "val 0.1 + test 0.2), not 1", "datasets.d.split.fractions"),
        ({"method": "chromosomes", "test_chromosomes": ["chr2", "chr3"],
          "val_chromosomes": ["chr3"]}, "chromosome(s) chr3 are held out both for validation "
         "and for testing", "datasets.d.split.val_chromosomes"),
    ]:
        with pytest.raises(InputError, match=re.escape(message)) as error:
            checked({"d": {**bed, "split": split}})
        assert key in str(error.value)
    checked({"d": {**bed, "split": {"fractions": {"train": 0.6, "val": 0.2, "test": 0.2}}}})


def test_missing_local_files_are_named_by_their_key_when_the_config_is_read(tmp_path,
                                                                            monkeypatch):
    from motifnet.config import check_paths

    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.fa").write_text(">c\nACGT\n")
    (tmp_path / "db.meme").write_text("MEME version 4\n")
    bed = {"genome": "g", "task": "binary", "length": 10,
           "intervals": {"bed": "r.bed", "label_columns": [7]}}
    config = {"genomes": {"g": {"path": "g.fa"}, "unused": {"path": "nowhere.fa"}},
              "datasets": {"d": bed}, "motif_db": {"meme": "db.meme"}}
    with pytest.raises(InputError, match="file not found: r.bed") as error:
        check_paths(config)
    assert error.value.key == "datasets.d.intervals.bed"
    (tmp_path / "r.bed").write_text("c\t0\t4\t.\t0\t+\t1\n")
    check_paths(config)  # an unused genome's file is not needed
    check_paths({**config, "genomes": {"g": {"path": "resources/synthetic/s/genome.fa"}}})
    for change, key, hint in [
        ({"genomes": {"g": {"path": "hg38.fa"}}}, "genomes.g.path", "give the genome's url"),
        ({"genomes": {"g": {"path": "/usr/share/doc/bowtie/examples/genomes/none.fna.gz"}}},
         "genomes.g.path", "install the Debian package bowtie-examples"),
        ({"motif_db": {"meme": "motifs/jaspar.meme"}}, "motif_db.meme", "correct the path"),
    ]:
        with pytest.raises(InputError, match="file not found") as error:
            check_paths({**config, **change})
        assert error.value.key == key and hint in error.value.hint


def dry_run(tmp_path, config: dict, *args: str) -> tuple[int, str]:
    """A dry run's exit status and its output (stdout and stderr)."""
    import yaml

    from conftest import SNAKEMAKE

    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    done = subprocess.run([str(SNAKEMAKE), "--snakefile", str(REPO / "workflow/Snakefile"),
                           "--configfile", "c.yaml", "-n", *args], cwd=tmp_path,
                          capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.workflow
def test_an_unknown_key_is_named_with_the_nearest_known_one_and_no_schema_dump(tmp_path):
    config = {"datasets": {"syn": {"synthetic": {"n_sequences": 50}, "task": "multilabel",
                                   "lenght": 200}}}
    status, output = dry_run(tmp_path, config)
    assert status != 0
    assert "unknown config key 'lenght' in datasets.syn; did you mean 'length'?" in output
    assert "Failed validating" not in output and len(output.splitlines()) < 12, output
    assert "Failed validating 'additionalProperties'" in dry_run(tmp_path, config,
                                                                 "--verbose")[1]


@pytest.mark.workflow
def test_a_missing_genome_file_stops_the_run_naming_its_key(tmp_path):
    config = {"genomes": {"hg": {"path": "genomes/hg38.fa.gz"}},
              "datasets": {"d": {"genome": "hg", "task": "binary", "length": 100,
                                 "peaks": {"files": {"CTCF": "ctcf.bed"}}}}}
    status, output = dry_run(tmp_path, config)
    assert status != 0 and "MissingInputException" not in output
    assert "config key 'genomes.hg.path': file not found: genomes/hg38.fa.gz" in output


def test_label_columns_the_bed_lacks_stop_when_the_config_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.bed").write_text("#chrom\tstart\tend\n" + "chr1\t0\t10\ta\t0\t+\t1\n" * 3)
    bed = {"genome": "g", "task": "binary", "length": 10,
           "intervals": {"bed": "r.bed", "label_columns": [9]}}
    with pytest.raises(InputError, match=r"column\(s\) \[9\] asked for, but r.bed has 7 "
                       "tab-separated columns") as error:
        checked({"d": bed})
    assert error.value.key == "datasets.d.intervals.label_columns"
    bed["intervals"] = {"bed": "r.bed", "label_columns": [7], "split_column": 8}
    with pytest.raises(InputError, match=r"\[8\] asked for") as error:
        checked({"d": {**bed, "split": {"method": "predefined"}}})
    assert error.value.key == "datasets.d.intervals.split_column"


def test_unknown_attribution_classes_stop_when_the_config_is_read():
    from snakemake.utils import validate

    def settings(method: str) -> dict:
        cfg = {"datasets": {"syn": {"synthetic": {"motifs": {"CTCF": "MA0139", "SP1": "MA0079"}},
                                    "task": "multilabel", "length": 200},
                            "own": {"sequences": {"fasta": "s.fa"}, "task": "multiclass",
                                    "length": 200}},
               "architectures": {"db": {"model": "deepbind"}},
               "motifs": {"method": method}, "attribution": {"classes": ["CTCF", "YY1"]}}
        validate(cfg, schema=str(REPO / "workflow/schemas/config.schema.yaml"),
                 set_default=True)
        return cfg

    with pytest.raises(InputError, match=r"class\(es\) \['YY1'\] are not classes of dataset "
                       "'syn'") as error:
        check_config(settings("both"))
    assert error.value.key == "attribution.classes" and "CTCF, SP1" in error.value.hint
    check_config(settings("filters"))  # nothing attributed


def test_koo_eddy_configs_train_by_the_papers_protocol_and_the_subset_keeps_it():
    import yaml

    from motifnet.train.settings import resolve_training

    paper = yaml.safe_load((REPO / "config/koo_eddy.yaml").read_text())
    subset = yaml.safe_load((REPO / "config/koo_eddy_subset.yaml").read_text())
    for block in ("datasets", "training", "motif_db", "tomtom", "motifs"):
        assert subset[block] == paper[block], block
    cfg = resolve_training(paper["training"], {})
    assert (cfg["optimizer"], cfg["lr"], cfg["scheduler"], cfg["epochs"], cfg["select_on"],
            cfg["batch_size"], cfg["weight_decay"], cfg["rc_augment"]) == \
        ("adam", 3e-4, "none", 100, "val_loss", 100, 1e-6, False)
    assert cfg["patience"] >= cfg["epochs"]  # the lowest validation loss of all 100 epochs
    assert paper["motif_db"]["release"] == "JASPAR2016"
    assert paper["tomtom"]["evalue_threshold"] == 0.1
    # PFMs as the paper's code aligned them (deepomics activation_pwm, 0.5 x the maximum)
    assert paper["motifs"] == {"method": "filters", "mode": "weighted_sites", "threshold": 0.5}
    variants = {(a["params"]["variant"], a["params"].get("filters1", 30),
                 a["params"].get("activation", "relu")) for a in paper["architectures"].values()}
    assert len(variants) == 19 and len(paper["architectures"]) == 95
    assert {("cnn-50-2", 30, "relu"), ("cnn19-1-2", 30, "relu"), ("cnn-25", 120, "relu"),
            ("cnn-4", 30, "exp")} <= variants
    assert set(subset["architectures"]) <= set(paper["architectures"])
