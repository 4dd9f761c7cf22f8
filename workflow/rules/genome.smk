rule prepare_genome:
    input:
        genome_source,
    output:
        fasta="resources/genomes/{genome}/genome.fa",
        fai="resources/genomes/{genome}/genome.fa.fai",
    params:
        spec=lambda wildcards: config["genomes"][wildcards.genome],
        offline=config["offline"],
        download_dir=lambda wildcards: f"resources/downloads/{wildcards.genome}",
    log:
        "logs/prepare_genome/{genome}.log",
    conda:
        "../../envs/data.yaml"
    script:
        "../../scripts/prepare_genome.py"
