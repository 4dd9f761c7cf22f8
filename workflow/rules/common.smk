import os
import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.basedir).parent / "scripts"))

from motifnet.config import check_config, motif_layers as config_motif_layers  # noqa: E402


# `--config offline=true` arrives as a string; Snakemake only converts True/False.
if isinstance(config.get("offline"), str):
    config["offline"] = config["offline"].lower() in ("true", "1", "yes")
validate(config, schema="../schemas/config.schema.yaml", set_default=True)
check_config(config)

DATASETS = list(config["datasets"])
SPLITS = ["train", "val", "test"]


wildcard_constraints:
    dataset="|".join(map(re.escape, DATASETS)),
    split="train|val|test",


def dataset(name):
    return config["datasets"][name]


def is_synthetic(name):
    return "synthetic" in dataset(name)


def is_benchmark(name):
    return "genomic_benchmark" in dataset(name)


def is_imported(name):
    return "sequences" in dataset(name)


def benchmark_coordinates(name):
    """The checked coordinates BED of a Genomic Benchmarks dataset (shared cache)."""
    spec = dataset(name)["genomic_benchmark"]
    return f"resources/genomic_benchmarks/{spec['name']}/v{spec['version']}/coordinates.bed"


def genome_fasta(wildcards):
    """The prepared FASTA (with .fai beside it) of a dataset's genome ('' for none)."""
    if is_synthetic(wildcards.dataset):
        return f"resources/synthetic/{wildcards.dataset}/genome.fa"
    if is_imported(wildcards.dataset):
        return ""
    return f"resources/genomes/{dataset(wildcards.dataset)['genome']}/genome.fa"


def interval_spec(name):
    """The dataset's intervals block; synthetic datasets read their generated regions BED,
    Genomic Benchmarks their fetched coordinates (class in column 7, split in column 8)."""
    if is_synthetic(name):
        n_tfs = len(dataset(name)["synthetic"]["motifs"])
        return {
            "bed": f"resources/synthetic/{name}/regions.bed",
            "label_columns": list(range(7, 7 + n_tfs)),
        }
    if is_benchmark(name):
        return {
            "bed": benchmark_coordinates(name),
            "label_columns": [7],
            "label_names": ["class"],
            "split_column": 8,
            "positive_class": dataset(name)["genomic_benchmark"]["positive_class"],
        }
    if is_imported(name):
        return dataset(name)["sequences"]
    return dataset(name)["intervals"]


def interval_files(wildcards):
    spec = interval_spec(wildcards.dataset)
    if is_imported(wildcards.dataset):
        return [spec["fasta"] if "fasta" in spec else spec["tsv"]]
    return list(spec["classes"].values()) if "classes" in spec else [spec["bed"]]


def data_sources(wildcards):
    """Provenance of a dataset's sequences, for encoding.json."""
    genome = genome_fasta(wildcards)
    return {"intervals": interval_files(wildcards), "genome": genome or None}


def one_of(names):
    """A wildcard pattern matching exactly these names (nothing when there are none)."""
    return "|".join(map(re.escape, names)) or "(?!)"


def benchmark_datasets():
    return [name for name in DATASETS if is_benchmark(name)]


def imported_datasets():
    return [name for name in DATASETS if is_imported(name)]


def benchmark_url(benchmark, version):
    """The base URL of a benchmark, the same for every dataset that uses it."""
    urls = {
        dataset(name)["genomic_benchmark"]["url"]
        for name in benchmark_datasets()
        if dataset(name)["genomic_benchmark"]["name"] == benchmark
        and dataset(name)["genomic_benchmark"]["version"] == int(version)
    }
    if len(urls) != 1:
        raise WorkflowError(
            f"datasets using Genomic Benchmark '{benchmark}' v{version} name the URLs "
            f"{sorted(urls)}; they share one download cache, so give them one url"
            if urls
            else f"no dataset uses Genomic Benchmark '{benchmark}' v{version}"
        )
    return urls.pop()


def benchmark_genomes(name):
    """Genome name -> (fasta, fai) for every genome a benchmark dataset's classes lie on."""
    spec = dataset(name)
    names = [spec["genome"], *spec["genomic_benchmark"].get("genomes", {}).values()]
    return {
        genome: (
            f"resources/genomes/{genome}/genome.fa",
            f"resources/genomes/{genome}/genome.fa.fai",
        )
        for genome in dict.fromkeys(names)
    }


def imported_source(name):
    spec = dataset(name)["sequences"]
    return spec["fasta"] if "fasta" in spec else spec["tsv"]


def offline_missing():
    """(url, path) of every download the config still needs (genomes, coordinates)."""
    from motifnet.data.genomic_benchmarks import coordinate_files, read_classes

    files = []
    for genome, spec in config["genomes"].items():
        prepared = Path(f"resources/genomes/{genome}/genome.fa")
        if "url" in spec and not prepared.exists():
            name = Path(spec["url"].split("?")[0]).name or "genome.fa"
            files.append((spec["url"], f"resources/downloads/{genome}/{name}"))
    for name in benchmark_datasets():
        spec = dataset(name)["genomic_benchmark"]
        folder = Path(benchmark_coordinates(name)).parent
        if (folder / "coordinates.bed").exists():
            continue
        url = spec["url"].rstrip("/")
        files.append((f"{url}/{spec['name']}/metadata.yaml", str(folder / "metadata.yaml")))
        classes = read_classes(folder / "metadata.yaml")
        for _, _, file_url, path in coordinate_files(url, spec["name"], classes, folder):
            files.append((file_url, str(path)))
    return list(dict.fromkeys(files))


def encoded_data(name):
    return expand(
        "results/{dataset}/data/{split}.npz", dataset=name, split=SPLITS
    ) + [f"results/{name}/data/encoding.json"]


def all_targets():
    """Encoded data of every dataset; with architectures, models, motifs and the summary."""
    targets = [path for name in DATASETS for path in encoded_data(name)]
    if ARCHITECTURES:
        targets += expand_runs("results/{dataset}/{arch}/logos.png", motif_runs())
        targets.append("results/summary.tsv")
    return targets


def _refuse_unknown_dataset(wildcards):
    raise WorkflowError(
        f"unknown dataset '{wildcards.name}' in the target; the config declares: "
        f"{', '.join(DATASETS)}. Ask for results/<dataset>/... of one of them, or add "
        f"'{wildcards.name}' under datasets in the config."
    )


def genome_source(wildcards):
    """A local genome file is an input; a URL genome is downloaded by the rule itself."""
    spec = config["genomes"][wildcards.genome]
    return spec["path"] if "path" in spec else []


# Architectures and training -------------------------------------------------------------

from motifnet.train.settings import resolve_training  # noqa: E402

ARCHITECTURES = list(config["architectures"])


wildcard_constraints:
    arch="|".join(map(re.escape, ARCHITECTURES)) or "(?!)",


def architecture(arch):
    return config["architectures"][arch]


def training_config(arch):
    """Training settings of an architecture: defaults < training < its own training block."""
    return resolve_training(
        config["training"], architecture(arch).get("training"), arch=arch
    )


def model_runs():
    """(dataset, architecture) pairs to train: every architecture on its datasets."""
    return [
        (name, arch)
        for arch in ARCHITECTURES
        for name in architecture(arch).get("datasets", DATASETS)
    ]


# Motifs ---------------------------------------------------------------------------------

os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path("resources/numba_cache").resolve())
)


def motif_db_name():
    """File stem of the motif database: the JASPAR selection, or the user file's name."""
    spec = config["motif_db"]
    if "meme" in spec:
        return f"user_{Path(spec['meme']).name.split('.')[0]}"
    return f"{spec['release']}_{spec['collection']}_{spec['taxon']}"


def user_motif_file(wildcards):
    return [config["motif_db"]["meme"]] if "meme" in config["motif_db"] else []


def motif_layers(name, arch):
    """Layers whose filters become motifs: the configured ones the model can map to input."""
    return config_motif_layers(config, name, arch)


def ground_truth(name):
    """TF -> JASPAR base id of the motifs embedded in a synthetic dataset, else empty."""
    return dataset(name)["synthetic"]["motifs"] if is_synthetic(name) else {}


def motif_runs():
    """(dataset, architecture) pairs whose model has a layer to turn into motifs."""
    return [(d, a) for d, a in model_runs() if motif_layers(d, a)]


def expand_runs(pattern, runs):
    """``pattern`` filled for each (dataset, architecture) pair."""
    return [pattern.format(dataset=name, arch=arch) for name, arch in runs]
