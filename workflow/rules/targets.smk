# What `snakemake` makes by default (rule all), and the error for undeclared datasets.


def encoded_data(name):
    return expand("results/{dataset}/data/{split}.npz", dataset=name, split=SPLITS) + [
        f"results/{name}/data/encoding.json"
    ]


def all_targets():
    """Encoded data of every dataset; with architectures, models, motifs and the summary."""
    targets = [path for name in DATASETS for path in encoded_data(name)]
    if ARCHITECTURES:
        targets += expand_runs("results/{dataset}/{arch}/logos.png", filter_runs())
        targets += expand_runs(
            "results/{dataset}/{arch}/patterns.png", attribution_runs()
        )
        targets.append("results/summary.tsv")
    targets += [f"results/search/{name}/best.yaml" for name in search_runs()]
    return targets


def refuse_unknown_dataset(wildcards):
    raise WorkflowError(
        f"unknown dataset '{wildcards.name}' in the target; the config declares: "
        f"{', '.join(DATASETS)}. Ask for results/<dataset>/... of one of them, or add "
        f"'{wildcards.name}' under datasets in the config."
    )
