"""Genomic Benchmarks by name, against a real HTTP server on 127.0.0.1 serving files laid out
like the published repository, extracted from the real E. coli genome."""

import gzip
import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from snakemake.utils import validate

from motifnet.data.chromosomes import resolve_names
from motifnet.data.encoded import load_split
from motifnet.data.genomic_benchmarks import (
    coordinates_table,
    extract_by_genome,
    fetch,
    genome_of_rows,
    read_coordinates,
)
from motifnet.data.intervals import LabelledIntervals
from motifnet.data.onehot import decode
from motifnet.errors import InputError

from conftest import REPO, Server, run_snakemake

COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def fasta_bytes(records: dict[str, str]) -> bytes:
    out = io.StringIO()
    for name, seq in records.items():
        out.write(f">{name} dna:chromosome\n")
        for i in range(0, len(seq), 60):
            out.write(seq[i:i + 60] + "\n")
    return out.getvalue().encode()


def csv_gz(rows: list[tuple]) -> bytes:
    text = "id,region,start,end,strand\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    return gzip.compress(text.encode(), mtime=0)


@pytest.fixture(scope="module")
def ecoli_seq(ecoli_fasta) -> str:
    lines = Path(ecoli_fasta).read_text().splitlines()
    return "".join(lines[1:]).upper()


@pytest.fixture(scope="module")
def genome_files(ecoli_seq) -> dict[str, bytes]:
    """E. coli as an Ensembl-style gzipped FASTA ('1'), and a piece of it as a plain 'II'."""
    return {
        "/genome/Escherichia.dna.toplevel.fa.gz": gzip.compress(
            fasta_bytes({"1": ecoli_seq}), compresslevel=1, mtime=0),
        "/genome/Worm.dna.toplevel.fa": fasta_bytes({"II": ecoli_seq[2_000_000:2_400_000]}),
    }


def publish(name: str, classes: dict[str, dict[str, list[tuple]]], version: int = 0,
            references: dict[str, str] | None = None) -> None:
    """Put a benchmark on the server: metadata.yaml and {split}/{class}.csv.gz."""
    meta = {"version": version, "classes": {
        c: {"type": "fa.gz", "url": (references or {}).get(c, "http://example/genome.fa.gz")}
        for c in classes}}
    Server.files[f"/datasets/{name}/metadata.yaml"] = yaml.safe_dump(meta).encode()
    for cls, splits in classes.items():
        for split, rows in splits.items():
            Server.files[f"/datasets/{name}/{split}/{cls}.csv.gz"] = csv_gz(rows)


def intervals(rng, n, size, length, region, strands="+-"):
    """(id, region, start, end, strand) rows; ``length`` an int or (low, high)."""
    rows = []
    for i in range(n):
        span = length if isinstance(length, int) else int(rng.integers(*length))
        start = int(rng.integers(0, size - span))
        rows.append((i, region, start, start + span, strands[i % len(strands)]))
    return rows


@pytest.fixture
def published(server, ecoli_seq, genome_files):
    """Three benchmarks on the server and two genomes (Ensembl-style names)."""
    rng = np.random.default_rng(3)
    size = len(ecoli_seq)
    worm = ecoli_seq[2_000_000:2_400_000]
    Server.files.update(genome_files)
    publish("toy_promoters", {
        "positive": {"train": intervals(rng, 60, size, 51, "chr1"),
                     "test": intervals(rng, 20, size, 51, "chr1")},
        "negative": {"train": intervals(rng, 50, size, 51, "chr1"),
                     "test": intervals(rng, 16, size, 51, "chr1")},
    })
    publish("toy_enhancers", {
        "positive": {"train": intervals(rng, 40, size, (20, 90), "chr1", "+")
                     + [(40, "chr1", size - 30, size + 30, "+")],  # off the genome's end
                     "test": intervals(rng, 10, size, (20, 90), "chr1", "+")},
        "negative": {"train": intervals(rng, 40, size, (20, 90), "chr1", "+"),
                     "test": intervals(rng, 10, size, (20, 90), "chr1", "+")},
    })
    publish("toy_human_or_worm", {
        "human": {"train": intervals(rng, 30, size, 40, "chr1"),
                  "test": intervals(rng, 10, size, 40, "chr1")},
        "worm": {"train": intervals(rng, 30, len(worm), 40, "II"),
                 "test": intervals(rng, 10, len(worm), 40, "II")},
    })
    return server, ecoli_seq, worm


def write_config(workdir: Path, url: str, **extra) -> str:
    genome = Server.files["/genome/Escherichia.dna.toplevel.fa.gz"]
    config = {
        "genomes": {
            "ecoli": {"url": f"{url}/genome/Escherichia.dna.toplevel.fa.gz",
                      "sha256": hashlib.sha256(genome).hexdigest()},
            "worm": {"url": f"{url}/genome/Worm.dna.toplevel.fa"},
        },
        "datasets": {
            "promoters": {"genomic_benchmark": {"name": "toy_promoters",
                                                "url": f"{url}/datasets"},
                          "genome": "ecoli", "task": "binary", "length": 51},
            "enhancers": {"genomic_benchmark": {"name": "toy_enhancers",
                                                "url": f"{url}/datasets"},
                          "genome": "ecoli", "task": "binary", "length": 64,
                          "resize": "pad", "dtype": "uint8"},
            "human_or_worm": {"genomic_benchmark": {
                "name": "toy_human_or_worm", "url": f"{url}/datasets",
                "positive_class": "human", "genomes": {"worm": "worm"}},
                "genome": "ecoli", "task": "binary", "length": 40},
        },
        **extra,
    }
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def test_end_to_end_from_loopback_to_tensors(published, tmp_path):
    url, ecoli, worm = published
    Server.drop.add("/datasets/toy_promoters/train/positive.csv.gz")
    run_snakemake(tmp_path, "--configfile", write_config(tmp_path, url))
    # the E. coli genome is downloaded once for the two datasets on it
    assert Server.hits["/genome/Escherichia.dna.toplevel.fa.gz"] == 1
    # the connection dropped mid-file was resumed with a Range request
    assert Server.hits["/datasets/toy_promoters/train/positive.csv.gz"] == 2
    cache = tmp_path / "resources/genomic_benchmarks/toy_promoters/v0"
    csv = cache / "train/positive.csv.gz"
    assert (cache / "train/positive.csv.gz.sha256").read_text().split()[0] == \
        hashlib.sha256(csv.read_bytes()).hexdigest()
    assert (tmp_path / "resources/downloads/worm/Worm.dna.toplevel.fa.sha256").exists()

    encoding = json.loads((tmp_path / "results/promoters/data/encoding.json").read_text())
    counts = {s: encoding["counts"][s]["n"] for s in ["train", "val", "test"]}
    assert counts == {"train": 99, "val": 11, "test": 36}  # official test; val carved from train
    assert encoding["classes"] == ["positive"] and encoding["length"] == 51

    table = {}
    for split in ["train", "val", "test"]:
        data = load_split(tmp_path / f"results/promoters/data/{split}.npz")
        table.update(zip(data.ids, zip(decode(data.x), data.y[:, 0])))
    test_ids = {i for i in table if i.startswith("test/")}
    assert len(test_ids) == 36 and not any(i.startswith("val/") for i in table)
    rows = read_coordinates(cache / "test/negative.csv.gz")
    for row in rows.itertuples():
        seq, label = table[f"test/negative/{row.id}"]
        expected = ecoli[row.start:row.end]
        if row.strand == "-":
            expected = expected.translate(COMPLEMENT)[::-1]
        assert seq == expected and label == 0

    dropped = pd.read_csv(tmp_path / "results/enhancers/data/dropped.tsv", sep="\t")
    assert dropped["id"].tolist() == ["train/positive/40"]
    assert dropped["reason"].tolist() == ["falls off the chromosome end"]
    enhancers = load_split(tmp_path / "results/enhancers/data/train.npz")
    assert enhancers.x.dtype == np.uint8 and enhancers.x.shape[1:] == (4, 64)
    widths = enhancers.x.sum(axis=(1, 2))
    assert widths.min() < 64 and widths.max() == 64  # short intervals N-padded, long cut

    mixed = load_split(tmp_path / "results/human_or_worm/data/test.npz")
    worm_seqs = [s for s, y in zip(decode(mixed.x), mixed.y[:, 0]) if y == 0]
    assert len(worm_seqs) == 10
    assert all(s in worm or s.translate(COMPLEMENT)[::-1] in worm for s in worm_seqs)
    table = pd.read_csv(tmp_path / "results/human_or_worm/data/sequences.tsv.gz", sep="\t")
    assert set(table["chrom"].astype(str)) == {"1", "II"}
    log = (tmp_path / "logs/extract_benchmark/promoters.log").read_text()
    assert "chr1 -> 1" in log


def test_offline_names_every_missing_file_and_touches_nothing(published, tmp_path):
    url, _, _ = published
    config = write_config(tmp_path, url)
    result = run_snakemake(tmp_path, "--configfile", config, "--config", "offline=True",
                           check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{url}/genome/Escherichia.dna.toplevel.fa.gz" in output
    assert "resources/downloads/ecoli/Escherichia.dna.toplevel.fa.gz" in output
    assert f"{url}/datasets/toy_promoters/metadata.yaml" in output
    assert Server.hits == {}
    assert not (tmp_path / "results").exists()


def test_genome_checksum_mismatch_fails_and_removes_the_file(published, tmp_path):
    url, _, _ = published
    config = yaml.safe_load(Path(write_config(tmp_path, url)).read_text())
    config["genomes"]["ecoli"]["sha256"] = "0" * 64
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    result = run_snakemake(tmp_path, "resources/genomes/ecoli/genome.fa", "--configfile",
                           str(tmp_path / "config.yaml"), check=False)
    assert result.returncode != 0
    assert "sha256 mismatch" in result.stdout + result.stderr
    assert list((tmp_path / "resources/downloads/ecoli").iterdir()) == []
    assert not (tmp_path / "resources/genomes/ecoli/genome.fa").exists()


def test_seed_config_plans_every_benchmark(tmp_path):
    result = run_snakemake(tmp_path, "-n", "--configfile",
                           str(REPO / "config/genomic_benchmarks.yaml"))
    stats = result.stdout[result.stdout.index("Job stats"):]
    for rule, count in [("fetch_coordinates", 9), ("prepare_genome", 5),
                        ("extract_benchmark", 9), ("encode", 9)]:
        assert f"{rule} {count}" in " ".join(stats.split()), rule
    assert "extract_sequences" not in stats


def test_benchmarks_default_to_their_official_split():
    config = yaml.safe_load((REPO / "config/genomic_benchmarks.yaml").read_text())
    config["datasets"]["human_enhancers_cohn"]["split"] = {"method": "random"}
    validate(config, str(REPO / "workflow/schemas/config.schema.yaml"))
    assert config["datasets"]["human_nontata_promoters"]["split"]["method"] == "predefined"
    assert config["datasets"]["human_nontata_promoters"]["split"]["val_fraction"] == 0.1
    assert config["datasets"]["human_enhancers_cohn"]["split"]["method"] == "random"


# --- fetching and checking, without Snakemake ---------------------------------------------

def test_fetch_caches_and_checks(published, tmp_path):
    url, _, _ = published
    metadata, files = fetch("toy_promoters", 0, f"{url}/datasets", tmp_path)
    assert sorted(metadata["classes"]) == ["negative", "positive"] and len(files) == 4
    table = coordinates_table("toy_promoters", 0, files)
    assert len(table) == 146 and set(table["split"]) == {"train", "test"}
    before = dict(Server.hits)
    fetch("toy_promoters", 0, f"{url}/datasets", tmp_path)
    assert Server.hits == before  # everything came from the cache


def test_wrong_version_is_refused(published, tmp_path):
    url, _, _ = published
    with pytest.raises(InputError, match="version 0, the config asks for version 1") as error:
        fetch("toy_promoters", 1, f"{url}/datasets", tmp_path)
    assert "genomic_benchmark.version" in str(error.value)


def test_missing_class_file_names_url_and_path(published, tmp_path):
    url, _, _ = published
    del Server.files["/datasets/toy_promoters/test/negative.csv.gz"]
    with pytest.raises(InputError, match="HTTP 404") as error:
        fetch("toy_promoters", 0, f"{url}/datasets", tmp_path)
    assert f"{url}/datasets/toy_promoters/test/negative.csv.gz" in str(error.value)
    assert str(tmp_path / "test/negative.csv.gz") in str(error.value)
    assert not (tmp_path / "test/negative.csv.gz").exists()


def test_offline_fetch_lists_the_class_files(published, tmp_path):
    url, _, _ = published
    with pytest.raises(InputError, match="offline mode: 1 file") as error:
        fetch("toy_promoters", 0, f"{url}/datasets", tmp_path, offline=True)
    assert "metadata.yaml" in str(error.value) and "<class>.csv.gz" in str(error.value)
    (tmp_path / "metadata.yaml").write_bytes(
        Server.files["/datasets/toy_promoters/metadata.yaml"])
    with pytest.raises(InputError, match="offline mode: 4 file") as error:
        fetch("toy_promoters", 0, f"{url}/datasets", tmp_path, offline=True)
    assert str(tmp_path / "train/positive.csv.gz") in str(error.value)
    assert Server.hits == {}


def test_truncated_gzip_names_file_and_line(tmp_path):
    rows = [(i, "chr1", i, i + 10, "+") for i in range(20000)]
    path = tmp_path / "positive.csv.gz"
    data = csv_gz(rows)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="unreadable after line") as error:
        read_coordinates(path)
    assert str(path) in str(error.value) and "line" in str(error.value)


@pytest.mark.parametrize("row, problem", [
    ((7, "chr1", 5, 10, "+"), "id '7' repeats line 2"),
    ((8, "chr1", "x", 10, "+"), "start 'x' is not an integer"),
    ((8, "chr1", 5, 10, "*"), "strand '\\*' is not"),
])
def test_bad_coordinate_lines(tmp_path, row, problem):
    path = tmp_path / "c.csv.gz"
    path.write_bytes(csv_gz([(7, "chr1", 1, 5, "+"), row]))
    with pytest.raises(InputError, match=problem) as error:
        read_coordinates(path)
    assert f"{path}, line 3" in str(error.value)


def test_published_counts_are_checked(published, tmp_path):
    url, _, _ = published
    Server.files = {k.replace("toy_promoters", "dummy_mouse_enhancers_ensembl"): v
                    for k, v in Server.files.items()}
    _, files = fetch("dummy_mouse_enhancers_ensembl", 0, f"{url}/datasets", tmp_path)
    with pytest.raises(InputError, match="the published one 968 and 242"):
        coordinates_table("dummy_mouse_enhancers_ensembl", 0, files)


def test_chromosome_names_across_conventions():
    genome = ["1", "X", "MT", "KI270706.1", "GL456210.1", "ENST00000456328.2", "2L",
              "mitochondrion_genome"]
    mapping = resolve_names(["chr1", "chrX", "chrMT", "chr1_KI270706v1_random",
                             "chr1_GL456210_random", "ENST00000456328", "2L", "chrZ"], genome)
    assert mapping == {"chr1": "1", "chrX": "X", "chrMT": "MT",
                       "chr1_KI270706v1_random": "KI270706.1",
                       "chr1_GL456210_random": "GL456210.1",
                       "ENST00000456328": "ENST00000456328.2", "2L": "2L", "chrZ": "chrZ"}
    assert resolve_names(["chrM"], ["2L", "mitochondrion_genome"]) == {
        "chrM": "mitochondrion_genome"}
    assert resolve_names(["1", "chrM"], ["chr1", "chrM"]) == {"1": "chr1", "chrM": "chrM"}


def test_wrong_assembly_is_named(ecoli_fasta):
    frame = pd.DataFrame({"id": ["a", "b"], "chrom": ["chrZ", "chrZ"], "start": [0, 50],
                          "end": [30, 80], "strand": ["+", "-"], "split": ["train", "test"],
                          "source": ["c.bed:1", "c.bed:2"]})
    labelled = LabelledIntervals(frame, np.array([[1], [0]], dtype=np.uint8), ["positive"])
    genomes = {"ecoli": (str(ecoli_fasta), f"{ecoli_fasta}.fai")}
    with pytest.raises(InputError, match="unknown chromosomes: chrZ") as error:
        extract_by_genome(labelled, np.array(["ecoli", "ecoli"]), genomes, 30, "center",
                          0.01, "c.bed")
    assert "same assembly" in str(error.value)


def test_class_genomes_must_name_classes():
    classes = pd.Series(["human", "worm", "human"])
    assert genome_of_rows(classes, {"worm": "WBcel235"}, "GRCh38").tolist() == [
        "GRCh38", "WBcel235", "GRCh38"]
    with pytest.raises(InputError, match="'wrom'] are not classes") as error:
        genome_of_rows(classes, {"wrom": "WBcel235"}, "GRCh38")
    assert "genomic_benchmark.genomes" in str(error.value)
