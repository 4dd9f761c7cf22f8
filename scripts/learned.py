"""Rule learned: learned.json, the scores of every path that named a model's motifs."""

from motifnet.motifs.naming import merge_learned
from motifnet.rulescript import run


def main(smk):
    merge_learned(smk.input.get("filters"), smk.input.get("patterns"), smk.output[0])


run(main, snakemake)  # noqa: F821
