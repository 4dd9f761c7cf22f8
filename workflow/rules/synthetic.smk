rule generate_synthetic:
    output:
        fasta="resources/synthetic/{dataset}/genome.fa",
        fai="resources/synthetic/{dataset}/genome.fa.fai",
        regions="resources/synthetic/{dataset}/regions.bed",
        motifs="resources/synthetic/{dataset}/motifs.bed",
    params:
        synthetic=lambda wildcards: dataset(wildcards.dataset)["synthetic"],
    log:
        "logs/generate_synthetic/{dataset}.log",
    benchmark:
        "benchmarks/generate_synthetic/{dataset}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/generate_synthetic.py"
