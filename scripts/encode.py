"""Rule encode: the sequence table to one-hot train/val/test splits and encoding.json."""

from motifnet.data.encoded import encode_dataset
from motifnet.rulescript import run


def main(smk):
    outputs = dict(smk.output.items())
    encode_dataset(smk.input.sequences, smk.output.splits, smk.output.encoding,
                   dataset=smk.wildcards.dataset, task=smk.params.task,
                   split=dict(smk.params.split), dtype=smk.params.dtype,
                   sources=dict(smk.params.sources), notes=smk.input.notes,
                   unknown=smk.params.encoding["unknown"], transform=smk.params.transform,
                   folds=(outputs["all"], outputs["folds"]) if "folds" in outputs else None)


run(main, snakemake)  # noqa: F821
