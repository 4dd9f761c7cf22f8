"""Rule attribute: attribution maps of a trained model's sequences, per class, on its GPU slot."""

from motifnet.motifs.attribution import attribute_model
from motifnet.rulescript import run


def main(smk):
    attribute_model(smk.input.model, smk.input.sequences, dict(smk.params.attribution),
                    smk.output.maps, gpus=smk.config["gpus"],
                    holds_gpu=smk.resources.get("gpu", 0) > 0, threads=smk.threads)


run(main, snakemake)  # noqa: F821
