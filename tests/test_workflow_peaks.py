"""Peak files through the workflow: real E. coli peaks of the CTCF motif train a model whose
filters and TF-MoDISco patterns are named CTCF; synthetic peak panels bin into labels that
equal bedtools' answer."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml
from ecoli_peaks import EXAMPLE, TWO_TF_FOLDER, scan_peaks, two_tf_beds
from test_bins import TFS, expected_labels

from motifnet.data.encoded import load_split
from motifnet.data.onehot import decode
from motifnet.data.table import read_table
from motifnet.interpret.attribution_maps import read_summary
from motifnet.motifs.naming import read_names
from motifnet.motifs.scoring import base_id

from conftest import ECOLI, REPO, run_snakemake

pytestmark = pytest.mark.workflow


def test_the_example_peaks_are_the_scan_of_the_genome(ecoli_fasta):
    """config/data/ecoli_ctcf.narrowPeak.gz is what tests/ecoli_peaks.py makes."""
    shipped = pd.read_csv(EXAMPLE, sep="\t", header=None)
    made = scan_peaks(ecoli_fasta)
    assert shipped.values.tolist() == made.values.tolist()
    for tf, bed in two_tf_beds(ecoli_fasta).items():  # config/two_class_example.yaml's
        shipped = pd.read_csv(TWO_TF_FOLDER / f"{tf}.bed.gz", sep="\t", header=None)
        assert shipped.values.tolist() == bed.values.tolist(), tf


def example_config(workdir):
    """config/peaks_example.yaml, run in ``workdir``."""
    config = yaml.safe_load((REPO / "config/peaks_example.yaml").read_text())
    config["genomes"]["ecoli"]["path"] = str(ECOLI)
    peaks = workdir / "ecoli_ctcf.narrowPeak.gz"
    shutil.copy(EXAMPLE, peaks)
    config["datasets"]["ecoli_ctcf"]["peaks"]["files"]["CTCF"] = str(peaks)
    return config


def test_ecoli_peaks_with_gc_matched_negatives_name_ctcf(tmp_path):
    config = example_config(tmp_path)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    run_snakemake(tmp_path, "results/summary.tsv", "--configfile", str(path))
    data = tmp_path / "results/ecoli_ctcf/data"
    encoding = json.loads((data / "encoding.json").read_text())
    assert encoding["classes"] == ["CTCF"]
    negatives = encoding["extraction"]["negatives"]
    assert negatives["kind"] == "gc_matched" and negatives["drawn"] == negatives["asked"] == 1043
    train = encoding["gc_content"]["train"]
    assert sum(train["positive"]) == encoding["counts"]["train"]["per_class"]["CTCF"]
    assert train["ks_statistic"] <= 0.05  # GC matched: GC content cannot tell the classes
    names = read_names(tmp_path / "results/ecoli_ctcf/cnn-25/filter_names.tsv")
    named = names[names["named"]]
    assert "MA0139" in set(named["target_id"].map(base_id)), named
    learned = json.loads((tmp_path / "results/ecoli_ctcf/cnn-25/learned.json").read_text())
    assert learned["layers"]["conv1"]["ground_truth"]["recovered"] == ["CTCF"]
    assert learned["attribution"]["ground_truth"]["recovered"] == ["CTCF"]  # TF-MoDISco too
    metrics = json.loads((tmp_path / "results/ecoli_ctcf/cnn-25/metrics.json").read_text())
    assert metrics["auroc"] > 0.9
    # GC-matched negatives are background: only the peaks' class is attributed
    made = read_summary(tmp_path / "results/ecoli_ctcf/cnn-25/attributions")
    assert made["classes"] == ["CTCF"] and made["negative_class"] is None
    summary = pd.read_csv(tmp_path / "results/summary.tsv", sep="\t").iloc[0]
    assert summary["filters_named_motifs"].startswith("CTCF(")
    assert "CTCF: CTCF(" in summary["attribution_named_per_class"]


def subsample_config(workdir, n_peaks=500):
    """config/peaks_example.yaml on a seeded ``n_peaks`` of its peaks."""
    config = example_config(workdir)
    peaks = pd.read_csv(EXAMPLE, sep="\t", header=None)
    rows = np.sort(np.random.default_rng(0).choice(len(peaks), n_peaks, replace=False))
    path = workdir / f"ctcf{n_peaks}.narrowPeak"
    peaks.iloc[rows].to_csv(path, sep="\t", header=False, index=False)
    config["datasets"]["ecoli_ctcf"]["peaks"]["files"]["CTCF"] = str(path)
    return config


def test_a_500_peak_subsample_names_ctcf_through_attribution(tmp_path):
    """500 peaks (about 100 in the test split): attribution samples every split, and
    TF-MoDISco still finds CTCF."""
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(subsample_config(tmp_path)))
    run_snakemake(tmp_path, "results/summary.tsv", "--configfile", str(path))
    made = read_summary(tmp_path / "results/ecoli_ctcf/cnn-25/attributions")
    encoding = json.loads((tmp_path / "results/ecoli_ctcf/data/encoding.json").read_text())
    per_split = made["sequences_per_split"]["CTCF"]
    assert per_split == {name: encoding["counts"][name]["per_class"]["CTCF"]
                         for name in ("train", "val", "test")}
    assert sum(per_split.values()) > 450 and made["splits"] == ["train", "val", "test"]
    learned = json.loads((tmp_path / "results/ecoli_ctcf/cnn-25/learned.json").read_text())
    assert learned["attribution"]["ground_truth"]["recovered"] == ["CTCF"]
    assert learned["attribution"]["named_per_class"]["CTCF"][0]["tf"] == "CTCF"


def two_class_config(workdir, epochs=6):
    """config/two_class_example.yaml, run in ``workdir``, trained ``epochs``."""
    config = yaml.safe_load((REPO / "config/two_class_example.yaml").read_text())
    config["genomes"]["ecoli"]["path"] = str(ECOLI)
    classes = config["datasets"]["ecoli_ctcf_rest"]["intervals"]["classes"]
    for tf in classes:
        shutil.copy(TWO_TF_FOLDER / f"{tf}.bed.gz", workdir / f"{tf}.bed.gz")
        classes[tf] = str(workdir / f"{tf}.bed.gz")
    config["training"] = {"epochs": epochs}
    return config


def test_two_real_classes_of_a_binary_task_are_both_named_through_attribution(tmp_path):
    """CTCF hits labelled 1, REST hits labelled 0: REST is recorded as the negative class,
    attributed with the output negated, and its patterns are named REST as a class of its
    own, beside CTCF's."""
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(two_class_config(tmp_path)))
    run_snakemake(tmp_path, "results/summary.tsv", "--configfile", str(path))
    encoding = json.loads((tmp_path / "results/ecoli_ctcf_rest/data/encoding.json").read_text())
    assert encoding["classes"] == ["CTCF"]
    assert encoding["extraction"]["negative_class"] == "REST"
    folder = tmp_path / "results/ecoli_ctcf_rest/cnn-25"
    assert read_summary(folder / "attributions")["classes"] == ["CTCF", "REST"]
    names = pd.read_csv(folder / "pattern_names.tsv", sep="\t")
    named = names[names["named"]]
    assert "MA0139" in set(named.loc[named["class"] == "CTCF", "target_id"].map(base_id))
    assert "MA0138" in set(named.loc[named["class"] == "REST", "target_id"].map(base_id))
    summary = pd.read_csv(tmp_path / "results/summary.tsv", sep="\t").iloc[0]
    assert "CTCF: CTCF(" in summary["attribution_named_per_class"]
    assert "REST: REST(" in summary["attribution_named_per_class"]
    assert summary["attribution_negative_class"] == "REST"


def binned_config(n_sequences=600):
    """A small synthetic panel: its genome and one narrowPeak per TF, binned."""
    folder = "resources/synthetic/syn"
    return {
        "genomes": {"syn_genome": {"path": f"{folder}/genome.fa"}},
        "datasets": {
            "syn": {"synthetic": {"n_sequences": n_sequences, "motifs": TFS, "seed": 3,
                                  "sequences_per_chromosome": 200},
                    "task": "multilabel", "length": 200},
            "binned": {"genome": "syn_genome", "task": "multilabel", "length": 200,
                       "peaks": {"files": {tf: f"{folder}/peaks/{tf}.narrowPeak" for tf in TFS},
                                 "bins": {"bin_size": 200}},
                       "split": {"method": "chromosomes", "test_chromosomes": ["chr1"],
                                 "val_chromosomes": ["chr2"]}},
        },
    }


def test_binned_synthetic_labels_equal_bedtools_on_the_ground_truth(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(binned_config()))
    run_snakemake(tmp_path, "results/binned/data/encoding.json", "--configfile", str(path))
    folder = tmp_path / "resources/synthetic/syn"
    expected = expected_labels(folder / "genome.fa.fai", folder / "motifs.bed", tmp_path, 200,
                               200)
    table = read_table(tmp_path / "results/binned/data/sequences.tsv.gz")
    assert table.classes == list(TFS)
    genome = (folder / "genome.fa").read_text().split(">")[1:]
    chromosomes = {c.split("\n", 1)[0]: c.split("\n", 1)[1].replace("\n", "") for c in genome}
    got = {}
    for split in ["train", "val", "test"]:
        data = load_split(tmp_path / f"results/binned/data/{split}.npz")
        for identifier, row, seq in zip(data.ids, data.y, decode(data.x)):
            chrom, span = identifier.rsplit(":", 1)
            start, end = map(int, span.split("-"))
            got[(chrom, start)] = {tf for tf, v in zip(TFS, row) if v}
            assert seq == chromosomes[chrom][start:end].upper()
            assert split == {"chr1": "test", "chr2": "val"}.get(chrom, "train")
    assert got == expected
    encoding = json.loads((tmp_path / "results/binned/data/encoding.json").read_text())
    assert encoding["extraction"]["bins"]["labelled"] == len(expected)
    assert encoding["split"] == {"method": "chromosomes", "test_chromosomes": ["chr1"],
                                 "val_chromosomes": ["chr2"]}
    assert encoding["gc_content"]["test"]["ks_statistic"] is None  # no all-zero bins


def test_a_bad_peak_file_stops_its_dataset_only(tmp_path):
    config = binned_config()
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    run_snakemake(tmp_path, "results/binned/data/encoding.json", "--configfile", str(path))
    good = tmp_path / "results/binned/data/train.npz"
    before = good.stat().st_mtime_ns
    (tmp_path / "bad.narrowPeak").write_text("chr1\t100\t300\t.\t0\t.\t5\t3\t2\t40\n"
                                             "chr1\t500\t700\t.\t0\t.\t5\t3\t2\n")
    config["datasets"]["broken"] = {"genome": "syn_genome", "task": "binary", "length": 200,
                                    "peaks": {"files": {"TF": "bad.narrowPeak"}}}
    path.write_text(yaml.safe_dump(config))
    result = run_snakemake(tmp_path, "--configfile", str(path), check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "bad.narrowPeak, line 2: 9 tab-separated columns; narrowPeak has exactly 10" in output
    # a data error is not retried: the job runs once
    assert output.count("Error in rule extract_peaks") == 1
    broken = tmp_path / "results/broken/data"
    assert not broken.exists() or not any(broken.iterdir())
    assert good.stat().st_mtime_ns == before
    assert np.isfinite(before)
