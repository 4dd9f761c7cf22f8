# Real data in the forms people have it: Genomic Benchmarks datasets by name (coordinates
# fetched into a shared cache, extracted from each class's genome) and users' own labelled
# sequences (FASTA or TSV). Both write the sequence table that `encode` reads, in place of
# `extract_sequences`.

from snakemake.logging import logger

from motifnet.data.download import missing_files  # noqa: E402

if config["offline"]:
    _missing = missing_files(offline_missing())
    if _missing:
        logger.warning(str(_missing))


wildcard_constraints:
    benchmark="[A-Za-z0-9][A-Za-z0-9_.-]*",
    version="[0-9]+",


ruleorder: extract_benchmark > extract_sequences
ruleorder: import_sequences > extract_sequences


rule fetch_coordinates:
    output:
        bed="resources/genomic_benchmarks/{benchmark}/v{version}/coordinates.bed",
    params:
        url=lambda wildcards: benchmark_url(wildcards.benchmark, wildcards.version),
        offline=config["offline"],
    log:
        "logs/fetch_coordinates/{benchmark}_v{version}.log",
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/fetch_coordinates.py"


rule extract_benchmark:
    input:
        coordinates=lambda wildcards: benchmark_coordinates(wildcards.dataset),
        fastas=lambda wildcards: [f for f, _ in benchmark_genomes(wildcards.dataset).values()],
        fais=lambda wildcards: [i for _, i in benchmark_genomes(wildcards.dataset).values()],
    output:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        dropped="results/{dataset}/data/dropped.tsv",
    params:
        intervals=lambda wildcards: interval_spec(wildcards.dataset),
        genome=lambda wildcards: dataset(wildcards.dataset)["genome"],
        class_genomes=lambda wildcards: dataset(wildcards.dataset)["genomic_benchmark"].get(
            "genomes", {}
        ),
        genome_files=lambda wildcards: benchmark_genomes(wildcards.dataset),
        task=lambda wildcards: dataset(wildcards.dataset)["task"],
        length=lambda wildcards: dataset(wildcards.dataset)["length"],
        resize=lambda wildcards: dataset(wildcards.dataset)["resize"],
        max_dropped_fraction=lambda wildcards: dataset(wildcards.dataset)[
            "max_dropped_fraction"
        ],
    wildcard_constraints:
        dataset=one_of(benchmark_datasets()),
    log:
        "logs/extract_benchmark/{dataset}.log",
    benchmark:
        "benchmarks/extract_benchmark/{dataset}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/extract_benchmark.py"


rule import_sequences:
    input:
        lambda wildcards: imported_source(wildcards.dataset),
    output:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        dropped="results/{dataset}/data/dropped.tsv",
    params:
        spec=lambda wildcards: dataset(wildcards.dataset)["sequences"],
        task=lambda wildcards: dataset(wildcards.dataset)["task"],
        length=lambda wildcards: dataset(wildcards.dataset)["length"],
        resize=lambda wildcards: dataset(wildcards.dataset)["resize"],
        max_dropped_fraction=lambda wildcards: dataset(wildcards.dataset)[
            "max_dropped_fraction"
        ],
        split_method=lambda wildcards: dataset(wildcards.dataset)["split"]["method"],
    wildcard_constraints:
        dataset=one_of(imported_datasets()),
    log:
        "logs/import_sequences/{dataset}.log",
    benchmark:
        "benchmarks/import_sequences/{dataset}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/import_sequences.py"
