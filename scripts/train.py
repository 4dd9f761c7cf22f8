"""Rule train: fit one architecture on one dataset, evaluate on the test split, save the model."""

from dataclasses import fields

from motifnet.rulescript import run
from motifnet.train.devices import acquire_device
from motifnet.train.loop import Outputs, train_and_evaluate


def main(smk):
    gpus = smk.config["gpus"]
    training = dict(smk.params.training)
    architecture = dict(smk.params.architecture)
    # resources.gpu is 0 for CPU-only architectures, with gpus.cpu_only, or under --resources gpu=0.
    cpu_only = gpus["cpu_only"] or smk.resources.get("gpu", 0) == 0
    with acquire_device(gpus["devices"], gpus["lock_dir"], cpu_only, training["device"]) as device:
        train_and_evaluate(
            train=smk.input.train, val=smk.input.val, test=smk.input.test,
            encoding=smk.input.encoding, model_name=architecture["model"],
            params=architecture.get("params") or {}, cfg=training, device=device,
            outputs=Outputs(**{f.name: smk.output[f.name] for f in fields(Outputs)}),
            threads=smk.threads,
        )


run(main, snakemake)  # noqa: F821
