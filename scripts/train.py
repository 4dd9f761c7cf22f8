"""Rule train: fit one architecture on one dataset, evaluate it on the test split, save it."""

from motifnet.rulescript import files_of, run
from motifnet.train.job import Outputs, train_on_slot


def main(smk):
    architecture = dict(smk.params.architecture)
    train_on_slot(
        gpus=smk.config["gpus"], holds_gpu=smk.resources.get("gpu", 0) > 0,
        train=smk.input.train, val=smk.input.val, test=smk.input.test,
        encoding=smk.input.encoding, model_name=architecture["model"],
        params=architecture.get("params") or {}, cfg=dict(smk.params.training),
        outputs=files_of(Outputs, smk.output),
        threads=smk.threads,
        # checked before training (read from the config: a change retrains nothing)
        attribution_classes=(smk.config["attribution"]["classes"]
                             if smk.config["motifs"]["method"] != "filters" else []),
    )


run(main, snakemake)  # noqa: F821
