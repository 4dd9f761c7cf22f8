"""Rule train_fold: fit one architecture on one fold of a k-fold dataset, evaluate it on the
fold's held-out sequences."""

from motifnet.rulescript import run
from motifnet.train.job import Fold, Outputs, train_on_slot


def main(smk):
    architecture = dict(smk.params.architecture)
    train_on_slot(
        gpus=smk.config["gpus"], holds_gpu=smk.resources.get("gpu", 0) > 0,
        encoding=smk.input.encoding, model_name=architecture["model"],
        params=architecture.get("params") or {}, cfg=dict(smk.params.training),
        outputs=Outputs(model=smk.output.model, history=smk.output.history,
                        metrics=smk.output.metrics, predictions=smk.output.predictions),
        threads=smk.threads,
        fold=Fold(all=smk.input.all, folds=smk.input.folds, split=dict(smk.params.split),
                  number=int(smk.wildcards.fold)),
        attribution_classes=(smk.config["attribution"]["classes"]
                             if smk.config["motifs"]["method"] != "filters" else []),
    )


run(main, snakemake)  # noqa: F821
