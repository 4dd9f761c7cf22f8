# Sequences from every kind of dataset into the sequence table (results/<dataset>/data/
# sequences.tsv.gz, with dropped.tsv and extraction.json): Koo & Eddy's synthetic data,
# labelled intervals on a genome, Genomic Benchmarks by name, users' own sequences, peak
# files; then the table into encoded splits.


wildcard_constraints:
    benchmark="[A-Za-z0-9][A-Za-z0-9_.-]*",
    version="[0-9]+",


rule generate_synthetic:
    output:
        fasta="resources/synthetic/{dataset}/genome.fa",
        fai="resources/synthetic/{dataset}/genome.fa.fai",
        regions="resources/synthetic/{dataset}/regions.bed",
        motifs="resources/synthetic/{dataset}/motifs.bed",
    log:
        "logs/generate_synthetic/{dataset}.log",
    benchmark:
        "benchmarks/generate_synthetic/{dataset}.tsv"
    conda:
        "../../envs/data.yaml"
    params:
        synthetic=lookup(dpath="datasets/{dataset}/synthetic", within=config),
    script:
        "../../scripts/generate_synthetic.py"


rule prepare_genome:
    input:
        genome_source,
    output:
        fasta="resources/genomes/{genome}/genome.fa",
        fai="resources/genomes/{genome}/genome.fa.fai",
    log:
        "logs/prepare_genome/{genome}.log",
    benchmark:
        "benchmarks/prepare_genome/{genome}.tsv"
    conda:
        "../../envs/data.yaml"
    params:
        spec=lookup(dpath="genomes/{genome}", within=config),
        offline=config["offline"],
        download_dir="resources/downloads/{genome}",
    script:
        "../../scripts/prepare_genome.py"


rule extract_sequences:
    input:
        intervals=source_files,
        fasta=genome_fasta,
        fai=genome_index,
    output:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        dropped="results/{dataset}/data/dropped.tsv",
        notes="results/{dataset}/data/extraction.json",
    log:
        "logs/extract_sequences/{dataset}.log",
    benchmark:
        "benchmarks/extract_sequences/{dataset}.tsv"
    wildcard_constraints:
        dataset=one_of(datasets_of("intervals") + datasets_of("synthetic")),
    conda:
        "../../envs/data.yaml"
    params:
        intervals=interval_spec,
        extraction=extraction,
    script:
        "../../scripts/extract_sequences.py"


rule fetch_coordinates:
    output:
        bed="resources/genomic_benchmarks/{benchmark}/v{version}/coordinates.bed",
    log:
        "logs/fetch_coordinates/{benchmark}_v{version}.log",
    benchmark:
        "benchmarks/fetch_coordinates/{benchmark}_v{version}.tsv"
    conda:
        "../../envs/data.yaml"
    params:
        url=benchmark_url,
        offline=config["offline"],
    script:
        "../../scripts/fetch_coordinates.py"


rule extract_benchmark:
    input:
        coordinates=benchmark_coordinates,
        fastas=lambda wildcards: [f for f, _ in benchmark_genomes(wildcards).values()],
        fais=lambda wildcards: [i for _, i in benchmark_genomes(wildcards).values()],
    output:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        dropped="results/{dataset}/data/dropped.tsv",
        notes="results/{dataset}/data/extraction.json",
    log:
        "logs/extract_benchmark/{dataset}.log",
    benchmark:
        "benchmarks/extract_benchmark/{dataset}.tsv"
    wildcard_constraints:
        dataset=one_of(datasets_of("genomic_benchmark")),
    conda:
        "../../envs/data.yaml"
    params:
        intervals=interval_spec,
        genome=lookup(dpath="datasets/{dataset}/genome", within=config),
        class_genomes=lookup(
            dpath="datasets/{dataset}/genomic_benchmark/genomes",
            within=config,
            default={},
        ),
        genome_files=benchmark_genomes,
        extraction=extraction,
    script:
        "../../scripts/extract_benchmark.py"


rule import_sequences:
    input:
        source_files,
    output:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        dropped="results/{dataset}/data/dropped.tsv",
        notes="results/{dataset}/data/extraction.json",
    log:
        "logs/import_sequences/{dataset}.log",
    benchmark:
        "benchmarks/import_sequences/{dataset}.tsv"
    wildcard_constraints:
        dataset=one_of(datasets_of("sequences")),
    conda:
        "../../envs/data.yaml"
    params:
        spec=lookup(dpath="datasets/{dataset}/sequences", within=config),
        extraction=extraction,
        split_method=lookup(dpath="datasets/{dataset}/split/method", within=config),
    script:
        "../../scripts/import_sequences.py"


rule synthetic_peaks:
    """A synthetic dataset's motif instances of one TF as a narrowPeak (summits at the motif
    centres), for peaks datasets on the synthetic genome."""
    input:
        motifs="resources/synthetic/{dataset}/motifs.bed",
        fai="resources/synthetic/{dataset}/genome.fa.fai",
    output:
        "resources/synthetic/{dataset}/peaks/{tf}.narrowPeak",
    log:
        "logs/synthetic_peaks/{dataset}/{tf}.log",
    wildcard_constraints:
        dataset=one_of(datasets_of("synthetic")),
    conda:
        "../../envs/data.yaml"
    params:
        width=lookup(dpath="datasets/{dataset}/synthetic/peak_width", within=config),
    script:
        "../../scripts/synthetic_peaks.py"


rule extract_peaks:
    input:
        peaks=source_files,
        fasta=genome_fasta,
        fai=genome_index,
    output:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        dropped="results/{dataset}/data/dropped.tsv",
        notes="results/{dataset}/data/extraction.json",
    log:
        "logs/extract_peaks/{dataset}.log",
    benchmark:
        "benchmarks/extract_peaks/{dataset}.tsv"
    wildcard_constraints:
        dataset=one_of(datasets_of("peaks")),
    conda:
        "../../envs/data.yaml"
    params:
        peaks=peak_settings,
        extraction=extraction,
    script:
        "../../scripts/extract_peaks.py"


rule encode:
    input:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        notes="results/{dataset}/data/extraction.json",
    output:
        splits=expand("results/{{dataset}}/data/{split}.npz", split=SPLITS),
        encoding="results/{dataset}/data/encoding.json",
    log:
        "logs/encode/{dataset}.log",
    benchmark:
        "benchmarks/encode/{dataset}.tsv"
    wildcard_constraints:
        dataset=one_of([name for name in DATASETS if name not in kfold_datasets()]),
    conda:
        "../../envs/data.yaml"
    params:
        split=split_settings,
        dtype=lookup(dpath="datasets/{dataset}/dtype", within=config),
        task=lookup(dpath="datasets/{dataset}/task", within=config),
        sources=data_sources,
        encoding=lookup(dpath="datasets/{dataset}/encoding", within=config),
        transform=target_transform,
    script:
        "../../scripts/encode.py"


use rule encode as encode_kfold with:
    output:
        splits=expand("results/{{dataset}}/data/{split}.npz", split=SPLITS),
        encoding="results/{dataset}/data/encoding.json",
        all="results/{dataset}/data/all.npz",
        folds="results/{dataset}/data/folds.tsv",
    wildcard_constraints:
        dataset=one_of(kfold_datasets()),
