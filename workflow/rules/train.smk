rule train:
    """Train a classifier (binary, multilabel, multiclass); rule train_regression below trains
    regression models, with predicted-vs-observed plots in place of ROC curves and confusion
    matrices."""
    input:
        train="results/{dataset}/data/train.npz",
        val="results/{dataset}/data/val.npz",
        test="results/{dataset}/data/test.npz",
        encoding="results/{dataset}/data/encoding.json",
    output:
        model="results/{dataset}/{arch}/model.pt",
        history="results/{dataset}/{arch}/history.tsv",
        metrics="results/{dataset}/{arch}/metrics.json",
        predictions="results/{dataset}/{arch}/predictions.tsv",
        curves=report(
            "results/{dataset}/{arch}/plots/curves.png",
            caption="../report/training_curves.rst",
            category="Training",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "curves",
            },
        ),
        roc=report(
            "results/{dataset}/{arch}/plots/roc.png",
            caption="../report/roc.rst",
            category="Training",
            subcategory="{dataset}",
            labels={"dataset": "{dataset}", "architecture": "{arch}", "figure": "ROC"},
        ),
        confusion=report(
            "results/{dataset}/{arch}/plots/confusion.png",
            caption="../report/confusion.rst",
            category="Training",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "confusion",
            },
        ),
    log:
        "logs/train/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/train/{dataset}/{arch}.tsv"
    wildcard_constraints:
        dataset=one_of(classification_datasets()),
    # once more, with twice the memory and time (e.g. after running out of memory); other
    # rules fail the same way again and are not retried
    retries: 1
    conda:
        "../../envs/train.yaml"
    threads: lambda wildcards: training_settings(wildcards.arch)["threads"]
    resources:
        gpu=gpu_slots,
        # from the config, doubled on each retry (e.g. after running out of memory)
        mem_mb=lambda wildcards, attempt: training_settings(wildcards.arch)["mem_mb"]
        * attempt,
        runtime=lambda wildcards, attempt: training_settings(wildcards.arch)["runtime"]
        * attempt,
    params:
        # Learning settings only: a change retrains just the jobs it concerns. Resources
        # (threads, mem_mb, gpu, runtime) and the gpus block change no result; the script
        # reads gpus from the config.
        training=learning,
        architecture=architecture,
    script:
        "../../scripts/train.py"


use rule train as train_regression with:
    output:
        model="results/{dataset}/{arch}/model.pt",
        history="results/{dataset}/{arch}/history.tsv",
        metrics="results/{dataset}/{arch}/metrics.json",
        predictions="results/{dataset}/{arch}/predictions.tsv",
        curves=report(
            "results/{dataset}/{arch}/plots/curves.png",
            caption="../report/training_curves.rst",
            category="Training",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "curves",
            },
        ),
        scatter=report(
            "results/{dataset}/{arch}/plots/scatter.png",
            caption="../report/scatter.rst",
            category="Training",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "predicted vs observed",
            },
        ),
    wildcard_constraints:
        dataset=one_of(regression_datasets()),
