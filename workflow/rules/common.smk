import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.basedir).parent / "scripts"))

from motifnet.config import check_config  # noqa: E402


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


def genome_fasta(wildcards):
    """The prepared FASTA (with .fai beside it) of a dataset's genome."""
    if is_synthetic(wildcards.dataset):
        return f"resources/synthetic/{wildcards.dataset}/genome.fa"
    return f"resources/genomes/{dataset(wildcards.dataset)['genome']}/genome.fa"


def interval_spec(name):
    """The dataset's intervals block; synthetic datasets read their generated regions BED."""
    if is_synthetic(name):
        n_tfs = len(dataset(name)["synthetic"]["motifs"])
        return {
            "bed": f"resources/synthetic/{name}/regions.bed",
            "label_columns": list(range(7, 7 + n_tfs)),
        }
    return dataset(name)["intervals"]


def interval_files(wildcards):
    spec = interval_spec(wildcards.dataset)
    return list(spec["classes"].values()) if "classes" in spec else [spec["bed"]]


def encoded_data(name):
    return expand(
        "results/{dataset}/data/{split}.npz", dataset=name, split=SPLITS
    ) + [f"results/{name}/data/encoding.json"]


def all_targets():
    return [path for name in DATASETS for path in encoded_data(name)]


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
