# Interpretation: attribution maps per class (tangermeme), TF-MoDISco patterns, their names
# (the motif stage's calibrated TomTom call) and logos.


rule attribute:
    """Attribution maps of a model's sequences per class; GPU-slotted like training."""
    input:
        model="results/{dataset}/{arch}/model.pt",
        sequences=expand(
            "results/{{dataset}}/data/{split}.npz", split=attribution_splits()
        ),
        encoding="results/{dataset}/data/encoding.json",
    output:
        maps=directory("results/{dataset}/{arch}/attributions"),
    log:
        "logs/attribute/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/attribute/{dataset}/{arch}.tsv"
    conda:
        "../../envs/attribution.yaml"
    threads: training_threads
    resources:
        gpu=gpu_slots,
        mem_mb=training_mem_mb,
        runtime=training_runtime,
    params:
        # a change of batch size or examples reruns nothing (the script reads batch_size)
        attribution=attribution_settings(),
    script:
        "../../scripts/attribute.py"


rule warm_modisco:
    """Compile TF-MoDISco's numba kernels once into the shared cache, beside training."""
    output:
        f"{NUMBA_CACHE}/modisco.warm",
    log:
        "logs/warm_modisco.log",
    conda:
        "../../envs/attribution.yaml"
    params:
        numba_cache=numba_cache,
    script:
        "../../scripts/warm_modisco.py"


rule modisco:
    input:
        attributions="results/{dataset}/{arch}/attributions",
        warm=rules.warm_modisco.output[0],
    output:
        modisco=directory("results/{dataset}/{arch}/modisco"),
        patterns="results/{dataset}/{arch}/patterns.tsv",
        seqlets="results/{dataset}/{arch}/seqlets.tsv",
        meme="results/{dataset}/{arch}/patterns.meme",
    log:
        "logs/modisco/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/modisco/{dataset}/{arch}.tsv"
    conda:
        "../../envs/attribution.yaml"
    params:
        modisco=config["modisco"],
        trim_ic=config["motifs"]["trim_ic"],
        numba_cache=numba_cache,
    script:
        "../../scripts/modisco.py"


rule tomtom_patterns:
    input:
        queries="results/{dataset}/{arch}/patterns.meme",
        patterns="results/{dataset}/{arch}/patterns.tsv",
        seqlets="results/{dataset}/{arch}/seqlets.tsv",
        attributions="results/{dataset}/{arch}/attributions",
        modisco="results/{dataset}/{arch}/modisco",
        motif_db=rules.export_motif_db.output.meme,
        families=rules.export_motif_db.output.families,
        warm=rules.warm_tomtom.output[0],
        truth=truth_files,
    output:
        matches="results/{dataset}/{arch}/pattern_tomtom.tsv",
        names="results/{dataset}/{arch}/pattern_names.tsv",
        scores="results/{dataset}/{arch}/patterns.json",
    log:
        "logs/tomtom_patterns/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/tomtom_patterns/{dataset}/{arch}.tsv"
    conda:
        "../../envs/meme.yaml"
    params:
        tomtom=config["tomtom"],
        ground_truth=ground_truth,
        numba_cache=numba_cache,
    script:
        "../../scripts/tomtom_patterns.py"


rule pattern_logos:
    input:
        modisco="results/{dataset}/{arch}/modisco",
        patterns="results/{dataset}/{arch}/patterns.tsv",
        names="results/{dataset}/{arch}/pattern_names.tsv",
        attributions="results/{dataset}/{arch}/attributions",
        motif_db=rules.export_motif_db.output.meme,
        truth=truth_files,
    output:
        overview=report(
            "results/{dataset}/{arch}/patterns.png",
            caption="../report/patterns.rst",
            category="Motifs",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "TF-MoDISco patterns",
            },
        ),
        patterns=report(
            directory("results/{dataset}/{arch}/pattern_logos"),
            patterns=["{pattern}.png"],
            caption="../report/pattern_logos.rst",
            category="Motifs",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "pattern": "{pattern}",
            },
        ),
        maps=report(
            directory("results/{dataset}/{arch}/attribution_maps"),
            patterns=["{label}.png"],
            caption="../report/attribution_maps.rst",
            category="Attribution",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "class": "{label}",
            },
        ),
    log:
        "logs/pattern_logos/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/pattern_logos/{dataset}/{arch}.tsv"
    conda:
        "../../envs/attribution.yaml"
    params:
        motifs=config["motifs"],
        examples=config["attribution"]["examples"],
    script:
        "../../scripts/pattern_logos.py"


# Attention (seed 004): the maps of models with an attention pooling, their motifs (the same
# calibrated TomTom call) and their scores against the embedded motifs, beside attribution.


rule attention:
    """Attention maps of a model's sequences per class; GPU-slotted like training."""
    input:
        model="results/{dataset}/{arch}/model.pt",
        sequences=expand(
            "results/{{dataset}}/data/{split}.npz", split=attribution_splits()
        ),
    output:
        maps=directory("results/{dataset}/{arch}/attention"),
    log:
        "logs/attention/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/attention/{dataset}/{arch}.tsv"
    conda:
        "../../envs/attribution.yaml"
    threads: training_threads
    resources:
        gpu=gpu_slots,
        mem_mb=training_mem_mb,
        runtime=training_runtime,
    params:
        # the recipe's top sequences, and which sequences attribution takes
        top_sequences=lookup(dpath="motifs/attention/top_sequences", within=config),
        selection={
            key: config["attribution"][key]
            for key in ("classes", "max_sequences", "seed")
        },
    script:
        "../../scripts/attention.py"


rule attention_motifs:
    input:
        attention="results/{dataset}/{arch}/attention",
        attributions=attributions_of,
        motif_db=rules.export_motif_db.output.meme,
        families=rules.export_motif_db.output.families,
        warm=rules.warm_tomtom.output[0],
        truth=truth_files,
    output:
        meme="results/{dataset}/{arch}/attention_motifs.meme",
        matches="results/{dataset}/{arch}/attention_tomtom.tsv",
        names="results/{dataset}/{arch}/attention_names.tsv",
        scores="results/{dataset}/{arch}/attention_motifs.json",
    log:
        "logs/attention_motifs/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/attention_motifs/{dataset}/{arch}.tsv"
    conda:
        "../../envs/meme.yaml"
    params:
        recipe={
            key: config["motifs"]["attention"][key] for key in ("width", "recurring")
        },
        tomtom=config["tomtom"],
        ground_truth=ground_truth,
        numba_cache=numba_cache,
    script:
        "../../scripts/attention_motifs.py"


rule attention_figures:
    input:
        attention="results/{dataset}/{arch}/attention",
        meme="results/{dataset}/{arch}/attention_motifs.meme",
        names="results/{dataset}/{arch}/attention_names.tsv",
        truth=truth_files,
    output:
        means=report(
            "results/{dataset}/{arch}/attention_means.png",
            caption="../report/attention_means.rst",
            category="Attention",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "mean attention per class",
            },
        ),
        motifs=report(
            "results/{dataset}/{arch}/attention_motifs.png",
            caption="../report/attention_motifs.rst",
            category="Attention",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "attention motifs",
            },
        ),
        maps=report(
            directory("results/{dataset}/{arch}/attention_maps"),
            patterns=["{label}.png"],
            caption="../report/attention_maps.rst",
            category="Attention",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "class": "{label}",
            },
        ),
    log:
        "logs/attention_figures/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/attention_figures/{dataset}/{arch}.tsv"
    conda:
        "../../envs/attribution.yaml"
    params:
        examples=lookup(dpath="motifs/attention/examples", within=config),
    script:
        "../../scripts/attention_figures.py"
