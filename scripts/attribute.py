"""Rule attribute: attribution maps of a trained model's sequences, per class, on its GPU slot."""

from motifnet.interpret.attribution import attribute_model
from motifnet.rulescript import run


def main(smk):
    settings = {**smk.params.attribution,
                "batch_size": smk.config["attribution"]["batch_size"]}
    attribute_model(smk.input.model, smk.input.sequences, settings, smk.output.maps,
                    gpus=smk.config["gpus"], holds_gpu=smk.resources.get("gpu", 0) > 0,
                    threads=smk.threads)


run(main, snakemake)  # noqa: F821
