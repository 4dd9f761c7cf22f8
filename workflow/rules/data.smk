rule extract_sequences:
    input:
        intervals=interval_files,
        fasta=genome_fasta,
        fai=lambda wildcards: genome_fasta(wildcards) + ".fai",
    output:
        sequences="results/{dataset}/data/sequences.tsv.gz",
        dropped="results/{dataset}/data/dropped.tsv",
    params:
        intervals=lambda wildcards: interval_spec(wildcards.dataset),
        task=lambda wildcards: dataset(wildcards.dataset)["task"],
        length=lambda wildcards: dataset(wildcards.dataset)["length"],
        resize=lambda wildcards: dataset(wildcards.dataset)["resize"],
        max_dropped_fraction=lambda wildcards: dataset(wildcards.dataset)[
            "max_dropped_fraction"
        ],
    log:
        "logs/extract_sequences/{dataset}.log",
    benchmark:
        "benchmarks/extract_sequences/{dataset}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/extract_sequences.py"


rule encode:
    input:
        sequences="results/{dataset}/data/sequences.tsv.gz",
    output:
        splits=expand("results/{{dataset}}/data/{split}.npz", split=SPLITS),
        encoding="results/{dataset}/data/encoding.json",
    params:
        split=lambda wildcards: dataset(wildcards.dataset)["split"],
        dtype=lambda wildcards: dataset(wildcards.dataset)["dtype"],
        task=lambda wildcards: dataset(wildcards.dataset)["task"],
        sources=data_sources,
    log:
        "logs/encode/{dataset}.log",
    benchmark:
        "benchmarks/encode/{dataset}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/encode.py"
