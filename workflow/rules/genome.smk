def genome_source(wildcards):
    """A local genome file is an input; a URL genome is downloaded by the rule itself."""
    spec = config["genomes"][wildcards.genome]
    return spec["path"] if "path" in spec else []


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
