rule export_motif_db:
    """The motif database as MEME, with its motifs' JASPAR TF families beside it."""
    input:
        user_motif_file,
    output:
        meme=f"resources/motif_db/{motif_db_name()}.meme",
        families=f"resources/motif_db/{motif_db_name()}.families.tsv",
    log:
        f"logs/export_motif_db/{motif_db_name()}.log",
    benchmark:
        f"benchmarks/export_motif_db/{motif_db_name()}.tsv"
    conda:
        "../../envs/motifs.yaml"
    params:
        motif_db=config["motif_db"],
    script:
        "../../scripts/export_motif_db.py"


rule warm_tomtom:
    """Compile the TomTom engine's numba kernels once into the shared cache, before TomTom jobs."""
    output:
        f"{NUMBA_CACHE}/{lookup(dpath='tomtom/engine', within=config)}.warm",
    log:
        "logs/warm_tomtom.log",
    benchmark:
        "benchmarks/warm_tomtom.tsv"
    conda:
        "../../envs/motifs.yaml"
    params:
        engine=lookup(dpath="tomtom/engine", within=config),
        numba_cache=numba_cache,
    script:
        "../../scripts/warm_tomtom.py"


# The per-model motif jobs run on one core each, so that on a workstation several of them (of
# one model or of several) run side by side; attribute, like train, takes training.threads.


rule extract_pfms:
    input:
        model="results/{dataset}/{arch}/model.pt",
        sequences=f"results/{{dataset}}/data/{config['motifs']['split']}.npz",
    output:
        pfms=directory("results/{dataset}/{arch}/pfms"),
        table="results/{dataset}/{arch}/filters.tsv",
        meme="results/{dataset}/{arch}/filters.meme",
    log:
        "logs/extract_pfms/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/extract_pfms/{dataset}/{arch}.tsv"
    conda:
        "../../envs/motifs.yaml"
    params:
        motifs=filter_settings(),
        layers=layers_of,
    script:
        "../../scripts/extract_pfms.py"


rule tomtom:
    input:
        queries="results/{dataset}/{arch}/filters.meme",
        table="results/{dataset}/{arch}/filters.tsv",
        motif_db=rules.export_motif_db.output.meme,
        families=rules.export_motif_db.output.families,
        warm=rules.warm_tomtom.output[0],
    output:
        matches="results/{dataset}/{arch}/tomtom.tsv",
        names="results/{dataset}/{arch}/filter_names.tsv",
        scores="results/{dataset}/{arch}/filters.json",
    log:
        "logs/tomtom/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/tomtom/{dataset}/{arch}.tsv"
    conda:
        "../../envs/meme.yaml"
    params:
        tomtom=config["tomtom"],
        ground_truth=ground_truth,
        numba_cache=numba_cache,
    script:
        "../../scripts/tomtom.py"


rule motif_logos:
    input:
        pfms="results/{dataset}/{arch}/pfms",
        table="results/{dataset}/{arch}/filters.tsv",
        names="results/{dataset}/{arch}/filter_names.tsv",
        motif_db=rules.export_motif_db.output.meme,
    output:
        grid=report(
            "results/{dataset}/{arch}/logos.png",
            caption="../report/logos.rst",
            category="Motifs",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "top filters",
            },
        ),
        matches=report(
            directory("results/{dataset}/{arch}/matches"),
            patterns=["{filter}.png"],
            caption="../report/matches.rst",
            category="Motifs",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "filter": "{filter}",
            },
        ),
    log:
        "logs/motif_logos/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/motif_logos/{dataset}/{arch}.tsv"
    conda:
        "../../envs/motifs.yaml"
    params:
        motifs=filter_settings(),
    script:
        "../../scripts/motif_logos.py"


rule learned:
    """learned.json: the scores of every path that named a model's motifs."""
    input:
        unpack(learned_inputs),
    output:
        "results/{dataset}/{arch}/learned.json",
    log:
        "logs/learned/{dataset}/{arch}.log",
    localrule: True
    conda:
        "../../envs/motifs.yaml"
    script:
        "../../scripts/learned.py"
