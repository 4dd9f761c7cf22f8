"""Rule attribute: attribution maps of a trained model's sequences, per class, on its GPU slot."""

from pathlib import Path

from motifnet.interpret.attribution import attribute_model
from motifnet.rulescript import run


def main(smk):
    settings = {**smk.params.attribution,
                "batch_size": smk.config["attribution"]["batch_size"]}
    sequences = {Path(path).stem: path for path in smk.input.sequences}
    attribute_model(smk.input.model, sequences, smk.input.encoding, settings, smk.output.maps,
                    gpus=smk.config["gpus"], holds_gpu=smk.resources.get("gpu", 0) > 0,
                    threads=smk.threads)


run(main, snakemake)  # noqa: F821
