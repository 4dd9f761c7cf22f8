"""The kinds of dataset a config declares, and the files each is read from.

A dataset's kind is the block its config entry holds: ``synthetic`` (generated here),
``genomic_benchmark`` (coordinates fetched by name), ``sequences`` (users' own labelled
sequences), ``intervals`` (labelled intervals on a genome) or ``peaks`` (ChIP-seq/ATAC peak
files on a genome, negatives drawn by the workflow). This module imports nothing
heavy: the Snakefile calls it while it reads the config.
"""

from __future__ import annotations

KINDS = ("synthetic", "genomic_benchmark", "sequences", "intervals", "peaks")

# Layouts of the BED files the workflow writes for its own datasets (1-based columns):
# the synthetic regions.bed is BED6 then one 0/1 column per TF; the Genomic Benchmarks
# coordinates.bed is BED6 then class and split.
SYNTHETIC_FIRST_LABEL_COLUMN = 7
BENCHMARK_CLASS_COLUMN, BENCHMARK_SPLIT_COLUMN = 7, 8


def dataset_kind(spec: dict) -> str:
    """Which of :data:`KINDS` a dataset's config entry is (the schema allows exactly one)."""
    kind = next((kind for kind in KINDS if kind in spec), None)
    if kind is None:
        raise ValueError(f"a dataset holds one of the blocks {', '.join(KINDS)}")
    return kind


def has_genome(spec: dict) -> bool:
    """True where the dataset's sequences come from genome coordinates (a split by chromosome
    is possible); imported sequences have none."""
    return dataset_kind(spec) != "sequences"


def interval_files(spec: dict) -> list[str]:
    """The BED file(s) of an ``intervals`` block: one per class, or the one labelled BED."""
    return list(spec["classes"].values()) if "classes" in spec else [spec["bed"]]


def sequence_file(spec: dict) -> str:
    """The FASTA or TSV of a ``sequences`` block."""
    return spec["fasta"] if "fasta" in spec else spec["tsv"]


def peak_files(spec: dict) -> list[str]:
    """The peak files of a ``peaks`` block (one per TF), then its blacklist if it has one."""
    return [*spec["files"].values(), *([spec["blacklist"]] if spec.get("blacklist") else [])]


def binned(spec: dict, task: str) -> bool:
    """True where a peaks dataset is made of genome bins: a multi-label task, or a regression
    on several TFs' signal; one TF's peaks (binary, or regression) are windows on summits."""
    return task == "multilabel" or (task == "regression" and len(spec["files"]) > 1)


def peaks_settings(spec: dict, task: str) -> dict:
    """A ``peaks`` block with its negatives' kind resolved: as given, else ``gc_matched`` for
    one TF's summits and ``none`` for binned datasets (whose all-zero rows are bins)."""
    negatives = dict(spec.get("negatives", {}))
    negatives.setdefault("kind", "none" if binned(spec, task) else "gc_matched")
    return {**spec, "negatives": negatives}


def derived_intervals(spec: dict, bed: str) -> dict:
    """The ``intervals`` block equivalent to a synthetic or Genomic Benchmarks dataset, whose
    intervals are the workflow's own ``bed`` (regions.bed, coordinates.bed)."""
    if dataset_kind(spec) == "synthetic":
        first = SYNTHETIC_FIRST_LABEL_COLUMN
        return {"bed": bed,
                "label_columns": list(range(first, first + len(spec["synthetic"]["motifs"])))}
    return {"bed": bed, "label_columns": [BENCHMARK_CLASS_COLUMN], "label_names": ["class"],
            "split_column": BENCHMARK_SPLIT_COLUMN,
            "positive_class": spec["genomic_benchmark"]["positive_class"]}
