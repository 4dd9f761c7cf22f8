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
    threads: training_threads
    resources:
        gpu=gpu_slots,
        # from the config, doubled on each retry (e.g. after running out of memory)
        mem_mb=training_mem_mb,
        runtime=training_runtime,
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


rule train_fold:
    """One fold of a k-fold dataset: trained on the other folds (a seeded val_fraction of them
    for early stopping), tested on its own sequences; GPU-slotted like train."""
    input:
        all="results/{dataset}/data/all.npz",
        folds="results/{dataset}/data/folds.tsv",
        encoding="results/{dataset}/data/encoding.json",
    output:
        model="results/{dataset}/{arch}/folds/{fold}/model.pt",
        history="results/{dataset}/{arch}/folds/{fold}/history.tsv",
        metrics="results/{dataset}/{arch}/folds/{fold}/metrics.json",
        predictions="results/{dataset}/{arch}/folds/{fold}/predictions.tsv",
    log:
        "logs/train_fold/{dataset}/{arch}/{fold}.log",
    benchmark:
        "benchmarks/train_fold/{dataset}/{arch}/{fold}.tsv"
    wildcard_constraints:
        dataset=one_of(kfold_datasets()),
        fold="[0-9]+",
    retries: 1
    conda:
        "../../envs/train.yaml"
    threads: lambda wildcards: training_settings(wildcards.arch)["threads"]
    resources:
        gpu=gpu_slots,
        mem_mb=lambda wildcards, attempt: training_settings(wildcards.arch)["mem_mb"]
        * attempt,
        runtime=lambda wildcards, attempt: training_settings(wildcards.arch)["runtime"]
        * attempt,
    params:
        training=learning,
        architecture=architecture,
        split=split_settings,
    script:
        "../../scripts/train_fold.py"


rule pool_folds:
    """A k-fold dataset's out-of-fold predictions of every sequence, pooled metrics with the
    per-fold mean and sd, and fold 1's model (whose motifs are named)."""
    input:
        encoding="results/{dataset}/data/encoding.json",
        metrics=fold_outputs("metrics.json"),
        predictions=fold_outputs("predictions.tsv"),
        models=fold_outputs("model.pt"),
    output:
        model="results/{dataset}/{arch}/model.pt",
        metrics="results/{dataset}/{arch}/metrics.json",
        predictions="results/{dataset}/{arch}/predictions.tsv",
        plot=report(
            "results/{dataset}/{arch}/plots/out_of_fold.png",
            caption="../report/out_of_fold.rst",
            category="Training",
            subcategory="{dataset}",
            labels={
                "dataset": "{dataset}",
                "architecture": "{arch}",
                "figure": "out-of-fold",
            },
        ),
    log:
        "logs/pool_folds/{dataset}/{arch}.log",
    benchmark:
        "benchmarks/pool_folds/{dataset}/{arch}.tsv"
    wildcard_constraints:
        dataset=one_of(kfold_datasets()),
    conda:
        "../../envs/train.yaml"
    script:
        "../../scripts/pool_folds.py"
