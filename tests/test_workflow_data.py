"""The data stages run end to end through Snakemake, and bad input fails cleanly."""

import json
import shutil

import numpy as np
import pytest
import yaml

from motifnet.data.encoded import load_split
from motifnet.data.extract import read_chrom_sizes

from conftest import REPO, run_snakemake

pytestmark = pytest.mark.workflow


def test_lint_is_clean():
    result = run_snakemake(REPO, "--lint", "--configfile", str(REPO / "config/config.yaml"))
    assert "good condition" in result.stdout + result.stderr


def test_default_config_plans_the_chain(tmp_path):
    result = run_snakemake(tmp_path, "-n", "--configfile", str(REPO / "config/config.yaml"))
    for rule in ["generate_synthetic", "extract_sequences", "encode"]:
        assert rule in result.stdout


def test_config_overrides_apply_on_top_of_the_default_config():
    """`--config` alone (no --configfile) keeps the default config and applies on top of it."""
    workdir = REPO  # where users run it: config/config.yaml is read from the working directory
    result = run_snakemake(workdir, "-n", "--config", "offline=true",
                           "tomtom={engine: memelite, dist: ed}")
    assert "generate_synthetic" in result.stdout
    assert "resources/numba_cache/memelite.warm" in result.stdout
    failed = run_snakemake(workdir, "-n", "--config", "tomtom={engine: memelite}", check=False)
    assert failed.returncode != 0
    assert "'memelite' does not compute distance 'pearson'" in failed.stdout + failed.stderr


def write_config(tmp_path, datasets, genomes=None):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"genomes": genomes or {}, "datasets": datasets}))
    return str(path)


@pytest.fixture
def two_datasets(tmp_path, ecoli_fasta):
    """A small synthetic dataset and a binary BED dataset on the real E. coli genome."""
    chrom, size = next(iter(read_chrom_sizes(f"{ecoli_fasta}.fai").items()))
    rng = np.random.default_rng(0)
    lines = [f"{chrom}\t{s}\t{s + 150}\tr{i}\t0\t{'+-'[i % 2]}\t{i % 2}"
             for i, s in enumerate(rng.integers(0, size - 200, 300))]
    lines.append(f"{chrom}\t{size - 20}\t{size}\toffend\t0\t+\t1")
    (tmp_path / "regions.bed").write_text("\n".join(lines) + "\n")
    shutil.copy(ecoli_fasta, tmp_path / "ecoli.fa")
    datasets = {
        "syn": {"synthetic": {"n_sequences": 300, "seed": 1}, "task": "multilabel",
                "length": 200},
        "ecoli": {"genome": "ecoli", "task": "binary", "length": 100,
                  "intervals": {"bed": "regions.bed", "label_columns": [7]},
                  "split": {"method": "random", "seed": 2}, "dtype": "uint8"},
    }
    return tmp_path, datasets, {"ecoli": {"path": "ecoli.fa"}}


def test_end_to_end_encoded_tensors(two_datasets):
    workdir, datasets, genomes = two_datasets
    run_snakemake(workdir, "--configfile", write_config(workdir, datasets, genomes))
    encoding = json.loads((workdir / "results/ecoli/data/encoding.json").read_text())
    # an unnamed 0/1 label column is named after its file
    assert encoding["classes"] == ["regions"] and encoding["length"] == 100
    assert encoding["split"] == {"method": "random", "fractions": {"train": 0.7, "val": 0.1,
                                                                   "test": 0.2}, "seed": 2}
    gc = encoding["gc_content"]["test"]
    assert sum(gc["positive"]) + sum(gc["negative"]) == encoding["counts"]["test"]["n"]
    assert 0 <= gc["ks_statistic"] <= 1
    # the 20-bp interval at the chromosome end is shorter than length: said, then dropped
    assert encoding["extraction"]["short_intervals"]["shorter_than_length"] == 1
    total = sum(encoding["counts"][s]["n"] for s in ["train", "val", "test"])
    assert total == 300  # the interval off the chromosome end was dropped
    dropped = (workdir / "results/ecoli/data/dropped.tsv").read_text()
    assert "offend" in dropped and "falls off" in dropped
    train = load_split(workdir / "results/ecoli/data/train.npz")
    assert train.x.dtype == np.uint8 and train.x.shape[1:] == (4, 100)
    assert set(train.x.sum(axis=1).ravel()) <= {0, 1}
    syn = load_split(workdir / "results/syn/data/test.npz")
    assert syn.x.shape == (60, 4, 200) and syn.y.shape == (60, 12)
    assert (workdir / "logs/encode/syn.log").exists()


def test_bad_dataset_fails_cleanly_and_leaves_others_untouched(two_datasets):
    workdir, datasets, genomes = two_datasets
    config = write_config(workdir, datasets, genomes)
    run_snakemake(workdir, "--configfile", config)
    good = workdir / "results/ecoli/data/train.npz"
    before = good.stat().st_mtime_ns
    (workdir / "bad.bed").write_text("chr1\t10\t20\t.\t0\t+\t1\nchr1\t10\n")
    datasets["broken"] = {"genome": "ecoli", "task": "binary", "length": 100,
                          "intervals": {"bed": "bad.bed", "label_columns": [7]}}
    result = run_snakemake(workdir, "--configfile", write_config(workdir, datasets, genomes),
                           check=False)
    assert result.returncode != 0
    assert "bad.bed, line 2" in result.stderr + result.stdout
    assert not (workdir / "results/broken/data").exists() or not any(
        (workdir / "results/broken/data").iterdir())
    assert good.stat().st_mtime_ns == before


def test_wrong_type_in_config_names_the_key(tmp_path):
    config = write_config(tmp_path, {"syn": {"synthetic": {"n_sequences": "many"},
                                             "task": "multilabel", "length": 200}})
    result = run_snakemake(tmp_path, "-n", "--configfile", config, check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "'many' is not of type 'integer'" in output and "n_sequences" in output


def test_unknown_dataset_in_target(tmp_path):
    config = write_config(tmp_path, {"syn": {"synthetic": {"n_sequences": 50},
                                             "task": "multilabel", "length": 200}})
    result = run_snakemake(tmp_path, "results/nope/data/train.npz", "-n", "--configfile",
                           config, check=False)
    assert result.returncode != 0
    assert "unknown dataset 'nope'" in result.stdout + result.stderr


def test_undeclared_genome_is_a_config_error(tmp_path):
    config = write_config(tmp_path, {"d": {"genome": "hg38", "task": "binary", "length": 100,
                                           "intervals": {"bed": "x.bed",
                                                         "label_columns": [7]}}})
    result = run_snakemake(tmp_path, "-n", "--configfile", config, check=False)
    assert result.returncode != 0
    assert "datasets.d.genome" in result.stdout + result.stderr
